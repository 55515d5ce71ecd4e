"""How long `schoology-mock import` takes: requests, seconds and the file.

    python bench/importing.py [--size 100000] [--dialect schoology|canvas] [--rate 50/5]

Writes a school of --size users and enrollments (bench/scale.py's, with an
administrator's key and Canvas token added), serves it with `schoology-mock
serve` (OAuth on; Schoology's rate limit as --source-rate, default 50/5),
imports it through the dialect at --rate (Schoology's documented 50/5 by
default; "off" for as fast as the source answers) and prints the requests
sent, the seconds taken, the file's size and how long it takes to load.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from scale import write_school  # noqa: E402

KEY, SECRET, TOKEN, ADMIN = "bench-key", "bench-secret", "bench-token", 100_000


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--dialect", choices=("schoology", "canvas"), default="schoology")
    parser.add_argument("--rate", default="50/5")
    parser.add_argument("--source-rate", default="50/5")
    parser.add_argument("--folder", help="where to write the files (default: a temporary one)")
    args = parser.parse_args()
    folder = Path(args.folder or tempfile.mkdtemp(prefix="importing-"))
    folder.mkdir(parents=True, exist_ok=True)
    school = folder / f"source-{args.size}.json"
    if not school.exists():
        write_school(school, args.size)
        document = json.loads(school.read_text())
        document["consumers"] = [{"key": KEY, "secret": SECRET, "uid": ADMIN}]
        document["canvas_tokens"] = [{"token": TOKEN, "uid": ADMIN}]
        school.write_text(json.dumps(document))
    server = subprocess.Popen(
        [sys.executable, "-m", "schoology_mock", "serve", "--fixtures", str(school), "--port",
         "0", "--auth", "oauth", "--rate-limit", args.source_rate, "--journal-size", "0"],
        stdout=subprocess.PIPE, text=True)
    base = next(line for line in server.stdout if "ready at" in line).split("ready at")[1]
    base = base.strip().removesuffix("/v1")
    out = folder / f"imported-{args.dialect}-{args.size}.json"
    if args.dialect == "schoology":
        source = ["--url", base + "/v1", "--key", KEY, "--secret", SECRET]
    else:
        source = ["--url", base, "--token", TOKEN]
    rate = ["--rate", args.rate]
    try:
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "schoology_mock", "import", args.dialect,
                               *source, *rate, "--out", str(out)],
                              stderr=subprocess.PIPE, text=True, env=dict(os.environ))
        took = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(30)
    print(done.stderr.strip().splitlines()[-1])
    if done.returncode:
        raise SystemExit(done.stderr)
    from schoology_mock.store.load import load_file
    started = time.perf_counter()
    load_file(out)
    print(f"{args.size:,} users and enrollments through {args.dialect} at rate {args.rate}: "
          f"{took:.1f} s; the file {out.stat().st_size / 2**20:.1f} MiB, "
          f"loads in {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
