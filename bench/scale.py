"""A district-sized school: load time, memory and page cost by size.

    python bench/scale.py [--sizes 1000,100000,1000000] [--rounds 5] [--requests 2000]
                          [--shapes bench,strings,reordered,pretty,one-realm] [--starts 1]

For each size N, writes a fixture of N users and N enrollments (sections of
25, a teacher each; a course to every 10 sections) to a temporary folder, then
starts `schoology-mock serve --fixtures FILE` (authentication, rate limit and
journal off) and prints, per size:
- start: seconds from starting the process to its first answered list page;
- rss: the server's resident memory after that answer (and its peak);
- page: the server's CPU time a list page of 20 rows costs, in alternating
  rounds over all the servers at once, as the median of the rounds, and its
  ratio to the smallest school's page (of the first shape);
Then, on the smallest school's server: POST /_mock/load of the largest file
and GET /_mock/state of it (seconds, and the server's memory after each).

--shapes writes the same school in other valid shapes too, each a server of
its own at each size, side by side with the others:
- bench: as above, ids, flags and statuses as JSON numbers, compact;
- strings: every id, flag and status a JSON string of digits ("45552101"), as
  Schoology writes them (fixtures/demo.json);
- reordered: each record's keys in an order of its own (shuffled, seeded);
- pretty: the document indented two spaces a level, as json.dumps(indent=2);
- one-realm: every enrollment in one section (its pages are taken at offsets
  all through it: ?start=...);
and any of them joined with + (strings+reordered+pretty+one-realm). With
--starts K, each server is started K times, in turns across the shapes, and
start and RSS are the medians.
"""
import argparse
import http.client
import os
import random
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


SHAPES = ("strings", "reordered", "pretty", "one-realm")


def write_school(path, size, shape="bench"):
    """A fixture document of size users and size enrollments, written in
    pieces (the whole document as dicts would be several times its size).
    shape: "bench", or shapes of SHAPES joined with + (see the docstring)."""
    shapes = set() if shape == "bench" else set(shape.split("+"))
    if not shapes <= set(SHAPES):
        raise SystemExit(f"unknown shape {shape!r} (bench, or {', '.join(SHAPES)} joined with +)")
    sections = max(1, size // SECTION_SIZE)
    courses = max(1, sections // 10)
    realm_of = ((lambda n: 1_000_000) if "one-realm" in shapes
                else (lambda n: 1_000_000 + (n // SECTION_SIZE) % sections))
    pretty = "pretty" in shapes
    shuffle = random.Random(27).shuffle if "reordered" in shapes else None
    as_text = "strings" in shapes

    def shaped(record):
        if as_text:
            record = {key: _as_text(value) for key, value in record.items()}
        if shuffle is not None:
            keys = list(record)
            shuffle(keys)
            record = {key: record[key] for key in keys}
        if pretty:
            return orjson.dumps(record, option=orjson.OPT_INDENT_2).replace(b"\n", b"\n    ")
        return orjson.dumps(record)

    with open(path, "wb") as f:
        def items(key, records, last=False):
            f.write(b'\n  "%s": [' % key.encode() if pretty else b'"%s":[' % key.encode())
            first = True
            for record in records:
                if pretty:
                    f.write(b"\n    " if first else b",\n    ")
                elif not first:
                    f.write(b",")
                f.write(shaped(record))
                first = False
            if pretty and not first:
                f.write(b"\n  ")
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
                               "realm": "section", "realm_id": realm_of(n),
                               "admin": int(n % SECTION_SIZE == 0), "status": 1}
                              for n in range(size)), last=True)
        f.write(b"\n}\n" if pretty else b"}")


def _as_text(value):
    """An id, flag or status (every int the school's records hold) as its
    digits, in a list too; anything else (text, a bool) as it is."""
    if type(value) is int:  # noqa: E721 (not a bool)
        return str(value)
    if type(value) is list:  # noqa: E721
        return [_as_text(v) for v in value]
    return value


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

    def get(self, path, method="GET", body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        conn.request(method, path, body=body, headers={"Accept": "application/json",
                                                        "Content-Type": "application/json"})
        answer = conn.getresponse()
        data = answer.read()
        conn.close()
        return answer.status, data

    def pages(self, paths, count):
        """Server CPU µs a page, over count pages of 20 rows on one connection;
        paths(n): the nth page's path. A connection of its own (the server
        closes one idle for 10 s, as it may be while the others are measured)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        before = cpu_seconds(self.proc.pid)
        for n in range(count):
            conn.request("GET", paths(n), headers={"Accept": "application/json"})
            answer = conn.getresponse()
            answer.read()
            assert answer.status == 200, answer.status
        took = cpu_seconds(self.proc.pid) - before
        conn.close()
        return took / count * 1e6

    def stop(self):
        self.proc.terminate()
        self.proc.wait(30)


def page_paths(shape, size, smallest):
    """paths(n) for the nth page measured: the same sections' first pages at
    every size (those of the smallest school); in one realm, as many pages
    as the smallest school has (as many rows: the server keeps the rows it
    rendered last), at offsets spread all through it."""
    if "one-realm" in shape.split("+"):
        pages = max(1, smallest // 20)
        stride = max(1, size // pages) // 20 * 20
        return lambda n: (f"/v1/sections/1000000/enrollments?start={n * 7919 % pages * stride}"
                          "&limit=20")
    sections = max(1, smallest // SECTION_SIZE)
    return lambda n: f"/v1/sections/{1_000_000 + (n * 7919) % sections}/enrollments?limit=20"


def fixture_path(folder, shape, size):
    return folder / (f"school-{size}.json" if shape == "bench"
                     else f"school-{shape.replace('+', '-')}-{size}.json")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,100000,1000000")
    parser.add_argument("--shapes", default="bench",
                        help=f"bench or {', '.join(SHAPES)} (or several joined with +), "
                             "comma-separated")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--starts", type=int, default=1,
                        help="times each server is started (start and RSS: the medians)")
    parser.add_argument("--folder", help="where to write the fixtures (default: a temporary one)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    shapes = args.shapes.split(",")
    folder = Path(args.folder or tempfile.mkdtemp(prefix="scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for shape in shapes:
        for size in sizes:
            files[shape, size] = path = fixture_path(folder, shape, size)
            if not path.exists():
                started = time.perf_counter()
                write_school(path, size, shape)
                print(f"wrote {path} ({path.stat().st_size / 2**20:.0f} MiB) "
                      f"in {time.perf_counter() - started:.1f} s", flush=True)
    servers, starts, rss = {}, {key: [] for key in files}, {key: [] for key in files}
    several = len(shapes) > 1
    try:
        for n in range(args.starts):
            for port, key in enumerate(files):
                shape, size = key
                server = servers[key] = Server(files[key], 18_700 + port)
                starts[key].append(server.start)
                rss[key].append(memory(server.proc.pid))
                print(f"{shape + ' ' if several else ''}{size:>9} started in "
                      f"{server.start:.2f} s, RSS {rss[key][-1][0]:.0f} MiB", flush=True)
                if n < args.starts - 1:
                    servers.pop(key).stop()
        smallest = sizes[0]
        paths = {key: page_paths(key[0], key[1], smallest) for key in servers}
        for key, server in servers.items():
            server.pages(paths[key], args.requests)  # warm up
        figures = {key: [] for key in servers}
        for _ in range(args.rounds):
            for key, server in servers.items():
                figures[key].append(server.pages(paths[key], args.requests))
        base = median(figures[shapes[0], smallest])
        width = max(map(len, shapes))
        print(f"\n{'shape':<{width}} " if several else "\n", end="")
        print(f"{'users+enrollments':>17} {'start s':>8} "
              f"{'RSS MiB':>8} {'peak MiB':>9} {'page µs':>8} {'ratio':>6}")
        for key in servers:
            shape, size = key
            page = median(figures[key])
            print(f"{shape:<{width}} " if several else "", end="")
            print(f"{size:>17,} {median(starts[key]):>8.2f} "
                  f"{median(r[0] for r in rss[key]):>8.0f} "
                  f"{median(r[1] for r in rss[key]):>9.0f} {page:>8.0f} {page / base:>5.2f}x")
        largest = sizes[-1]
        for key in list(servers):
            if key != (shapes[0], smallest):
                servers.pop(key).stop()
        server = servers[shapes[0], smallest]
        started = time.perf_counter()
        status, data = server.get("/_mock/load", "POST",
                                  orjson.dumps({"path": files[shapes[0], largest].name}))
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
