"""`schoology-mock import schoology`: the mock stands in for the real
service. A mock of the demo school (OAuth on, the rate limit on, faults
armed) is imported, a second mock is started from the file, and every list
page of every realm, course and user answers the same in both, in JSON and
XML."""
import http.server
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

import pytest
import requests
import xmltodict
from helpers import demo_document
from requests_oauthlib import OAuth1

from schoology_mock.serving.cli import main
from schoology_mock.store.load import build_store
from schoology_mock.store.records import DEFAULT_PICTURE

KEY, SECRET = "demo-admin-key", "demo-admin-secret"
# What the anonymiser replaces, wherever a user shows (users, enrollments).
PERSONAL = {"name_first", "name_first_preferred", "name_middle", "name_last", "name_display",
            "school_uid", "username", "primary_email", "picture_url"}


def run_import(base, out, *options):
    return main(["import", "schoology", "--url", base, "--key", KEY, "--secret", SECRET,
                 "--out", str(out), *options])


def arm(server, **rule):
    answer = requests.post(f"{server.url}/_mock/faults", json=rule, timeout=10)
    assert answer.status_code == 201, answer.text


def served_from(path, start_server):
    """A mock of the imported file, with the demo school's keys added (an
    import brings no credentials), the rate limit off for the comparison."""
    with open(path) as f:
        document = json.load(f)
    demo = demo_document()
    for kind in ("consumers", "tokens"):
        document[kind] = demo[kind]
    return start_server(store=build_store(document), RATE_LIMIT="off")


def get(server, path, fmt):
    accept = "application/json" if fmt == "json" else "text/xml"
    answer = requests.get(f"{server.url}/v1/{path}", auth=OAuth1(KEY, SECRET),
                          headers={"Accept": accept}, timeout=30, allow_redirects=False)
    # the server's address, as text and as JSON writes it (slashes escaped)
    return answer.status_code, answer.text.replace(server.url, "BASE").replace(
        server.url.replace("/", "\\/"), "BASE")


def pages(server, document):
    """Every list page of the school (each list followed by links.next), and
    each realm, course, user, role and grading period by id."""
    lists = ["users?limit=7", "roles", "courses?limit=3", "groups?limit=1",
             "gradingperiods?limit=2"]
    lists += [f"courses/{c['id']}/sections?limit=1" for c in document["courses"]]
    for realm in ("sections", "groups"):
        for record in document[realm]:
            lists += [f"{realm}/{record['id']}/enrollments?limit=7",
                      f"{realm}/{record['id']}/enrollments?enrollment_status=1,2,3,4,5&limit=7"]
    singles = [f"users/{u['uid']}" for u in document["users"]]
    singles += [f"users/{u['uid']}/sections" for u in document["users"]]
    singles += [f"courses/{c['id']}" for c in document["courses"]]
    singles += [f"{realm}/{r['id']}" for realm in ("sections", "groups") for r in document[realm]]
    singles += [f"roles/{r['id']}" for r in document["roles"]]
    singles += [f"gradingperiods/{p['id']}" for p in document["grading_periods"]]
    found = list(singles)
    for path in lists:
        while path:
            found.append(path)
            _, body = get(server, path, "json")
            following = json.loads(body).get("links", {}).get("next")
            path = following and following.split("BASE/v1/", 1)[1]
    return found


@pytest.fixture
def source(start_server, store):
    """The demo school as the real service: OAuth, Schoology's rate limit."""
    return start_server(store=store, AUTH="oauth", RATE_LIMIT="50/5")


@pytest.fixture
def reference(start_server, store):
    """The same school, to compare with (its rate limit off)."""
    return start_server(store=store, RATE_LIMIT="off")


def test_an_import_serves_every_page_as_the_source_does(source, reference, start_server,
                                                        tmp_path, capsys):
    arm(source, path="/v1/users", retry_after=1, times=2)  # throttled: wait, then again
    arm(source, path=r"/v1/sections/\d+/enrollments", drop=True, times=1)
    arm(source, path=r"/v1/courses/\d+/sections", status=503, times=1)
    out = tmp_path / "school.json"
    assert run_import(source.url + "/v1", out, "--keep-names") == 0
    said = capsys.readouterr().err
    assert "2 throttled, 2 retried" in said
    assert not (tmp_path / "school.json.parts").exists()
    throttled = requests.get(f"{source.url}/_mock/requests", params={"status": 429},
                             timeout=10).json()
    assert throttled["total"] == 2  # the faults' alone: the rate limit never refused one
    imported = served_from(out, start_server)
    document = demo_document()
    compared = pages(reference, document)
    assert len(compared) > 150
    for path in compared:
        for fmt in ("json", "xml"):
            assert get(imported, path, fmt) == get(reference, path, fmt), (path, fmt)


def _masked(value):
    if isinstance(value, dict):
        return {k: "*" if k in PERSONAL else _masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value


def test_an_anonymised_import_differs_only_in_who_people_are(reference, start_server, tmp_path):
    out = tmp_path / "school.json"
    assert run_import(reference.url + "/v1", out) == 0
    imported = served_from(out, start_server)
    for path in pages(reference, demo_document()):
        for fmt in ("json", "xml"):
            status, body = get(imported, path, fmt)
            expected_status, expected = get(reference, path, fmt)
            assert status == expected_status, path
            if status != 200:
                continue
            read = json.loads if fmt == "json" else xmltodict.parse
            assert _masked(read(body)) == _masked(read(expected)), (path, fmt)


def _source_people(document):
    """Each source user's names, identifiers and emails."""
    given = PERSONAL - {"name_display", "picture_url"}
    return {int(u["uid"]): {u.get(k) for k in given} - {"", None} for u in document["users"]}


def test_no_source_name_uid_or_email_survives(reference, tmp_path):
    out = tmp_path / "school.json"
    assert run_import(reference.url + "/v1", out, "--seed", "7") == 0
    text = out.read_text()
    written = json.loads(text)
    demo = demo_document()
    people = _source_people(demo)
    stand_ins = {u["uid"]: u for u in written["users"]}
    assert stand_ins.keys() == people.keys()
    for uid, own in people.items():
        # none of a person's own names, ids or emails is their stand-in's
        shown = {str(v).casefold() for v in stand_ins[uid].values()}
        assert not {str(v).casefold() for v in own} & shown, uid
    # identifiers and emails: nowhere at all; and no one's full name either
    for user in demo["users"]:
        for key in ("school_uid", "username", "primary_email"):
            if user.get(key):
                assert not re.search(rf"(?<![\w.@-]){re.escape(user[key])}(?![\w.@-])", text,
                                     re.I), (key, user[key])
        full = f"{user['name_first']} {user['name_last']}".casefold()
        assert not any(f"{u['name_first']} {u['name_last']}".casefold() == full
                       for u in written["users"]), full
    # each picture a user gave (Schoology's default one is no one's)
    pictures = {u.get("picture_url") for u in demo["users"]} - {None, "", DEFAULT_PICTURE}
    assert pictures
    assert not any(p in text for p in pictures)
    assert "password" not in text


def test_unlikely_names_leave_no_trace(start_server, tmp_path):
    """A school whose every name is a word no name list holds: none of them
    may be found anywhere in the file."""
    document = demo_document()
    words = []
    for n, user in enumerate(document["users"]):
        for key in ("name_first", "name_middle", "name_last", "name_first_preferred"):
            if user.get(key):
                user[key] = f"Qz{key[5:9]}{n}xv"
                words.append(user[key])
    server = start_server(store=build_store(document), RATE_LIMIT="off")
    out = tmp_path / "school.json"
    assert run_import(server.url + "/v1", out) == 0
    text = out.read_text()
    assert words and not [w for w in words if w.casefold() in text.casefold()]


def test_the_same_seed_gives_the_same_file_and_another_seed_other_people(reference, tmp_path):
    files = []
    for n, seed in enumerate(("3", "3", "4")):
        files.append(tmp_path / f"school-{n}.json")
        assert run_import(reference.url + "/v1", files[-1], "--seed", seed) == 0
    assert files[0].read_bytes() == files[1].read_bytes()
    one, other = (json.loads(f.read_text())["users"] for f in files[1:])
    assert [u["uid"] for u in one] == [u["uid"] for u in other]
    assert sum(a["name_last"] != b["name_last"] for a, b in zip(one, other)) > len(one) // 2


def test_a_sample_keeps_its_sections_members_and_nothing_else(reference, tmp_path):
    out = tmp_path / "school.json"
    assert run_import(reference.url + "/v1", out, "--sample", "2", "--keep-names") == 0
    written, demo = json.loads(out.read_text()), demo_document()
    sections = {s["id"] for s in written["sections"]}
    assert len(sections) == 2 and not written["groups"]
    members = {int(e["uid"]) for e in demo["enrollments"] if e["realm"] == "section"
               and int(e["realm_id"]) in sections and e.get("canvas", {}).get(
                   "enrollment_state") not in ("rejected", "deleted")}
    administrators = {int(u["uid"]) for u in demo["users"] if u.get("role_id") == "783209"}
    assert administrators and {u["uid"] for u in written["users"]} == members | administrators
    assert all(e["realm"] == "section" and e["realm_id"] in sections
               for e in written["enrollments"])
    assert {c["id"] for c in written["courses"]} == {s["course_id"] for s in written["sections"]}
    build_store(written)  # it loads


def test_a_rate_is_kept_under_the_sources_own(start_server, store, tmp_path, capsys):
    """The source allows 4 requests a second; the import keeps to 4/1 and is
    never refused."""
    server = start_server(store=store, AUTH="oauth", RATE_LIMIT="4/1")
    out = tmp_path / "school.json"
    started = time.monotonic()
    assert run_import(server.url + "/v1", out, "--rate", "4/1") == 0
    assert "throttled" not in capsys.readouterr().err
    requests_sent = requests.get(f"{server.url}/_mock/requests", timeout=10).json()["requests"]
    assert len(requests_sent) >= 17
    assert not [r for r in requests_sent if r["status"] == 429]
    assert time.monotonic() - started >= (len(requests_sent) - 4) / 4 * 0.9


def test_credentials_the_source_refuses_stop_the_import_with_a_reason(reference, tmp_path,
                                                                      capsys):
    out = tmp_path / "school.json"
    code = main(["import", "schoology", "--url", reference.url + "/v1", "--key", KEY,
                 "--secret", "wrong", "--out", str(out)])
    said = capsys.readouterr().err
    assert code == 1 and "401" in said and not out.exists()
    assert not (tmp_path / "school.json.parts").exists()  # nothing read, nothing kept


def test_a_source_that_keeps_failing_stops_the_import_and_keeps_what_was_read(
        reference, tmp_path, capsys):
    arm(reference, path=r"/v1/courses/\d+/sections", status=500)
    out = tmp_path / "school.json"
    assert run_import(reference.url + "/v1", out, "--retries", "2") == 1
    said = capsys.readouterr().err
    assert "500 (3 attempts)" in said and "the same command goes on" in said
    assert (tmp_path / "school.json.parts" / "users.jsonl").stat().st_size > 0
    requests.delete(f"{reference.url}/_mock/faults", timeout=10)
    assert run_import(reference.url + "/v1", out) == 0
    assert "going on from" in capsys.readouterr().err


def _import_process(base, out, *options):
    return subprocess.Popen(
        [sys.executable, "-m", "schoology_mock", "import", "schoology", "--url", base,
         "--key", KEY, "--secret", SECRET, "--out", str(out), *options],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _lines(path):
    try:
        with open(path, "rb") as f:
            return sum(1 for _ in f)
    except FileNotFoundError:
        return 0


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGKILL])
def test_an_import_stopped_halfway_and_resumed_writes_the_same_file(stop, reference, tmp_path):
    whole = tmp_path / "whole.json"
    assert run_import(reference.url + "/v1", whole, "--seed", "5") == 0
    # slowed, so that it is stopped with some lists read and some not
    arm(reference, path="/v1/.*", latency_ms=60)
    out = tmp_path / "stopped.json"
    log = tmp_path / "stopped.json.parts" / "lists.jsonl"
    process = _import_process(reference.url + "/v1", out, "--seed", "5")
    deadline = time.monotonic() + 60
    while _lines(log) < 8:
        assert process.poll() is None and time.monotonic() < deadline, process.stdout.read()
        time.sleep(0.01)
    process.send_signal(stop)
    said = process.communicate(timeout=30)[0]
    assert not out.exists()
    if stop == signal.SIGINT:
        assert process.returncode == 130 and "the same command goes on" in said, said
    read_before = _lines(log)
    assert 8 <= read_before < 14  # halfway: 17 lists and pages in all
    requests.delete(f"{reference.url}/_mock/faults", timeout=10)
    requests.delete(f"{reference.url}/_mock/requests", timeout=10)
    process = _import_process(reference.url + "/v1", out, "--seed", "5")
    said = process.communicate(timeout=60)[0]
    assert process.returncode == 0, said
    assert "going on from" in said
    assert out.read_bytes() == whole.read_bytes()
    # nothing read before was read again: users/me, then the lists not yet read
    sent = requests.get(f"{reference.url}/_mock/requests", timeout=10).json()["total"]
    assert sent <= 17 - read_before + 2 + 1
    assert not os.path.exists(log)


class _Canned(http.server.BaseHTTPRequestHandler):
    """A source answering each list from PAGES, by path (the query aside)."""
    PAGES = {}

    def do_GET(self):  # noqa: N802 (http.server's name)
        path = self.path.split("?")[0]
        if path == "/v1/users/me":
            self.send_response(303)
            self.send_header("Location", "/v1/users/1")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = json.dumps(self.PAGES.get(path, {})).encode()
        self.send_response(200 if path in self.PAGES else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_record_the_mock_cannot_hold_is_reported_and_left_out(tmp_path, capsys):
    good = {"uid": "1", "name_first": "Ada", "name_last": "Byron", "role_id": "10"}
    _Canned.PAGES = {
        "/v1/users/1": good,
        "/v1/roles": {"role": [{"id": "10", "title": "Admin", "faculty": "1"}]},
        "/v1/users": {"user": [good, {"uid": "abc", "name_first": "No"},
                               {"uid": "3", "name_first": "Bell\u0007"},
                               {"uid": "4", "name_first": "Cy", "role_id": "99"}],
                      "total": "4", "links": {}},
        "/v1/gradingperiods": {"gradingperiods": [], "total": "0"},
        "/v1/courses": {"course": [{"id": "20", "title": "Art"}], "total": "1"},
        "/v1/courses/20/sections": {"section": [{"id": "30", "section_title": "A",
                                                 "grading_periods": ["77"]}]},
        "/v1/groups": {"group": [], "total": 0},
        "/v1/sections/30/enrollments": {"enrollment": [
            {"id": "40", "uid": "1", "admin": 1, "status": "1"},
            {"id": "41", "uid": "5", "admin": 0, "status": "1"},
            {"id": "42", "uid": "4", "admin": 0, "status": "9"}], "total": "3"},
    }
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Canned)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        out = tmp_path / "school.json"
        assert run_import(f"http://127.0.0.1:{server.server_port}/v1", out, "--keep-names") == 0
    finally:
        server.shutdown()
    said = capsys.readouterr().err
    written = json.loads(out.read_text())
    assert [u["uid"] for u in written["users"]] == [1, 4]
    assert [u.get("role_id", 0) for u in written["users"]] == [10, 0]
    assert written["roles"][0]["administrator"] is True
    assert [e["id"] for e in written["enrollments"]] == [40]
    assert written["sections"][0]["grading_periods"] == []
    for reported in ("(id abc)", "(id 3)", "no role 99", "no user 5 listed", "(id 42)",
                     "a grading period not listed", "6 records reported"):
        assert reported in said, reported
    build_store(written)
