"""wsgi.py: the app for other WSGI servers, set up from the environment, and
served by gunicorn as the README says."""
import importlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import SECTION, delete_when_listening, gunicorn, schoology_ids

ROOT = Path(__file__).resolve().parent.parent
ENROLLMENT = 54302505


def test_wsgi_module_serves_fixtures_named_in_the_environment(tmp_path, monkeypatch):
    document = {"users": [{"uid": "7", "name_first": "Ada", "name_last": "Lovelace"}],
                "groups": [{"id": "9", "title": "Chess"}],
                "enrollments": [{"id": "11", "uid": "7", "realm": "group", "realm_id": "9",
                                 "admin": 1, "status": 1}]}
    path = tmp_path / "school.json"
    path.write_text(json.dumps(document))
    monkeypatch.setenv("SCHOOLOGY_MOCK_FIXTURES", str(path))
    monkeypatch.setenv("SCHOOLOGY_MOCK_AUTH", "off")
    monkeypatch.syspath_prepend(str(ROOT))
    import wsgi
    wsgi = importlib.reload(wsgi)
    data = wsgi.app.test_client().get("/v1/groups/9/enrollments").get_json()
    assert [e["name_display"] for e in data["enrollment"]] == ["Ada Lovelace"]


def import_wsgi(**environ):
    return subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, timeout=60,
                          env=dict(os.environ, **environ), capture_output=True, text=True)


def test_a_bad_setting_is_one_line_and_exit_4():
    done = import_wsgi(SCHOOLOGY_MOCK_RATE_LIMIT="fast")
    assert done.returncode == 4 and done.stdout == ""
    assert done.stderr == ("schoology-mock: SCHOOLOGY_MOCK_RATE_LIMIT='fast': expected "
                           "N/SECONDS (e.g. 50/5; SECONDS from 0.001 to 86400) or off\n")


def test_address_settings_are_the_wsgi_servers_and_said_to_be_ignored():
    done = import_wsgi(SCHOOLOGY_MOCK_PORT="9", SCHOOLOGY_MOCK_THREADS="2")
    assert done.returncode == 0
    assert done.stderr.splitlines() == [
        f"schoology-mock: ignoring SCHOOLOGY_MOCK_{name}: the WSGI server chooses its own "
        "address and threads" for name in ("PORT", "THREADS")]


def test_gunicorn_stops_on_a_bad_setting_instead_of_restarting_workers():
    server = gunicorn(SCHOOLOGY_MOCK_RATE_LIMIT="fast")
    try:
        output, _ = server.communicate(timeout=30)
    finally:
        server.kill()
    assert server.returncode == 4 and "App failed to load" in output
    assert output.count("SCHOOLOGY_MOCK_RATE_LIMIT='fast'") == 1


@pytest.mark.parametrize("preload", [False, True])
def test_gunicorn_keeps_the_sandbox_in_its_snapshot(tmp_path, preload):
    """With --preload the app is made before gunicorn forks its worker: the
    worker's state, not the parent's untouched copy, is what gets written."""
    snapshot = tmp_path / "state.json"
    server = gunicorn(*(["--preload"] if preload else []), SCHOOLOGY_MOCK_AUTH="off",
                      SCHOOLOGY_MOCK_SNAPSHOT=str(snapshot))
    seen = []
    try:
        deleted = delete_when_listening(
            server, f"/v1/sections/{SECTION}/enrollments/{ENROLLMENT}", seen)
        assert deleted.status_code == 204
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0, "".join(seen)
    kept = schoology_ids(json.loads(snapshot.read_text()))
    assert ENROLLMENT not in kept and len(kept) == 97
