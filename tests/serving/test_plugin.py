"""The pytest plugin, used as users use it: from a test file of their own."""
import json
import socket

from helpers import schoology_ids

USER_TESTS = '''
import requests
from requests_oauthlib import OAuth1


def admin(mock):
    return OAuth1(*mock.credentials["demo-admin-key"])


def test_changes_and_journal(schoology_mock):
    r = requests.delete(schoology_mock.url + "/sections/3719526/enrollments/54302505",
                        auth=admin(schoology_mock), timeout=10)
    assert r.status_code == 204
    schoology_mock.journal.assert_count(1, method="DELETE", path="/v1/sections/3719526/")
    assert schoology_mock.store.enrollments[54302505].state == "deleted"


def test_state_journal_and_faults_are_reset_between_tests(schoology_mock):
    assert schoology_mock.store.enrollments[54302505].state == "active"
    assert schoology_mock.journal.count() == 0
    schoology_mock.faults.add(path="/v1/.*", status=503, times=1)
    url = schoology_mock.url + "/sections/3719526/enrollments"
    assert requests.get(url, auth=admin(schoology_mock), timeout=10).status_code == 503
    assert requests.get(url, auth=admin(schoology_mock), timeout=10).status_code == 200


def test_no_fault_left_from_the_last_test(schoology_mock):
    url = schoology_mock.url + "/sections/3719526/enrollments"
    assert requests.get(url, auth=admin(schoology_mock), timeout=10).status_code == 200


def test_canvas_through_the_same_mock(schoology_mock):
    token = next(t for t, uid in schoology_mock.canvas_tokens.items() if uid == 45552101)
    url = schoology_mock.canvas_url + "/api/v1/sections/3719526/enrollments/"
    r = requests.get(url.rstrip("/"), headers={"Authorization": "Bearer " + token}, timeout=10)
    assert r.status_code == 200 and "next" in r.links
    schoology_mock.journal.assert_count(1, method="GET", path="/api/v1/sections/3719526/")


def test_a_failing_journal_assertion_says_what_it_saw(schoology_mock):
    requests.get(schoology_mock.url + "/sections/3719526/enrollments",
                 auth=admin(schoology_mock), timeout=10)
    schoology_mock.journal.assert_count(1, method="POST")
'''


def test_the_plugin_in_a_project_of_its_own(pytester):
    pytester.makepyfile(test_roster=USER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4, failed=1)
    result.stdout.fnmatch_lines([
        "*expected 1 request(s) matching {'method': 'POST'}, got 0*"])


WORKER_TESTS = '''
import json, os, pathlib, pytest

@pytest.mark.parametrize("n", range(6))
def test_where(schoology_mock, n):
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    out = pathlib.Path(os.environ["WHERE_DIR"]) / f"{worker}-{n}.json"
    out.write_text(json.dumps({"worker": worker, "url": schoology_mock.url}))
'''


def test_each_xdist_worker_gets_its_own_server(pytester, tmp_path, monkeypatch):
    monkeypatch.setenv("WHERE_DIR", str(tmp_path))
    pytester.makepyfile(test_workers=WORKER_TESTS)
    result = pytester.runpytest_subprocess("-n", "2", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=6)
    urls = {}
    for path in tmp_path.glob("*.json"):
        where = json.loads(path.read_text())
        urls.setdefault(where["worker"], set()).add(where["url"])
    assert set(urls) == {"gw0", "gw1"}
    assert all(len(u) == 1 for u in urls.values())  # one server a worker, for the session
    assert urls["gw0"] != urls["gw1"]


NO_JOURNAL_TESTS = '''
import pytest, requests

def test_serves_with_no_journal(schoology_mock):
    r = requests.get(schoology_mock.url + "/sections/3719526/enrollments", timeout=10)
    assert r.status_code == 200
    with pytest.raises(RuntimeError, match="keeps no journal"):
        schoology_mock.journal.count()

def test_and_resets_between_tests(schoology_mock):
    schoology_mock.journal.clear()
'''


def test_the_plugin_with_no_journal(pytester):
    pytester.makeini("[pytest]\nschoology_mock_journal_size = 0\nschoology_mock_auth = off\n")
    pytester.makepyfile(test_it=NO_JOURNAL_TESTS)
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=2)


SNAPSHOT_TESTS = '''
import pytest, requests

@pytest.mark.parametrize("n", range(6))
def test_change(schoology_mock, n):
    url = schoology_mock.url + "/sections/3719526/enrollments/54302505"
    assert requests.delete(url, timeout=10).status_code == 204
'''


def test_workers_sharing_one_snapshot_file_each_write_it_whole(pytester):
    snapshot = pytester.path / "state.json"
    pytester.makeini(f"[pytest]\nschoology_mock_snapshot = {snapshot}\n"
                     "schoology_mock_auth = off\n")
    pytester.makepyfile(test_it=SNAPSHOT_TESTS)
    for _ in range(3):  # each run: two workers stop at about the same time
        snapshot.unlink(missing_ok=True)  # (a server starts from the snapshot when there is one)
        result = pytester.runpytest_subprocess("-n", "2", "-p", "no:cacheprovider")
        result.assert_outcomes(passed=6)
        state = json.loads(snapshot.read_text())
        assert 54302505 not in schoology_ids(state)
        assert not list(pytester.path.glob("*.partial"))


def test_a_port_in_use_is_one_line(pytester):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        pytester.makeini(f"[pytest]\nschoology_mock_port = {port}\n")
        pytester.makepyfile(test_it="def test_it(schoology_mock):\n    pass\n")
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"cannot listen on 127.0.0.1 port {port}: * (ini options "
                                 "schoology_mock_host, schoology_mock_port)"])
    assert "Traceback" not in result.stdout.str()
