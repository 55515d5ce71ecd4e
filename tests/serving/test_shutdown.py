"""The sandbox never loses an acknowledged write: with a snapshot, every
change is on disk within about a second (a background writer), SIGTERM and
SIGINT always end the server within 5 s with the snapshot written, whoever
is connected, and a kill leaves nothing the next start cannot clean up.
Driven as an operator does: `schoology-mock serve` and real signals."""
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time

import pytest
import requests

from helpers import (SECTION, delete_when_listening, gunicorn, schoology_ids, served_url,
                     start_cli)
from schoology_mock import create_app
from schoology_mock.serving.cli import main
from schoology_mock.serving import MockServer

ENROLLMENT = 54302505  # of SECTION, in the demo school
GROUP = 1530027713
EXIT_WITHIN = 5.0


def serve(snapshot, *args):
    """(process, base URL, port, lines it printed) of a started `serve`."""
    seen = []
    proc = start_cli("--auth", "off", "--snapshot", str(snapshot), *args)
    base = served_url(proc, seen=seen)
    return proc, base, int(base.rsplit(":", 1)[1].split("/")[0]), seen


def stopped_within(proc, seconds, seen):
    """The exit status, once the process has ended; fails if it takes longer
    than seconds (and then shows its threads' stacks)."""
    started = time.monotonic()
    try:
        code = proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGABRT)  # faulthandler (start_cli) prints every stack
        proc.wait(timeout=15)
        proc.stdout.drainer.join(timeout=15)
        pytest.fail(f"still running {seconds} s after the signal:\n{''.join(seen)}")
    proc.stdout.drainer.join(timeout=15)  # its last lines are in seen
    return code, time.monotonic() - started


def enrollment_ids(snapshot):
    """The enrollments Schoology sees in the snapshot (a deleted one stays, for Canvas)."""
    return schoology_ids(json.loads(snapshot.read_text()))


def partials(folder):
    return sorted(p.name for p in folder.glob(".snapshot-*.partial"))


def on_disk_within(snapshot, check, seconds):
    """Seconds until the snapshot file satisfies check (polled); fails past the deadline."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        # read whole each time: os.replace never shows a half-written file
        if snapshot.exists() and check(snapshot):
            return time.monotonic() - started
        time.sleep(0.02)  # polling the file, to a deadline
    raise AssertionError(f"the snapshot did not change within {seconds} s")


class Slow:
    """Connections that trickle a request a byte each 0.1 s, until close()."""

    def __init__(self, port, count, request):
        self.socks = [socket.create_connection(("127.0.0.1", port), timeout=10)
                      for _ in range(count)]
        self.request, self.sent = request, 0
        self._stop, self._going = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        assert self._going.wait(10)

    def _run(self):
        while not self._stop.wait(0.1) and self.sent < len(self.request):
            for sock in self.socks:
                try:
                    sock.send(self.request[self.sent:self.sent + 1])
                except OSError:
                    pass  # the server went away: expected, once it stops
            self.sent += 1
            if self.sent >= 3:
                self._going.set()

    def close(self):
        self._stop.set()
        self._thread.join()
        for sock in self.socks:
            sock.close()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_ends_the_server_within_5s_with_the_snapshot_written(tmp_path, signum):
    """50 idle connections, 10 trickling headers, 10 trickling a body, and a
    request the app is still answering (a 3 s fault latency): the server exits
    0 within 5 s, the write made before is in the snapshot, mode 0600, and
    no temporary file is left."""
    snapshot = tmp_path / "sandbox.json"
    proc, base, port, seen = serve(snapshot)
    slow = []
    try:
        r = requests.delete(f"{base}/sections/{SECTION}/enrollments/{ENROLLMENT}", timeout=10)
        assert r.status_code == 204
        idle = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(50)]
        slow.append(Slow(port, 10, b"GET /v1/users HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 999))
        slow.append(Slow(port, 10, b"POST /v1/groups/1530027713/enrollments HTTP/1.1\r\n"
                                   b"Host: x\r\nContent-Length: 999\r\n\r\n" + b" " * 999))
        fault = {"path": "/v1/users/.*", "latency_ms": 3000}
        assert requests.post(f"{base.removesuffix('/v1')}/_mock/faults", json=fault,
                             timeout=10).status_code == 201
        busy = socket.create_connection(("127.0.0.1", port), timeout=10)
        busy.sendall(b"GET /v1/users/45552222 HTTP/1.1\r\nHost: x\r\n\r\n")
        proc.send_signal(signum)
        code, took = stopped_within(proc, EXIT_WITHIN, seen)
        assert code == 0, "".join(seen)
        assert any("state written to" in line for line in seen)
    finally:
        for s in slow:
            s.close()
        proc.kill()
    assert ENROLLMENT not in enrollment_ids(snapshot)
    assert stat.S_IMODE(os.stat(snapshot).st_mode) == 0o600
    assert partials(tmp_path) == []
    for sock in idle + [busy]:
        sock.close()


@pytest.mark.parametrize("how", ["answered", "unanswered", "half-sent", "keep-alive"])
def test_a_signal_right_after_a_client_disconnects(tmp_path, how):
    """A client writes and goes away (after its answer, before it, mid-request,
    or closing a kept-alive connection), and SIGTERM follows at once: every
    time, the server exits 0 within 5 s with the snapshot written."""
    for attempt in range(3):
        snapshot = tmp_path / f"sandbox-{attempt}.json"
        proc, base, port, seen = serve(snapshot)
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            delete = (f"DELETE /v1/sections/{SECTION}/enrollments/{ENROLLMENT} HTTP/1.1\r\n"
                      "Host: x\r\n\r\n").encode()
            if how == "half-sent":
                sock.sendall(delete[:20])
            else:
                sock.sendall(delete)
                if how != "unanswered":
                    assert sock.recv(65536).startswith(b"HTTP/1.1 204")
                if how == "keep-alive":
                    sock.sendall(f"GET /v1/sections/{SECTION}/enrollments HTTP/1.1\r\n"
                                 "Host: x\r\n\r\n".encode())
                    assert sock.recv(65536).startswith(b"HTTP/1.1 200")
            sock.close()
            proc.terminate()
            code, took = stopped_within(proc, EXIT_WITHIN, seen)
            assert code == 0, "".join(seen)
        finally:
            proc.kill()
        assert snapshot.exists(), "".join(seen)
        if how in ("answered", "keep-alive"):  # acknowledged: kept
            assert ENROLLMENT not in enrollment_ids(snapshot)
        assert partials(tmp_path) == []


def test_an_acknowledged_write_is_on_disk_within_a_second_and_survives_sigkill(tmp_path):
    snapshot = tmp_path / "sandbox.json"
    proc, base, port, seen = serve(snapshot)
    try:
        r = requests.post(f"{base}/groups/{GROUP}/enrollments",
                          json={"uid": 45552222, "admin": 0, "status": 1}, timeout=10)
        assert r.status_code == 201
        created = int(r.json()["id"])
        took = on_disk_within(snapshot, lambda s: created in enrollment_ids(s), 1.0)
        assert stat.S_IMODE(os.stat(snapshot).st_mode) == 0o600
        # a reset installs a new store: that is a change to write as well
        assert requests.post(f"{base.removesuffix('/v1')}/_mock/reset",
                             timeout=10).status_code == 200
        on_disk_within(snapshot, lambda s: created not in enrollment_ids(s), 1.0)
        r = requests.delete(f"{base}/sections/{SECTION}/enrollments/{ENROLLMENT}", timeout=10)
        assert r.status_code == 204
        on_disk_within(snapshot, lambda s: ENROLLMENT not in enrollment_ids(s), 1.0)
        proc.kill()  # SIGKILL: no clean exit, no last write
        proc.wait(timeout=10)
    finally:
        proc.kill()
    proc, base, port, seen = serve(snapshot)
    try:
        assert requests.get(f"{base}/sections/{SECTION}/enrollments/{ENROLLMENT}",
                            timeout=10).status_code == 404
    finally:
        proc.terminate()
        assert stopped_within(proc, EXIT_WITHIN, seen)[0] == 0
    assert took < 1.0


def test_stale_temporary_files_are_removed_at_start(tmp_path):
    """Those of a process that is gone (or of an older version, with no
    process id) go; those of a running process (another server writing the
    same snapshot) stay, and so does anything else."""
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    stale = [tmp_path / f".snapshot-{gone.pid}-k2j4h1.partial",
             tmp_path / ".snapshot-x8f3ab2c.partial"]
    live = tmp_path / f".snapshot-{os.getppid()}-a1b2c3.partial"
    other = tmp_path / "notes.partial"
    for path in stale + [live, other]:
        path.write_text("{")
    create_app({"TESTING": True, "SNAPSHOT": str(tmp_path / "sandbox.json")})
    assert partials(tmp_path) == [live.name] and other.exists()


@pytest.mark.parametrize("given,says", [
    ("{tmp}/no/such/folder/state.json", "folder {tmp}/no/such/folder does not exist"),
    ("{tmp}/a-file/state.json", "folder {tmp}/a-file does not exist"),
    ("{tmp}", "a folder: expected a file's path"),
    ("/proc/state.json", "cannot write in folder /proc"),
])
def test_a_snapshot_path_that_cannot_be_written_is_refused_at_start(tmp_path, capsys, given,
                                                                      says):
    (tmp_path / "a-file").write_text("")
    given, says = given.format(tmp=tmp_path), says.format(tmp=tmp_path)
    assert main(["serve", "--port", "0", "--snapshot", given]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"schoology-mock: --snapshot {given!r}: {says}") and err.count("\n") == 1


def test_a_failed_background_write_is_reported_and_tried_again(tmp_path, capfd):
    folder = tmp_path / "state"
    folder.mkdir()
    snapshot = folder / "sandbox.json"
    server = MockServer(create_app({"TESTING": True, "AUTH": "off",
                                    "SNAPSHOT": str(snapshot)})).start()
    try:
        folder.rmdir()
        r = requests.delete(f"{server.url}/v1/sections/{SECTION}/enrollments/{ENROLLMENT}",
                            timeout=10)
        assert r.status_code == 204
        deadline, err = time.monotonic() + 2, ""
        while "cannot write the snapshot" not in err and time.monotonic() < deadline:
            time.sleep(0.02)  # polling what the server printed, to a deadline
            err += capfd.readouterr().err
        assert err.count("cannot write the snapshot") == 1, err
        folder.mkdir()
        on_disk_within(snapshot, lambda s: ENROLLMENT not in enrollment_ids(s), 2.0)
        assert capfd.readouterr().err.count("cannot write the snapshot") <= 1
    finally:
        server.stop()


@pytest.mark.parametrize("preload", [False, True], ids=["gunicorn", "gunicorn --preload"])
def test_under_gunicorn_a_write_is_on_disk_within_a_second(tmp_path, preload):
    """wsgi.py keeps the snapshot as serve does, from the worker that serves
    (with --preload too, where the app is made before the fork)."""
    snapshot = tmp_path / "state.json"
    server = gunicorn(*(["--preload"] if preload else []), SCHOOLOGY_MOCK_AUTH="off",
                      SCHOOLOGY_MOCK_SNAPSHOT=str(snapshot))
    seen = []
    try:
        deleted = delete_when_listening(
            server, f"/v1/sections/{SECTION}/enrollments/{ENROLLMENT}", seen)
        assert deleted.status_code == 204
        on_disk_within(snapshot, lambda s: ENROLLMENT not in enrollment_ids(s), 1.0)
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0, "".join(seen)
    assert partials(tmp_path) == []
