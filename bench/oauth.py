"""What OAuth costs a list page: the same page from a mock with OAuth on
(every request signed, each with a nonce of its own) and from one with it
off, side by side in one run.

    python bench/oauth.py [--duration 2] [--rounds 5]

Requests are signed PLAINTEXT by a wrk script (wrk cannot compute HMAC-SHA1),
so what is measured is the mock's own part of verifying a request: reading
the header, the checks, the nonce memory; HMAC-SHA1 adds its hashing on top.
Uses the demo school and wrk (apt-get install wrk).
"""
import argparse
import sys
import tempfile
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import start, wrk  # noqa: E402

LIST = "/v1/sections/3719526/enrollments"
SIGNING = """
local counter = 0
request = function()
  counter = counter + 1
  local now = tostring(os.time())
  local header = 'OAuth oauth_consumer_key="demo-admin-key", oauth_token="", ' ..
    'oauth_nonce="' .. now .. '-' .. counter .. '", oauth_timestamp="' .. now .. '", ' ..
    'oauth_signature_method="PLAINTEXT", oauth_version="1.0", ' ..
    'oauth_signature="demo-admin-secret%26"'
  return wrk.format("GET", nil, {["Authorization"] = header})
end
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    script = Path(tempfile.mkdtemp(prefix="schoology-bench-")) / "sign.lua"
    script.write_text(SIGNING)
    common = [sys.executable, "-m", "schoology_mock", "serve", "--port", "0", "--no-journal",
              "--rate-limit", "off"]
    signed, signed_api = start(common + ["--auth", "oauth"], "ready at ")
    unsigned, unsigned_api = start(common + ["--auth", "off"], "ready at ")
    figures = {"signed": [], "unsigned": []}
    try:
        for _ in range(args.rounds):
            figures["signed"].append(wrk(signed_api.removesuffix("/v1") + LIST, args,
                                         signed.pid, "application/json", script))
            figures["unsigned"].append(wrk(unsigned_api.removesuffix("/v1") + LIST, args,
                                           unsigned.pid, "application/json"))
    finally:
        signed.terminate()
        unsigned.terminate()
    ratios = sorted(s["rps"] / u["rps"] for s, u in zip(figures["signed"], figures["unsigned"]))
    for name, runs in figures.items():
        print(f"list page, {name:8}: {median(r['rps'] for r in runs):6.0f} req/s, "
              f"cpu {median(r['cpu'] for r in runs):4.0f} µs/request")
    print(f"signed / unsigned: {median(ratios):.2f}x (per round {ratios[0]:.2f}-{ratios[-1]:.2f})")


if __name__ == "__main__":
    main()
