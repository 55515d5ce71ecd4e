"""Throughput of the mock beside a raw-Flask ceiling, measured in one run.

    python bench/run.py [--duration 2] [--rounds 7] [--connections 4]

Starts the mock (its own process, `schoology-mock serve`) on a generated school
with 10,000 enrollments in one section, and bench/ceiling.py on the same WSGI
server, then drives each scenario against both with wrk, alternating, and
prints requests/s, p50 and p99 latency and the ratios. Needs wrk (Debian/Ubuntu:
apt-get install wrk). Figures from a shared machine are noisy; compare ratios
taken in the same run, never absolute numbers across runs.
"""
import argparse
import json
import os
import re
from statistics import median
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from urllib.parse import urlsplit

import requests

HERE = Path(__file__).resolve().parent
SECTION = 4000001
ENROLLED, SPARE = 10_000, 60_000
FIRST_UID, FIRST_ENROLLMENT = 60_000_000, 90_000_000


def school():
    """One course, one section of ENROLLED users, and SPARE more users for creates."""
    users = [{"uid": str(FIRST_UID + n), "school_uid": f"S{n:06d}",
              "name_first": f"First{n}", "name_last": f"Last{n % 977}",
              "picture_url": "https://asset-cdn.schoology.com/system/files/imagecache/"
                             f"profile_reg/pictures/picture-{n:08x}.jpg"}
             for n in range(ENROLLED + SPARE)]
    enrollments = [{"id": str(FIRST_ENROLLMENT + n * 3), "uid": str(FIRST_UID + n),
                    "realm": "section", "realm_id": str(SECTION), "admin": int(n == 0),
                    "status": 1 + (n % 7 == 0)} for n in range(ENROLLED)]
    return {"users": users, "courses": [{"id": "1001", "course_code": "B-1", "title": "Bench"}],
            "sections": [{"id": str(SECTION), "course_id": "1001", "section_code": "1"}],
            "enrollments": enrollments}


def pinned(cmd, core):
    """Run cmd on one core, when the machine has more than one: the server and
    the load generator then never trade places, which steadies the ratios."""
    if shutil.which("taskset") and (os.cpu_count() or 1) > 1:
        return ["taskset", "-c", str(core)] + cmd
    return cmd


def start(cmd, needle, timeout=120):
    proc = subprocess.Popen(pinned(cmd, (os.cpu_count() or 1) - 1), stdout=subprocess.PIPE,
                            text=True)
    deadline = time.monotonic() + timeout
    for line in proc.stdout:
        if needle in line:
            return proc, line.split(needle, 1)[1].strip()
        if time.monotonic() > deadline:
            break
    proc.kill()
    raise SystemExit(f"{cmd[0]} did not start")


CREATE_LUA = """
local n = 0
local first = tonumber(os.getenv("BENCH_FIRST_UID"))
request = function()
  n = n + 1
  local body = '{"uid":"' .. (first + n) .. '","admin":"0","status":"1"}'
  return wrk.format("POST", nil, {["Content-Type"] = "application/json",
                                  ["Accept"] = "application/json"}, body)
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


def cpu_seconds(pid):
    """CPU time (user + system) the process has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(url, duration, connections, accept=None, script=None, env=None, pid=None):
    """(requests/s, p50 ms, p99 ms, server CPU µs per request)"""
    before = cpu_seconds(pid)
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency"]
    if accept:
        cmd += ["-H", f"Accept: {accept}"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(pinned(cmd + [url], 0), capture_output=True, text=True, env=env, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {p: float(v) * UNITS[u] for p, v, u in
           re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)$", out, re.M)}
    used = cpu_seconds(pid) - before
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if bad:
        raise SystemExit(f"{url}: {bad.group(1)} error answers during the run\n{out}")
    count = int(re.search(r"(\d+) requests in", out).group(1))
    return rps, lat["50"], lat["99"], used * 1e6 / count


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=2, help="seconds per measurement")
    parser.add_argument("--rounds", type=int, default=7, help="rounds, each mock then ceiling")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=16, help="server threads, both servers")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install wrk")

    work = Path(tempfile.mkdtemp(prefix="schoology-bench-"))
    fixtures = work / "school.json"
    fixtures.write_text(json.dumps(school()))
    mock, mock_url = start([sys.executable, "-m", "app.cli", "serve", "--port", "0",
                            "--fixtures", str(fixtures), "--threads", str(args.threads)],
                           "ready at ")
    api = mock_url  # .../v1
    try:
        list_url = f"{api}/sections/{SECTION}/enrollments?start=5000&limit=20"
        item_url = f"{api}/sections/{SECTION}/enrollments/{FIRST_ENROLLMENT + 3 * 4321}"
        create_url = f"{api}/sections/{SECTION}/enrollments"
        # Capture the answers the ceiling will replay, byte for byte.
        answers = {}
        for name, (method, url, accept, _) in scenarios(list_url, item_url, create_url).items():
            body = None
            if method == "POST":
                body = {"uid": str(FIRST_UID + ENROLLED + SPARE - 1), "admin": 0, "status": 1}
            r = requests.request(method, url, json=body, headers={"Accept": accept}, timeout=10)
            assert r.status_code in (200, 201), (url, r.status_code, r.text)
            answers[f"{method} {urlsplit(url).path} {accept}"] = {
                "status": r.status_code, "body": r.content.decode("latin-1"),
                             "headers": {k: v for k, v in r.headers.items()
                                         if k in ("Content-Type", "X-Schoology", "Cache-Control")}}
        (work / "ceiling.json").write_text(json.dumps(answers))
        ceiling, ceiling_url = start([sys.executable, str(HERE / "ceiling.py"),
                                      str(work / "ceiling.json"), str(args.threads)], "ready at ")
        try:
            results = run_rounds(args, scenarios(list_url, item_url, create_url), ceiling_url,
                                 work, (mock.pid, ceiling.pid))
        finally:
            ceiling.terminate()
    finally:
        mock.terminate()
    report(results, args)


def scenarios(list_url, item_url, create_url):
    """name -> (method, url, Accept, wrk script or None)"""
    return {
        "list page, JSON (20 items)": ("GET", list_url, "application/json", None),
        "list page, XML (20 items)": ("GET", list_url, "text/xml", None),
        "list, every page in turn, JSON": ("GET", list_url, "application/json", WALK_LUA),
        "single GET, JSON": ("GET", item_url, "application/json", None),
        "single GET, XML": ("GET", item_url, "text/xml", None),
        "create, JSON": ("POST", create_url, "application/json", CREATE_LUA),
    }


def run_rounds(args, cases, ceiling_url, work, pids):
    """Each round measures a scenario on the mock and right after on the
    ceiling; the ratio of the pair is what counts, since the machine's speed
    drifts between pairs far more than within one."""
    figures = {}
    next_uid = FIRST_UID + ENROLLED  # creates take spare users, never the same twice
    for _ in range(args.rounds):
        for name, (_, url, accept, lua) in cases.items():
            script = env = None
            if lua:
                script = work / f"{abs(hash(lua))}.lua"
                script.write_text(lua)
                env = {"BENCH_FIRST_UID": str(next_uid), "BENCH_PAGES": str(ENROLLED // 20),
                       "PATH": "/usr/bin:/bin"}
                next_uid += SPARE // (args.rounds * 2 + 1)
            mock = wrk(url, args.duration, args.connections, accept, script, env, pids[0])
            # the ceiling is sent the very same request: path, query and headers
            same_request = ceiling_url + urlsplit(url)._replace(scheme="", netloc="").geturl()
            ceiling = wrk(same_request, args.duration, args.connections, accept, script, env,
                          pids[1])
            figures.setdefault(name, []).append((mock, ceiling))
    return figures


def report(figures, args):
    print(f"\n{args.rounds} rounds x {args.duration}s a side, {args.connections} connections;"
          " medians over rounds.\nlatencies in ms; cpu: server CPU time per request in µs "
          "(steadier than req/s on a shared machine)\n")
    print(f"{'scenario':32} {'mock req/s':>10} {'p50':>5} {'p99':>6} {'cpu':>5} | "
          f"{'ceiling':>7} {'p50':>5} {'p99':>6} {'cpu':>5} | {'req/s ratio':>18} {'cpu ratio':>9}")
    rps = {}
    for name, pairs in figures.items():
        mock = [median(p[0][i] for p in pairs) for i in range(4)]
        ceiling = [median(p[1][i] for p in pairs) for i in range(4)]
        ratios = sorted(p[0][0] / p[1][0] for p in pairs)
        cpu_ratio = median(p[1][3] / p[0][3] for p in pairs)
        rps[name] = mock[0]
        print(f"{name:32} {mock[0]:10.0f} {mock[1]:5.2f} {mock[2]:6.2f} {mock[3]:5.0f} | "
              f"{ceiling[0]:7.0f} {ceiling[1]:5.2f} {ceiling[2]:6.2f} {ceiling[3]:5.0f} | "
              f"{median(ratios):5.2f}x ({ratios[0]:.2f}-{ratios[-1]:.2f}) {cpu_ratio:8.2f}x")
    json_pairs = figures["list page, JSON (20 items)"]
    xml_pairs = figures["list page, XML (20 items)"]
    per_round = sorted(x[0][0] / j[0][0] for x, j in zip(xml_pairs, json_pairs))
    cpu = median(j[0][3] / x[0][3] for x, j in zip(xml_pairs, json_pairs))
    print(f"\nXML list / JSON list (mock): {median(per_round):.2f}x req/s "
          f"(per round {per_round[0]:.2f}-{per_round[-1]:.2f}), {cpu:.2f}x by cpu")
    print(f"enrollments written per second by single creates: {rps['create, JSON']:.0f}")


if __name__ == "__main__":
    main()
