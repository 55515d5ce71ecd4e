"""A district-sized school: load time, memory and page cost by size.

    python bench/scale.py [--sizes 1000,100000,1000000] [--rounds 5] [--requests 2000]

For each size N, writes a fixture of N users and N enrollments (sections of
25, a teacher each; a course to every 10 sections) to a temporary folder, then
starts `schoology-mock serve --fixtures FILE` (authentication, rate limit and
journal off) and prints, per size:
- start: seconds from starting the process to its first answered list page;
- rss: the server's resident memory after that answer (and its peak);
- page: the server's CPU time a list page of 20 rows costs, in alternating
  rounds over all the servers at once, as the median of the rounds, and its
  ratio to the smallest school's page;
Then, on the smallest school's server: POST /_mock/load of the largest file
and GET /_mock/state of it (seconds, and the server's memory after each).
"""
import argparse
import http.client
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

import orjson

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import cpu_seconds, memory  # noqa: E402
SECTION_SIZE = 25
BUILDING = 2163340412
ROLES = [{"id": 783209, "title": "School Admin", "faculty": 1, "administrator": True},
         {"id": 783211, "title": "Teacher", "faculty": 1},
         {"id": 783215, "title": "Student"}]
FIRST = ["Ava", "Noah", "Mia", "Liam", "Zoe", "Omar", "Ines", "Kenji", "Ruth", "Tariq"]
LAST = ["Okafor", "Lindqvist", "Moreau", "Castillo", "Nakamura", "Haddad", "Brennan", "Silva"]


def write_school(path, size):
    """A fixture document of size users and size enrollments, written in
    pieces (the whole document as dicts would be several times its size)."""
    sections = max(1, size // SECTION_SIZE)
    courses = max(1, sections // 10)
    with open(path, "wb") as f:
        def items(key, records, last=False):
            f.write(b'"%s":[' % key.encode())
            first = True
            for record in records:
                if not first:
                    f.write(b",")
                f.write(orjson.dumps(record))
                first = False
            f.write(b"]" if last else b"],")

        f.write(b"{")
        items("buildings", [{"id": BUILDING, "title": "Scale District High", "school_id": 1}])
        items("roles", ROLES)
        items("users", (user(n) for n in range(size)))
        items("courses", ({"id": 10_000 + c, "course_code": f"C{c:05d}",
                           "title": f"Course {c}", "building_id": BUILDING}
                          for c in range(courses)))
        items("grading_periods", [{"id": 900, "title": "2026-2027",
                                   "start": "2026-08-17", "end": "2027-06-11"}])
        items("sections", ({"id": 1_000_000 + s, "course_id": 10_000 + s % courses,
                            "title": f"Section {s}", "section_code": f"S{s:05d}",
                            "section_school_code": f"SSC{s:06d}", "grading_periods": [900]}
                           for s in range(sections)))
        items("enrollments", ({"id": 50_000_000 + n, "uid": 100_000 + n,
                               "realm": "section", "realm_id": 1_000_000 + (n // SECTION_SIZE)
                               % sections, "admin": int(n % SECTION_SIZE == 0), "status": 1}
                              for n in range(size)), last=True)
        f.write(b"}")


def user(n):
    role = 783209 if n == 0 else 783211 if n % SECTION_SIZE == 0 else 783215
    return {"uid": 100_000 + n, "school_uid": f"S{n:07d}",
            "name_first": FIRST[n % len(FIRST)], "name_last": LAST[n % len(LAST)],
            "username": f"u{n:07d}", "primary_email": f"u{n:07d}@scale.example",
            "role_id": role, "building_id": BUILDING, "grad_year": str(2027 + n % 4),
            "gender": "FMX"[n % 3]}


class Server:
    def __init__(self, fixture, port, python=sys.executable, **settings):
        """settings: SCHOOLOGY_MOCK_ variables besides those set here; python:
        the interpreter whose schoology_mock serves (bench/builds.py sets
        another checkout's)."""
        self.port = port
        env = dict(os.environ, SCHOOLOGY_MOCK_AUTH="off", SCHOOLOGY_MOCK_RATE_LIMIT="off",
                   SCHOOLOGY_MOCK_JOURNAL_SIZE="0", SCHOOLOGY_MOCK_DATA_DIR=str(fixture.parent))
        env.update({"SCHOOLOGY_MOCK_" + k: v for k, v in settings.items()})
        started = time.perf_counter()
        self.proc = subprocess.Popen(
            [python, "-m", "schoology_mock", "serve", "--fixtures", str(fixture),
             "--port", str(port)], env=env, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 600
        while True:
            try:
                status, _ = self.get("/v1/sections/1000000/enrollments?limit=20")
                if status == 200:
                    break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server for {fixture} did not start")
            time.sleep(0.02)  # polling a process that is starting up, not a test
        self.start = time.perf_counter() - started
        self.conn = None

    def get(self, path, method="GET", body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        conn.request(method, path, body=body, headers={"Accept": "application/json",
                                                        "Content-Type": "application/json"})
        answer = conn.getresponse()
        data = answer.read()
        conn.close()
        return answer.status, data

    def pages(self, sections, count):
        """Server CPU µs a page, over count pages of 20 rows on one connection."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        before = cpu_seconds(self.proc.pid)
        for n in range(count):
            section = 1_000_000 + (n * 7919) % sections
            self.conn.request("GET", f"/v1/sections/{section}/enrollments?limit=20",
                              headers={"Accept": "application/json"})
            answer = self.conn.getresponse()
            answer.read()
            assert answer.status == 200, answer.status
        return (cpu_seconds(self.proc.pid) - before) / count * 1e6

    def stop(self):
        self.proc.terminate()
        self.proc.wait(30)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,100000,1000000")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--folder", help="where to write the fixtures (default: a temporary one)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    folder = Path(args.folder or tempfile.mkdtemp(prefix="scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for size in sizes:
        files[size] = folder / f"school-{size}.json"
        if not files[size].exists():
            started = time.perf_counter()
            write_school(files[size], size)
            print(f"wrote {files[size]} ({files[size].stat().st_size / 2**20:.0f} MiB) "
                  f"in {time.perf_counter() - started:.1f} s", flush=True)
    servers = {}
    try:
        for n, size in enumerate(sizes):
            servers[size] = Server(files[size], 18_700 + n)
            servers[size].rss = memory(servers[size].proc.pid)
            print(f"{size:>9} started in {servers[size].start:.2f} s", flush=True)
        smallest = sizes[0]
        sections = max(1, smallest // SECTION_SIZE)  # the same pages at every size
        for server in servers.values():
            server.pages(sections, args.requests)  # warm up
        figures = {size: [] for size in sizes}
        for _ in range(args.rounds):
            for size, server in servers.items():
                figures[size].append(server.pages(sections, args.requests))
        base = median(figures[smallest])
        print(f"\n{'users+enrollments':>17} {'start s':>8} {'RSS MiB':>8} {'peak MiB':>9} "
              f"{'page µs':>8} {'ratio':>6}")
        for size, server in servers.items():
            page = median(figures[size])
            print(f"{size:>17,} {server.start:>8.2f} {server.rss[0]:>8.0f} {server.rss[1]:>9.0f} "
                  f"{page:>8.0f} {page / base:>5.2f}x")
        largest = sizes[-1]
        for size in sizes[1:]:
            servers.pop(size).stop()
        server = servers[smallest]
        started = time.perf_counter()
        status, data = server.get("/_mock/load", "POST",
                                  orjson.dumps({"path": files[largest].name}))
        took = time.perf_counter() - started
        assert status == 200, data[:300]
        print(f"\nPOST /_mock/load of {largest:,}: {took:.2f} s, "
              f"RSS {memory(server.proc.pid)[0]:.0f} MiB")
        started = time.perf_counter()
        status, data = server.get("/_mock/state")
        took = time.perf_counter() - started
        assert status == 200 and len(orjson.loads(data)["enrollments"]) == largest
        print(f"GET /_mock/state of {largest:,}: {took:.2f} s ({len(data) / 2**20:.0f} MiB), "
              f"RSS {memory(server.proc.pid)[0]:.0f} MiB (peak {memory(server.proc.pid)[1]:.0f})")
    finally:
        for server in servers.values():
            server.stop()


if __name__ == "__main__":
    main()
