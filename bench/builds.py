"""Two builds of the mock side by side, in one run: this checkout's and an
earlier one's, so that a change can be shown to cost nothing.

    python bench/builds.py --before-python OTHER/.venv/bin/python
        [--duration 2] [--rounds 7] [--size 1000000] [--load-rounds 2]

OTHER is another checkout (a `git worktree add OTHER <commit>`) with a
virtual environment of its own holding it (`pip install -e OTHER`). Both
builds serve run.py's school (10,000 enrollments in one section): the list
page in JSON and XML, and Canvas's first page of the same section at
per_page 10 and 100, authentication and the journal off; then the JSON list
page with the journal on (its default size). Each is measured with wrk on
one build and right after on the other, the order swapped every round, and
what counts is the ratio in each round (this build / the earlier one, of
req/s and of server CPU time a request, inverted so that above 1 is
better). Then a school of --size users and enrollments (scale.py's) is
started by each build in turn: seconds to the first answered list page and
the resident memory after it. Needs wrk (apt-get install wrk)."""
import argparse
import json
import shutil
import socket
import sys
import tempfile
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ENROLLED, LIST_SECTION, memory, school, start, wrk  # noqa: E402
from scale import Server, write_school  # noqa: E402

READS = {  # name -> (path under the server, Accept)
    "list page, JSON": (f"/v1/sections/{LIST_SECTION}/enrollments?start=5000&limit=20",
                        "application/json"),
    "list page, XML": (f"/v1/sections/{LIST_SECTION}/enrollments?start=5000&limit=20",
                       "text/xml"),
    "Canvas page, per_page 10": (f"/api/v1/sections/{LIST_SECTION}/enrollments?per_page=10",
                                 "application/json"),
    "Canvas page, per_page 100": (f"/api/v1/sections/{LIST_SECTION}/enrollments?per_page=100",
                                  "application/json"),
}
JOURNALED = "list page, JSON, journal on"


def serve(python, fixture, threads, journal):
    """(process, base URL without /v1) of a build serving fixture."""
    cmd = [python, "-m", "schoology_mock", "serve", "--port", "0", "--fixtures", str(fixture),
           "--threads", str(threads), "--auth", "off", "--rate-limit", "off"]
    if not journal:
        cmd.append("--no-journal")
    proc, url = start(cmd, "ready at ")
    return proc, url.removesuffix("/v1")


def reads(args, builds):
    """{name: [(after, before), ...]}, a pair of wrk figures a round."""
    figures = {}
    for n in range(args.rounds):
        order = ["after", "before"] if n % 2 == 0 else ["before", "after"]
        for name, (path, accept) in list(READS.items()) + [(JOURNALED, READS["list page, JSON"])]:
            got = {}
            for which in order:
                proc, url = builds[which]["journal" if name == JOURNALED else "plain"]
                got[which] = wrk(url + path, args, proc.pid, accept)
            figures.setdefault(name, []).append((got["after"], got["before"]))
    return figures


def loads(args, pythons, work):
    """{which: [(seconds to the first page, resident MiB), ...]}, builds in turn."""
    fixture = work / f"school-{args.size}.json"
    write_school(fixture, args.size)
    found = {}
    for n in range(args.load_rounds):
        for which in (["after", "before"] if n % 2 == 0 else ["before", "after"]):
            server = Server(fixture, free_port(), python=pythons[which])
            try:
                found.setdefault(which, []).append((server.start, memory(server.proc.pid)[0]))
            finally:
                server.stop()
    return found


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before-python", required=True,
                        help="the interpreter of the earlier checkout's environment")
    parser.add_argument("--duration", type=int, default=2, help="seconds per measurement")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--size", type=int, default=1_000_000, help="the loaded school")
    parser.add_argument("--load-rounds", type=int, default=2)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install wrk")
    pythons = {"after": sys.executable, "before": args.before_python}
    work = Path(tempfile.mkdtemp(prefix="schoology-builds-"))
    fixture = work / "school.json"
    fixture.write_text(json.dumps(school()))
    builds = {}
    try:
        for which, python in pythons.items():
            builds[which] = {"plain": serve(python, fixture, args.threads, journal=False),
                             "journal": serve(python, fixture, args.threads, journal=True)}
        paired = reads(args, builds)
    finally:
        for servers in builds.values():
            for proc, _ in servers.values():
                proc.terminate()
    loaded = loads(args, pythons, work) if args.size else {}
    report(args, paired, loaded)


def report(args, paired, loaded):
    print(f"\n{args.rounds} rounds x {args.duration}s a build, {args.connections} "
          f"connections, {ENROLLED:,} enrollments in the section; medians over rounds.\n"
          "ratio: this build / the earlier one, per round (req/s; cpu: the earlier one's "
          "server CPU a request / this one's): above 1 is better\n")
    print(f"{'scenario':30} {'req/s now':>9} {'before':>7} | {'req/s ratio':>18} "
          f"{'cpu ratio':>18}")
    for name, pairs in paired.items():
        rps = sorted(a["rps"] / b["rps"] for a, b in pairs)
        cpu = sorted(b["cpu"] / a["cpu"] for a, b in pairs)
        print(f"{name:30} {median(a['rps'] for a, _ in pairs):9.0f} "
              f"{median(b['rps'] for _, b in pairs):7.0f} | {median(rps):5.2f}x "
              f"({rps[0]:.2f}-{rps[-1]:.2f}) {median(cpu):6.2f}x ({cpu[0]:.2f}-{cpu[-1]:.2f})")
    if loaded:
        print(f"\na school of {args.size:,} users and enrollments, started by each build in "
              f"turn ({args.load_rounds} each): seconds to the first page, resident MiB")
        for which in ("after", "before"):
            runs = loaded[which]
            label = "this build" if which == "after" else "the earlier one"
            print(f"{label:16} start {median(s for s, _ in runs):6.2f} s "
                  f"({', '.join(f'{s:.2f}' for s, _ in runs)}), "
                  f"rss {median(m for _, m in runs):6.0f} MiB")
        start = {w: median(s for s, _ in loaded[w]) for w in loaded}
        rss = {w: median(m for _, m in loaded[w]) for w in loaded}
        print(f"ratio (earlier / this, above 1 is better): start "
              f"{start['before'] / start['after']:.2f}x, rss {rss['before'] / rss['after']:.2f}x")


if __name__ == "__main__":
    main()
