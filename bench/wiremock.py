"""WireMock, the Java API mock, as a yardstick: it serves the very bytes the
mock answered (captured beforehand, as the ceiling serves them), so the
benchmark can set the mock beside a mock that does no work at all.

WireMock comes from npm, as a runnable jar:

    npm install --prefix bench wiremock@3.13.2

(or point BENCH_WIREMOCK_JAR at a wiremock-standalone jar). Needs java.
"""
import base64
import glob
import json
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent


def jar():
    """The WireMock jar, or None when it is not installed."""
    given = os.environ.get("BENCH_WIREMOCK_JAR")
    if given:
        return given
    found = sorted(glob.glob(str(HERE / "node_modules/wiremock/build/wiremock-standalone-*.jar")))
    return found[-1] if found else None


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _mapping(key, answer):
    """A stub for one captured answer: keys are "METHOD /path?query ACCEPT"
    (exact) or "METHOD /path ACCEPT" (any query, a lower priority)."""
    method, target, accept = key.split(" ", 2)
    request = {"method": method, "headers": {"Accept": {"equalTo": accept}}}
    if "?" in target:
        request["url"] = target.rstrip("?")
        priority = 1
    else:
        request["urlPath"] = target
        priority = 5
    body = answer["body"].encode("latin-1")  # the bytes the mock sent
    return {"priority": priority, "request": request,
            "response": {"status": answer["status"], "headers": answer["headers"],
                         "base64Body": base64.b64encode(body).decode()}}


def start(answers, threads, pinned):
    """(process, base URL) of a WireMock serving answers (start_ceiling's)."""
    port = _free_port()
    cmd = ["java", "-jar", jar(), "--port", str(port), "--bind-address", "127.0.0.1",
           "--disable-banner", "--no-request-journal", "--disable-request-logging",
           "--container-threads", str(threads)]
    proc = subprocess.Popen(pinned(cmd), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:  # the JVM takes a few seconds to listen
        try:
            urllib.request.urlopen(f"{base}/__admin/mappings", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise SystemExit("WireMock did not start")
            time.sleep(0.2)
    for key, answer in answers.items():
        request = urllib.request.Request(
            f"{base}/__admin/mappings", data=json.dumps(_mapping(key, answer)).encode(),
            headers={"Content-Type": "application/json"}, method="POST")
        urllib.request.urlopen(request, timeout=10).read()
    return proc, base
