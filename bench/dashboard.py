"""The dashboard at a district's size, beside the API it must not hold up.

    python bench/dashboard.py [--users 500000] [--rounds 5] [--seconds 2]

Writes a school of --users users and twice as many enrollments: each user in a
section of 25, as bench/scale.py, and in one group of the whole school, the
largest realm a page can show. Starts `schoology-mock serve` on it
(authentication and rate limit off, the journal on as in a demo) and prints:
- each dashboard page's time on the idle server (median of --rounds, wall clock
  from this process), a search by name of the whole-school group the worst;
- the API's list page of 20, requested back to back on one connection for
  --seconds: its latency (p50, p99) and rate alone; beside a person at the
  dashboard (the live journal's refresh and a search by name of the
  whole-school group, each once a second); beside a second API client doing
  the same as the first; and beside dashboard pages asked for back to back
  (every page below, or only the whole-school search), in alternating rounds,
  each as a ratio to alone (medians over the rounds).
"""
import argparse
import http.client
import tempfile
import threading
import time
from pathlib import Path
from statistics import median

import orjson

from run import memory
from scale import BUILDING, ROLES, SECTION_SIZE, Server, user

GROUP = 7_000_000


def write_school(path, size):
    sections = max(1, size // SECTION_SIZE)
    with open(path, "wb") as f:
        def items(key, records, last=False):
            f.write(b'"%s":[' % key.encode())
            for n, record in enumerate(records):
                f.write(b"," if n else b"")
                f.write(orjson.dumps(record))
            f.write(b"]" if last else b"],")

        f.write(b"{")
        items("buildings", [{"id": BUILDING, "title": "Scale District High", "school_id": 1}])
        items("roles", ROLES)
        items("users", (user(n) for n in range(size)))
        items("courses", ({"id": 10_000 + c, "course_code": f"C{c:05d}", "title": f"Course {c}",
                           "building_id": BUILDING} for c in range(max(1, sections // 10))))
        items("sections", ({"id": 1_000_000 + s, "course_id": 10_000 + s // 10,
                            "title": f"Section {s}", "section_code": f"S{s:05d}"}
                           for s in range(sections)))
        items("groups", [{"id": GROUP, "title": "The whole school"}])
        items("enrollments", (
            {"id": 50_000_000 + n, "uid": 100_000 + n % size,
             "realm": "section" if n < size else "group",
             "realm_id": 1_000_000 + n // SECTION_SIZE % sections if n < size else GROUP,
             "admin": int(n % SECTION_SIZE == 0), "status": 1}
            for n in range(2 * size)), last=True)
        f.write(b"}")


def dashboard_pages(size):
    last = -(-size // 20)
    return {
        "the school": "/_mock/",
        "a section": "/_mock/school/section/1000007",
        "the whole-school group, page 1": f"/_mock/school/group/{GROUP}",
        "the whole-school group, last page": f"/_mock/school/group/{GROUP}?page={last}",
        "it, searched by uid": f"/_mock/school/group/{GROUP}?q={100_000 + size // 2}",
        "it, searched by name": f"/_mock/school/group/{GROUP}?q=tariq",
        "the journal": "/_mock/journal",
        "faults, clock and state": "/_mock/controls",
    }


class Client:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)

    def get(self, path):
        self.conn.request("GET", path, headers={"Accept": "application/json"})
        answer = self.conn.getresponse()
        answer.read()
        assert answer.status == 200, (path, answer.status)


def api_path(n, sections):
    return f"/v1/sections/{1_000_000 + (n * 7919) % sections}/enrollments?limit=20"


def api_window(port, sections, seconds, beside, pause=0):
    """The API's list page latencies over the window, with beside (a list of
    paths, or None) asked for in a loop by another client meanwhile, pause
    seconds after each round of them."""
    stop = threading.Event()
    done = [0]

    def other():
        client = Client(port)
        while not stop.is_set():
            for path in beside:
                client.get(path)
                done[0] += 1
            stop.wait(pause)

    helper = threading.Thread(target=other) if beside else None
    if helper:
        helper.start()
    client, took, n = Client(port), [], 0
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        started = time.perf_counter()
        client.get(api_path(n, sections))
        took.append(time.perf_counter() - started)
        n += 1
    stop.set()
    if helper:
        helper.join()
    took.sort()
    return {"p50": took[len(took) // 2] * 1e3, "p99": took[int(len(took) * 0.99)] * 1e3,
            "rate": len(took) / seconds, "beside": done[0] / seconds}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=500_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=2)
    parser.add_argument("--folder", help="where to write the fixture (default: a temporary one)")
    args = parser.parse_args()
    folder = Path(args.folder or tempfile.mkdtemp(prefix="dashboard-"))
    folder.mkdir(parents=True, exist_ok=True)
    fixture = folder / f"dashboard-{args.users}.json"
    if not fixture.exists():
        write_school(fixture, args.users)
    server = Server(fixture, 18_790, JOURNAL_SIZE="5000")
    try:
        rss, peak = memory(server.proc.pid)
        print(f"{args.users:,} users, {2 * args.users:,} enrollments: started in "
              f"{server.start:.1f} s, {rss:.0f} MiB (peak {peak:.0f})\n", flush=True)
        pages = dashboard_pages(args.users)
        client = Client(server.port)
        timings = {name: [] for name in pages}
        for _ in range(args.rounds):
            for name, path in pages.items():
                started = time.perf_counter()
                client.get(path)
                timings[name].append((time.perf_counter() - started) * 1e3)
        print(f"{'dashboard page (idle server)':<40} {'ms':>8}")
        for name, took in timings.items():
            print(f"{name:<40} {median(took):>8.1f}")

        sections = args.users // SECTION_SIZE
        api = [api_path(n, sections) for n in range(100)]
        person = [pages["the journal"], pages["it, searched by name"]]
        modes = {"alone": (None, 0), "beside a person": (person, 1),
                 "beside a second API client": (api, 0),
                 "beside every dashboard page": (list(pages.values()), 0),
                 "beside the whole-school search": ([pages["it, searched by name"]], 0)}
        figures = {mode: [] for mode in modes}
        for _ in range(args.rounds):
            for mode, (beside, pause) in modes.items():
                figures[mode].append(api_window(server.port, sections, args.seconds, beside,
                                                pause))
        alone = {k: median(f[k] for f in figures["alone"]) for k in ("p50", "p99", "rate")}
        print(f"\n{'API list page of 20':<32} {'p50 ms':>7} {'p99 ms':>7} {'req/s':>7} "
              f"{'p50 ratio':>9} {'p99 ratio':>9} {'beside/s':>9}")
        for mode, rounds in figures.items():
            p50, p99 = median(f["p50"] for f in rounds), median(f["p99"] for f in rounds)
            rate, beside = median(f["rate"] for f in rounds), median(f["beside"] for f in rounds)
            print(f"{mode:<32} {p50:>7.2f} {p99:>7.2f} {rate:>7.0f} {p50 / alone['p50']:>8.2f}x "
                  f"{p99 / alone['p99']:>8.2f}x {beside:>9.0f}")
        print(f"\nafter: {memory(server.proc.pid)[0]:.0f} MiB")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
