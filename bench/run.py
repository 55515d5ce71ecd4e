"""Throughput of the mock beside a raw-Flask ceiling, measured in one run.

    python bench/run.py [--duration 2] [--rounds 7] [--write-duration 1] [--connections 4]

Starts the mock (its own process, `schoology-mock serve`) on a generated school
with 10,000 enrollments in one section, and bench/ceiling.py, a minimal Flask
app that replays the mock's bytes under the same WSGI server. Reads (Schoology's
list page of 20 in JSON and XML, a walk through every page, a single GET in
each; Canvas's first list page of the same section at per_page 10 and 100) and
single creates are measured against both, alternating, with wrk; the ratio of
each pair is what counts, and each Canvas page is set beside Schoology's JSON
list page, round by round. When WireMock is installed (bench/wiremock.py:
npm install --prefix bench wiremock@3.13.2), each read is also sent to
WireMock serving the same captured bytes, and the mock's req/s is set beside
its. Bulk writes (bulk create, the two imports, 50 enrollments a request) are
measured on the mock alone, as enrollments written per second.
Needs wrk (Debian/Ubuntu: apt-get install wrk). Figures from a shared machine
are noisy; compare ratios taken in the same run, never numbers across runs.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from statistics import median
from urllib.parse import urlsplit

import requests

import wiremock

HERE = Path(__file__).resolve().parent
COURSE, GRADING_PERIOD = "1001", "5001"
LIST_SECTION = 4000001
ENROLLED, SPARE = 10_000, 60_000
FIRST_UID, FIRST_ENROLLMENT = 60_000_000, 90_000_000
# Each kind of bulk write gets sections of its own, moving to the next when
# the spare users left in one would not cover another run.
WRITE_RUNS = 3  # of each bulk write, in each format, each in a fresh section
WRITE_SECTIONS = {kind: [4000100 + 10 * k + n for n in range(2 * WRITE_RUNS)]
                  for k, kind in enumerate(("single", "bulk", "import_gp", "import_code"))}


def section_codes(section_id):
    return str(section_id), f"B-1-{section_id}"  # section_code, section_school_code


def school():
    """ENROLLED users in LIST_SECTION, and SPARE more for the writes."""
    users = [{"uid": str(FIRST_UID + n), "school_uid": f"S{n:06d}",
              "name_first": f"First{n}", "name_last": f"Last{n % 977}",
              "picture_url": "https://asset-cdn.schoology.com/system/files/imagecache/"
                             f"profile_reg/pictures/picture-{n:08x}.jpg"}
             for n in range(ENROLLED + SPARE)]
    enrollments = [{"id": str(FIRST_ENROLLMENT + n * 3), "uid": str(FIRST_UID + n),
                    "realm": "section", "realm_id": str(LIST_SECTION), "admin": int(n == 0),
                    "status": 1 + (n % 7 == 0)} for n in range(ENROLLED)]
    section_ids = [LIST_SECTION] + [sid for ids in WRITE_SECTIONS.values() for sid in ids]
    sections = [{"id": str(sid), "course_id": COURSE, "section_code": section_codes(sid)[0],
                 "section_school_code": section_codes(sid)[1],
                 "grading_periods": [GRADING_PERIOD]} for sid in section_ids]
    return {"users": users, "courses": [{"id": COURSE, "course_code": "B-1", "title": "Bench"}],
            "grading_periods": [{"id": GRADING_PERIOD, "title": "Year"}],
            "sections": sections, "enrollments": enrollments}


# --- the load generator ----------------------------------------------------------
# Writes send PER items a request, item k filled from the counter FIRST + k,
# so no request repeats a user another has sent.
WRITE_LUA = """
local n = 0
local first = tonumber(os.getenv("BENCH_FIRST"))
local per = tonumber(os.getenv("BENCH_PER"))
local item = os.getenv("BENCH_ITEM")
local open, sep, close = os.getenv("BENCH_OPEN"), os.getenv("BENCH_SEP"), os.getenv("BENCH_CLOSE")
local headers = {["Content-Type"] = os.getenv("BENCH_TYPE"), ["Accept"] = os.getenv("BENCH_TYPE")}
request = function()
  local items = {}
  for k = 1, per do
    items[k] = string.format(item, first + n * per + k - 1)
  end
  n = n + 1
  return wrk.format("POST", nil, headers, open .. table.concat(items, sep) .. close)
end

-- A 207 is a success to wrk even when rows failed: count answers with a
-- failed row, so the benchmark can refuse figures that include them.
failed = 0
response = function(status, headers, body)
  if status >= 300 or body:find('"response_code":[^2]') or body:find("<response_code>[^2]") then
    failed = failed + 1
  end
end
local threads = {}
setup = function(thread) table.insert(threads, thread) end
done = function(summary, latency, requests)
  local count = 0
  for _, thread in ipairs(threads) do count = count + thread:get("failed") end
  io.write("failed answers: " .. count .. "\\n")
end
"""

# Every request a different page, in turn: rows no recent request has rendered.
WALK_LUA = """
local n = 0
local pages = tonumber(os.getenv("BENCH_PAGES"))
request = function()
  n = n + 1
  local path = wrk.path:gsub("start=%d+", "start=" .. ((n % pages) * 20))
  return wrk.format("GET", path)
end
"""

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def pinned(cmd, core):
    """Run cmd on one core, when the machine has more than one: the server and
    the load generator then never trade places, which steadies the ratios."""
    if shutil.which("taskset") and (os.cpu_count() or 1) > 1:
        return ["taskset", "-c", str(core)] + cmd
    return cmd


def start(cmd, needle, timeout=120):
    proc = subprocess.Popen(pinned(cmd, (os.cpu_count() or 1) - 1), stdout=subprocess.PIPE,
                            text=True)
    for line in proc.stdout:
        if needle in line:
            return proc, line.split(needle, 1)[1].strip()
    proc.kill()
    raise SystemExit(f"{cmd[0]} did not start")


def cpu_seconds(pid):
    """CPU time (user + system) the process has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory(pid):
    """(resident, peak) MiB of the process, from /proc."""
    status = Path(f"/proc/{pid}/status").read_text()
    kib = {line.split(":")[0]: int(line.split()[1]) for line in status.splitlines()
           if line.startswith(("VmRSS", "VmHWM"))}
    return kib["VmRSS"] / 1024, kib["VmHWM"] / 1024


def wrk(url, args, pid, accept=None, script=None, env=None, duration=None):
    """{rps, p50, p99 (ms), cpu (server µs a request), count}"""
    cmd = ["wrk", "-t1", f"-c{args.connections}", f"-d{duration or args.duration}s",
           "--latency"]
    if accept:
        cmd += ["-H", f"Accept: {accept}"]
    if script:
        cmd += ["-s", str(script)]
    before = cpu_seconds(pid)
    done = subprocess.run(pinned(cmd + [url], 0), capture_output=True, text=True,
                          env=dict(env or {}, PATH=os.environ["PATH"]), check=True)
    if done.stderr.strip():  # wrk reports a broken script here, then runs without it
        raise SystemExit(f"wrk: {done.stderr.strip()}")
    out = done.stdout
    used = cpu_seconds(pid) - before
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    failed = re.search(r"failed answers: (\d+)", out)
    if bad or (failed and int(failed.group(1))):
        raise SystemExit(f"{url}: answers with errors during the run\n{out}")
    count = int(re.search(r"(\d+) requests in", out).group(1))
    lat = {p: float(v) * UNITS[u] for p, v, u in
           re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)$", out, re.M)}
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50": lat["50"], "p99": lat["99"], "cpu": used * 1e6 / count, "count": count}


# --- what is measured ------------------------------------------------------------------
class Writes:
    """Hands out spare users to one kind of write, never the same user twice
    in a section, moving on to its next section as one fills up."""

    def __init__(self, kind, path, item):
        self.sections, self.path, self.item = list(WRITE_SECTIONS[kind]), path, item
        self.next, self.last_run = 0, 0

    def request(self, api, per, fmt, fresh=False):
        """(url, wrk environment) for the next run; fresh: in a section of its own."""
        if self.next and (fresh or self.next + self.last_run >= SPARE):
            self.sections.pop(0)
            self.next = 0
            if not self.sections:
                raise SystemExit(f"{self.path}: ran out of spare users ({self.last_run} a run): "
                                 "lower --duration")
        section = self.sections[0]
        code, school_code = section_codes(section)
        item = {k: v.format(code=code, school_code=school_code) for k, v in self.item.items()}
        first = ENROLLED + self.next + (FIRST_UID if "uid" in item else 0)
        if fmt == "json":
            wrap = {"BENCH_OPEN": '{"enrollments":{"enrollment":[', "BENCH_SEP": ",",
                    "BENCH_CLOSE": "]}}", "BENCH_TYPE": "application/json"}
            if per == 1:
                wrap.update(BENCH_OPEN="", BENCH_CLOSE="")
            body = json.dumps(item, separators=(",", ":"))
        else:
            wrap = {"BENCH_OPEN": "<body><enrollments>", "BENCH_SEP": "",
                    "BENCH_CLOSE": "</enrollments></body>", "BENCH_TYPE": "text/xml"}
            body = "<enrollment>" + "".join(f"<{k}>{v}</{k}>" for k, v in item.items()) + \
                "</enrollment>"
        env = dict(wrap, BENCH_FIRST=str(first), BENCH_PER=str(per), BENCH_ITEM=body)
        return f"{api}/{self.path.format(section=section)}", env

    def used(self, requests_sent, per, connections):
        # wrk may have one request a connection in flight that it does not count
        self.last_run = (requests_sent + connections) * per
        self.next += self.last_run


UID, CODE = "%d", "S%06d"
CREATE_ITEM = {"uid": UID, "admin": "0", "status": "1"}
BULK = {  # name -> (kind, path, item)
    "bulk create": ("bulk", "sections/{section}/enrollments", CREATE_ITEM),
    "import by grading period": ("import_gp", f"enrollments/import/course/{GRADING_PERIOD}",
                                 {"course_code": "B-1", "section_code": "{code}",
                                  "school_uid": CODE}),
    "import by section_school_code": ("import_code", "enrollments/import/course",
                                      {"section_school_code": "{school_code}",
                                       "school_uid": CODE}),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=2, help="seconds per measurement")
    parser.add_argument("--rounds", type=int, default=7, help="rounds of reads and creates")
    parser.add_argument("--write-duration", type=int, default=1,
                        help="seconds per bulk-write measurement")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=16, help="server threads, both servers")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install wrk")

    work = Path(tempfile.mkdtemp(prefix="schoology-bench-"))
    (work / "school.json").write_text(json.dumps(school()))
    (work / "write.lua").write_text(WRITE_LUA)
    (work / "walk.lua").write_text(WALK_LUA)
    # Authentication and the journal off: what is measured is the API's own work.
    mock, api = start([sys.executable, "-m", "schoology_mock", "serve", "--port", "0", "--fixtures",
                       str(work / "school.json"), "--threads", str(args.threads), "--auth", "off",
                       "--no-journal"], "ready at ")
    try:
        list_url = f"{api}/sections/{LIST_SECTION}/enrollments?start=5000&limit=20"
        canvas_url = re.sub(r"/v1$", "/api/v1", api) + f"/sections/{LIST_SECTION}/enrollments"
        item_url = f"{api}/sections/{LIST_SECTION}/enrollments/{FIRST_ENROLLMENT + 3 * 4321}"
        single = Writes("single", "sections/{section}/enrollments", CREATE_ITEM)
        reads = {  # name -> (url, Accept, wrk script, its environment)
            "list page, JSON (20 items)": (list_url, "application/json", None, None),
            "list page, XML (20 items)": (list_url, "text/xml", None, None),
            "list, every page in turn, JSON": (list_url, "application/json", work / "walk.lua",
                                               {"BENCH_PAGES": str(ENROLLED // 20)}),
            "single GET, JSON": (item_url, "application/json", None, None),
            "single GET, XML": (item_url, "text/xml", None, None),
            "Canvas list page, per_page 10": (f"{canvas_url}?per_page=10", "application/json",
                                              None, None),
            "Canvas list page, per_page 100": (f"{canvas_url}?per_page=100", "application/json",
                                               None, None),
        }
        ceiling, ceiling_url = start_ceiling(args, work, api, reads)
        yardstick = None
        if wiremock.jar() and shutil.which("java"):
            yardstick = wiremock.start(json.loads((work / "ceiling.json").read_text()),
                                       args.threads,
                                       lambda cmd: pinned(cmd, (os.cpu_count() or 1) - 1))
        try:
            paired = measure_pairs(args, reads, single, api, mock.pid, ceiling_url, ceiling.pid,
                                   work, yardstick)
        finally:
            ceiling.terminate()
            if yardstick:
                yardstick[0].terminate()
        writes = measure_writes(args, api, mock.pid, work)
    finally:
        mock.terminate()
    report(args, paired, writes)


def start_ceiling(args, work, api, reads):
    """Capture the mock's answer to each measured request; serve them back.
    Each is kept under its path and query, and under its path alone for
    requests whose query varies (the walk): the first captured for a path."""
    answers = {}
    captures = [("GET", url, accept, None) for url, accept, _, _ in reads.values()]
    for section in WRITE_SECTIONS["single"]:  # a create answer, for each section creates use
        captures.append(("POST", f"{api}/sections/{section}/enrollments", "application/json",
                         {"uid": str(FIRST_UID + ENROLLED - 1), "admin": 0, "status": 1}))
    for method, url, accept, body in captures:
        r = requests.request(method, url, json=body, headers={"Accept": accept}, timeout=10)
        assert r.status_code in (200, 201), (url, r.status_code, r.text)
        answer = {"status": r.status_code, "body": r.content.decode("latin-1"),
                  "headers": {k: v for k, v in r.headers.items()
                              if k in ("Content-Type", "X-Schoology", "Cache-Control", "Link")}}
        path, query = urlsplit(url).path, urlsplit(url).query
        answers[f"{method} {path}?{query} {accept}"] = answer
        answers.setdefault(f"{method} {path} {accept}", answer)
    (work / "ceiling.json").write_text(json.dumps(answers))
    return start([sys.executable, str(HERE / "ceiling.py"), str(work / "ceiling.json"),
                  str(args.threads)], "ready at ")


def measure_pairs(args, reads, single, api, mock_pid, ceiling_url, ceiling_pid, work,
                  yardstick=None):
    """Each round measures every read, and single creates, on the mock and
    right after on the ceiling, which is sent the very same requests; and on
    WireMock (yardstick: its process and URL) when it is installed."""
    figures = {}
    for _ in range(args.rounds):
        cases = dict(reads)
        url, env = single.request(api, 1, "json")
        cases["create, JSON"] = (url, "application/json", work / "write.lua", env)
        for name, (url, accept, script, env) in cases.items():
            mock = wrk(url, args, mock_pid, accept, script, env)
            if name.startswith("create"):
                single.used(mock["count"], 1, args.connections)
            same_request = ceiling_url + urlsplit(url)._replace(scheme="", netloc="").geturl()
            ceiling = wrk(same_request, args, ceiling_pid, accept, script, env)
            other = None
            if yardstick and not name.startswith("create"):  # its stubs answer reads only
                other = wrk(yardstick[1] + urlsplit(url)._replace(scheme="", netloc="").geturl(),
                            args, yardstick[0].pid, accept, script, env)
            figures.setdefault(name, []).append((mock, ceiling, other))
    return figures


def measure_writes(args, api, mock_pid, work):
    """Enrollments written per second by the bulk endpoints, 50 a request."""
    figures = {}
    writers = {name: Writes(*spec) for name, spec in BULK.items()}
    for _ in range(WRITE_RUNS):
        for name, writer in writers.items():
            for fmt in ("json", "xml"):
                url, env = writer.request(api, 50, fmt, fresh=True)
                got = wrk(url, args, mock_pid, None, work / "write.lua", env,
                          args.write_duration)
                writer.used(got["count"], 50, args.connections)
                figures.setdefault(f"{name}, {fmt.upper()}", []).append(got)
    return figures


def report(args, paired, writes):
    print(f"\n{args.rounds} rounds x {args.duration}s a side, {args.connections} connections;"
          " medians over rounds.\nlatencies in ms; cpu: server CPU time per request in µs "
          "(steadier than req/s on a shared machine)\n")
    print(f"{'scenario':32} {'mock req/s':>10} {'p50':>5} {'p99':>6} {'cpu':>5} | "
          f"{'ceiling':>7} {'p50':>5} {'p99':>6} {'cpu':>5} | {'req/s ratio':>18} {'cpu ratio':>9}")
    rps = {}
    for name, pairs in paired.items():
        mock = {k: median(p[0][k] for p in pairs) for k in ("rps", "p50", "p99", "cpu")}
        ceiling = {k: median(p[1][k] for p in pairs) for k in ("rps", "p50", "p99", "cpu")}
        ratios = sorted(p[0]["rps"] / p[1]["rps"] for p in pairs)
        cpu_ratio = median(p[1]["cpu"] / p[0]["cpu"] for p in pairs)
        rps[name] = mock["rps"]
        print(f"{name:32} {mock['rps']:10.0f} {mock['p50']:5.2f} {mock['p99']:6.2f} "
              f"{mock['cpu']:5.0f} | {ceiling['rps']:7.0f} {ceiling['p50']:5.2f} "
              f"{ceiling['p99']:6.2f} {ceiling['cpu']:5.0f} | {median(ratios):5.2f}x "
              f"({ratios[0]:.2f}-{ratios[-1]:.2f}) {cpu_ratio:8.2f}x")
    json_pairs = paired["list page, JSON (20 items)"]
    print()
    for name, label in (("list page, XML (20 items)", "XML list"),
                        ("Canvas list page, per_page 10", "Canvas per_page 10"),
                        ("Canvas list page, per_page 100", "Canvas per_page 100")):
        per_round = sorted(x[0]["rps"] / j[0]["rps"] for x, j in zip(paired[name], json_pairs))
        cpu = median(j[0]["cpu"] / x[0]["cpu"] for x, j in zip(paired[name], json_pairs))
        print(f"{label + ' / JSON list (mock):':39} {rps[name]:6.0f} req/s, "
              f"{median(per_round):.2f}x req/s (per round {per_round[0]:.2f}-{per_round[-1]:.2f}), "
              f"{cpu:.2f}x by cpu")
    print("(target: Canvas per_page 10 at 0.8x the JSON list page or better)")

    beside = {name: [p for p in pairs if p[2]] for name, pairs in paired.items()}
    if any(beside.values()):
        print("\nbeside WireMock serving the same bytes (its stubs answer the reads):\n")
        print(f"{'scenario':32} {'mock req/s':>10} {'WireMock':>9} {'p99':>6} {'cpu':>5} | "
              f"{'req/s ratio':>18}")
        for name, pairs in beside.items():
            if not pairs:
                continue
            other = {k: median(p[2][k] for p in pairs) for k in ("rps", "p99", "cpu")}
            ratios = sorted(p[0]["rps"] / p[2]["rps"] for p in pairs)
            print(f"{name:32} {median(p[0]['rps'] for p in pairs):10.0f} {other['rps']:9.0f} "
                  f"{other['p99']:6.2f} {other['cpu']:5.0f} | {median(ratios):5.2f}x "
                  f"({ratios[0]:.2f}-{ratios[-1]:.2f})")
    else:
        print("\n(WireMock not installed: npm install --prefix bench wiremock@3.13.2)")

    print(f"\nenrollments written per second (mock alone, medians of {WRITE_RUNS} runs of "
          f"{args.write_duration}s)\n")
    print(f"{'writes':42} {'req/s':>7} {'enrollments/s':>13} {'p50':>6} {'p99':>7} {'cpu/item':>8}")
    print(f"{'single create, JSON (1 a request)':42} {rps['create, JSON']:7.0f} "
          f"{rps['create, JSON']:13.0f}")
    for name, runs in writes.items():
        got = {k: median(r[k] for r in runs) for k in ("rps", "p50", "p99", "cpu")}
        print(f"{name + ' (50 a request)':42} {got['rps']:7.0f} {got['rps'] * 50:13.0f} "
              f"{got['p50']:6.2f} {got['p99']:7.2f} {got['cpu'] / 50:8.0f}")


if __name__ == "__main__":
    main()
