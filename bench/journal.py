"""What the request journal costs: list-page throughput with the journal on
and off, side by side in one run, and the server's memory after 100,000
journaled requests with the default cap beside a server keeping no journal.

    python bench/journal.py [--duration 2] [--rounds 5] [--requests 100000]

Uses the demo school, authentication off, and wrk (apt-get install wrk).
"""
import argparse
import sys
from pathlib import Path
from statistics import median

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import memory, start, wrk  # noqa: E402

LIST = "/v1/sections/3719526/enrollments"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    serve = [sys.executable, "-m", "schoology_mock", "serve", "--port", "0", "--auth", "off"]
    on, on_url = start(serve, "ready at ")
    off, off_url = start(serve + ["--no-journal"], "ready at ")
    try:
        pairs = []
        for _ in range(args.rounds):
            pairs.append((wrk(on_url.replace("/v1", "") + LIST, args, on.pid),
                          wrk(off_url.replace("/v1", "") + LIST, args, off.pid)))
        base_on, base_off = memory(on.pid)[0], memory(off.pid)[0]
        sent = {}
        for proc, url in ((on, on_url), (off, off_url)):
            total = 0
            while total < args.requests:  # whole wrk runs until enough were sent
                total += wrk(url.replace("/v1", "") + LIST + "?limit=5", args, proc.pid)["count"]
            sent[proc.pid] = total
        base = on_url.replace("/v1", "")
        kept = requests.post(f"{base}/_mock/requests/count", json={}, timeout=30).json()["count"]
        print(f"\n{args.rounds} rounds x {args.duration}s a side, {args.connections} connections\n")
        ratios = sorted(p[0]["rps"] / p[1]["rps"] for p in pairs)
        print(f"list page, journal on : {median(p[0]['rps'] for p in pairs):7.0f} req/s, "
              f"cpu {median(p[0]['cpu'] for p in pairs):4.0f} us/request")
        print(f"list page, journal off: {median(p[1]['rps'] for p in pairs):7.0f} req/s, "
              f"cpu {median(p[1]['cpu'] for p in pairs):4.0f} us/request")
        print(f"on / off: {median(ratios):.2f}x (per round {ratios[0]:.2f}-{ratios[-1]:.2f})\n")
        print(f"memory (RSS) after {sent[on.pid]:,} requests with the journal on "
              f"(keeping {kept:,}): {memory(on.pid)[0]:.0f} MiB, from {base_on:.0f} MiB")
        print(f"memory (RSS) after {sent[off.pid]:,} requests with no journal: "
              f"{memory(off.pid)[0]:.0f} MiB, from {base_off:.0f} MiB")
    finally:
        on.terminate()
        off.terminate()


if __name__ == "__main__":
    main()
