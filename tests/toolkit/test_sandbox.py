"""A shared sandbox, tried as an attacker would: the control API from other
sites' pages and under other host names, /_mock/load aimed at files that are
not fixtures, inputs that used to answer 500, and Canvas tokens. Each refusal
changes nothing."""
import json
import os
import socket

import pytest
import requests
from requests_oauthlib import OAuth1

from helpers import ADMIN as ADMIN_KEY, CANVAS_ADMIN, SECTION, demo_document

ADMIN = OAuth1(*ADMIN_KEY)


@pytest.fixture
def server(start_server):
    return start_server(RATE_LIMIT=None)


def state(server):
    return requests.get(f"{server.url}/_mock/state", timeout=10).json()


def raw_request(server, head):
    """Send head as written (a Host of our choosing); the status code."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(head.encode())
        answer = b""
        while b"\r\n" not in answer:
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk
    return int(answer.split(b" ", 2)[1])


# --- the control API ------------------------------------------------------------------
@pytest.mark.parametrize("host,status", [
    ("attacker.example", 403), ("attacker.example:80", 403), ("127.0.0.1.nip.io", 403),
    ("localhost", 200), ("LOCALHOST:1234", 200), ("127.0.0.1", 200), ("[::1]", 200),
    ("app.localhost", 200)])
def test_the_control_api_answers_only_its_own_names(server, host, status):
    """DNS rebinding: a page on attacker.example that resolves to 127.0.0.1
    reaches the server with Host: attacker.example."""
    head = f"GET /_mock/state HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    assert raw_request(server, head) == status


def test_an_admin_token_opens_the_control_api_to_other_names(start_server):
    server = start_server(ADMIN_TOKEN="s3cret")
    head = ("GET /_mock/state HTTP/1.1\r\nHost: mock.example\r\nX-Mock-Admin-Token: s3cret\r\n"
            "Connection: close\r\n\r\n")
    assert raw_request(server, head) == 200


@pytest.mark.parametrize("headers", [
    {"Origin": "http://attacker.example"}, {"Origin": "null"},
    {"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
    {"Origin": "http://localhost:1"}])
def test_other_sites_pages_cannot_use_the_control_api(start_server, headers):
    server = start_server(RATE_LIMIT=None, ADMIN_TOKEN="s3cret")
    token = {"X-Mock-Admin-Token": "s3cret"}
    before = requests.get(f"{server.url}/_mock/state", headers=token, timeout=10).json()
    requests.delete(f"{server.url}/v1/enrollments?enrollment_ids=54302506", auth=ADMIN,
                    timeout=10)
    changed = requests.get(f"{server.url}/_mock/state", headers=token, timeout=10).json()
    assert changed != before
    # a cross-site form post of /_mock/reset, even one that carried the token
    refused = requests.post(f"{server.url}/_mock/reset", headers=dict(token, **headers),
                            timeout=10)
    assert refused.status_code == 403 and "other sites" in refused.json()["error"]
    assert requests.get(f"{server.url}/_mock/state", headers=token, timeout=10).json() == \
        changed


def test_the_servers_own_pages_may_use_it(server):
    own = server.url.split("://", 1)[1]
    answer = requests.get(f"{server.url}/_mock/state", timeout=10,
                          headers={"Origin": server.url, "Sec-Fetch-Site": "same-origin"})
    assert answer.status_code == 200 and own in server.url


# --- /_mock/load {"path"} -----------------------------------------------------------
@pytest.fixture
def data_server(start_server, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "school.json").write_text(json.dumps(demo_document()))
    (data / "settings.json").write_text(json.dumps({"database_password": "hunter2",
                                                    "secret_key": "k"}))
    (data / "notes.txt").write_text("the vault code is 1234")
    return start_server(RATE_LIMIT=None, DATA_DIR=str(data)), data


def load(server, path):
    return requests.post(f"{server.url}/_mock/load", json={"path": path}, timeout=10)


def test_load_reads_fixture_files_in_the_data_dir(data_server):
    server, data = data_server
    assert load(server, "school.json").status_code == 200  # relative to the data dir
    assert load(server, str(data / "school.json")).status_code == 200


@pytest.mark.parametrize("path", ["/etc/passwd", "/etc/hostname", "../outside.json",
                                  "/proc/self/environ", "/dev/zero"])
def test_load_reads_nothing_outside_its_folders(data_server, tmp_path, path):
    server, _ = data_server
    (tmp_path / "outside.json").write_text(json.dumps(demo_document()))
    before = state(server)
    refused = load(server, path)
    assert refused.status_code == 400 and "reads files only under" in refused.json()["error"]
    assert state(server) == before


def test_load_echoes_nothing_of_a_file_that_is_not_a_fixture_document(data_server):
    server, data = data_server
    before = state(server)
    for name in ("settings.json", "notes.txt"):
        refused = load(server, name)
        assert refused.status_code == 400 and "not a fixture document" in refused.json()["error"]
        for secret in ("database_password", "secret_key", "hunter2", "vault", "1234"):
            assert secret not in refused.text
    assert state(server) == before


def test_load_refuses_a_fifo_and_a_link_out_without_waiting(data_server):
    server, data = data_server
    os.mkfifo(data / "pipe.json")  # reading it would wait for a writer for ever
    os.symlink("/dev/zero", data / "zero.json")  # reading it would never end
    assert "not a regular file" in load(server, "pipe.json").json()["error"]
    assert "reads files only under" in load(server, "zero.json").json()["error"]
    assert requests.get(f"{server.url}/v1/sections/{SECTION}/enrollments", auth=ADMIN,
                        timeout=10).status_code == 200


def test_reset_says_where_it_goes_and_offers_both(start_server, tmp_path):
    snapshot = tmp_path / "state.json"
    document = demo_document()
    document["users"] = [u for u in document["users"] if u["uid"] != "45553412"]
    document["enrollments"] = [e for e in document["enrollments"] if e["uid"] != "45553412"]
    document["canvas_tokens"] = [t for t in document["canvas_tokens"] if t["uid"] != "45553412"]
    snapshot.write_text(json.dumps(document))
    server = start_server(RATE_LIMIT=None, SNAPSHOT=str(snapshot))
    assert len(state(server)["users"]) == len(demo_document()["users"]) - 1
    to_start = requests.post(f"{server.url}/_mock/reset", timeout=10).json()
    assert to_start == {"reset": True, "to": "start", "source": str(snapshot)}
    assert len(state(server)["users"]) == len(demo_document()["users"]) - 1
    to_fixtures = requests.post(f"{server.url}/_mock/reset", json={"to": "fixtures"},
                                timeout=10).json()
    assert to_fixtures == {"reset": True, "to": "fixtures", "source": "the demo school"}
    assert state(server) == json.loads(json.dumps(state(server)))
    assert len(state(server)["users"]) == len(demo_document()["users"])
    assert requests.post(f"{server.url}/_mock/reset", json={"to": "yesterday"},
                         timeout=10).status_code == 400


# --- inputs that answered 500 ----------------------------------------------------------
BIG = "9" * 5000
JSON = {"Accept": "application/json"}
XML = {"Accept": "text/xml"}


@pytest.mark.parametrize("method,path,headers,body,status", [
    ("GET", f"/v1/sections/{SECTION}/enrollments?limit={BIG}", JSON, None, 400),
    ("GET", f"/v1/sections/{SECTION}/enrollments?start={BIG}", JSON, None, 400),
    ("GET", f"/v1/sections/{BIG}/enrollments", JSON, None, 404),
    ("GET", "/v1/sections/\u0663\u0667\u0661\u0669\u0665\u0662\u0666/enrollments", JSON, None,
     404),  # Arabic-Indic digits of 3719526
    ("GET", "/v1/users/\uff14\uff15\uff15\uff15\uff12\uff12\uff12\uff12", JSON, None, 404),
    ("POST", f"/v1/sections/{SECTION}/enrollments", JSON,
     {"uid": BIG, "admin": 0, "status": 1}, 400),
    ("POST", "/v1/enrollments/import/course/" + BIG, JSON, {"enrollments": {"enrollment": []}},
     404),
    ("POST", f"/v1/sections/{SECTION}/enrollments", JSON, "[" * 5000 + "]" * 5000, 400),
    ("POST", f"/v1/sections/{SECTION}/enrollments", XML,
     "<body>" * 5000 + "</body>" * 5000, 400),
    ("POST", "/api/v1/sections/3719526/enrollments", JSON, "[" * 5000 + "]" * 5000, 400),
    # loads, but a recursive walk of it went past Python's limit (and Python
    # 3.13's json loads the one above, too)
    ("POST", "/api/v1/sections/3719526/enrollments", JSON, "[" * 600 + "]" * 600, 400),
    ("POST", "/api/v1/sections/3719526/enrollments", JSON,
     '{"enrollment": {"user_id": ' + "[" * 600 + "]" * 600 + "}}", 400),
    ("GET", "/api/v1/sections/3719526/enrollments?a" + "[b]" * 40 + "=1", JSON, None, 400),
])
def test_odd_input_is_refused_not_a_500(server, method, path, headers, body, status):
    before = state(server)
    data = json.dumps(body) if isinstance(body, dict) else body
    kind = "text/xml" if headers is XML else "application/json"
    answer = requests.request(method, server.url + path, data=data, timeout=30,
                              auth=None if path.startswith("/api") else ADMIN,
                              headers=dict(headers, **{"Content-Type": kind,
                                                       "Authorization": f"Bearer {CANVAS_ADMIN}"}
                                           if path.startswith("/api") else headers))
    assert answer.status_code == status, answer.text[:300]
    assert state(server) == before


def test_a_bulk_create_answers_each_row_even_a_5000_digit_uid(server):
    body = {"enrollments": {"enrollment": [{"uid": "45553412", "admin": 0, "status": 1},
                                           {"uid": BIG, "admin": 0, "status": 1}]}}
    answer = requests.post(f"{server.url}/v1/sections/3719541/enrollments", json=body,
                           auth=ADMIN, timeout=10)
    assert answer.status_code == 207
    rows = answer.json()["enrollments"]["enrollment"]
    assert [r["response_code"] for r in rows] == [200, 400]


@pytest.mark.parametrize("ids", ["%01", "%08", "%EF%BF%BE"])
def test_xml_answers_carry_no_character_xml_cannot(server, ids):
    from lxml import etree
    answer = requests.delete(f"{server.url}/v1/enrollments?enrollment_ids={ids}", auth=ADMIN,
                             headers=XML, timeout=10)
    assert answer.status_code == 207
    parsed = etree.fromstring(answer.content)  # a strict XML parser reads it
    assert parsed.find(".//id").text == "\ufffd"


def test_a_lone_surrogate_in_an_import_row_is_answered_in_xml(server):
    body = ('{"enrollments": {"enrollment": [{"school_uid": "\\ud800", '
            '"section_school_code": "MATH101-P1-2026", "admin": 0}]}}')
    answer = requests.post(f"{server.url}/v1/enrollments/import/course",
                           data=body, auth=ADMIN, timeout=10,
                           headers={"Content-Type": "application/json", "Accept": "text/xml"})
    assert answer.status_code == 207, answer.text[:300]
    from lxml import etree
    assert etree.fromstring(answer.content).find(".//school_uid").text == "\ufffd"


# --- Canvas tokens -------------------------------------------------------------------------
def test_canvas_tokens_are_found_whole_and_only_whole(server):
    url = f"{server.url}/api/v1/users/self"
    assert requests.get(url, headers={"Authorization": f"Bearer {CANVAS_ADMIN}"},
                        timeout=10).status_code == 200
    for guess in (CANVAS_ADMIN[:-1], CANVAS_ADMIN + "x", CANVAS_ADMIN.upper(), "\ud800x"):
        answer = requests.get(url, headers={"Authorization": f"Bearer {guess}".encode(
            "utf-8", "surrogatepass")}, timeout=10)
        assert answer.status_code == 401
        assert answer.json() == {"errors": [{"message": "Invalid access token."}]}


def test_behind_a_proxy_the_control_api_needs_the_admin_token(start_server):
    """Behind a proxy on this machine every request comes from 127.0.0.1, the
    public's too: where it came from says nothing, so only the token opens."""
    server = start_server(BASE_URL="https://sandbox.example.org")
    for host in ("sandbox.example.org", "127.0.0.1"):
        head = f"GET /_mock/state HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        assert raw_request(server, head) == 403
    opened = start_server(BASE_URL="https://sandbox.example.org", ADMIN_TOKEN="s3cret")
    head = ("GET /_mock/state HTTP/1.1\r\nHost: sandbox.example.org\r\n"
            "X-Mock-Admin-Token: s3cret\r\nConnection: close\r\n\r\n")
    assert raw_request(opened, head) == 200


@pytest.mark.parametrize("path,body", [
    ("/_mock/load", "[" * 200000 + "]" * 200000), ("/_mock/clock", "[" * 200000),
    ("/_mock/load", '{"path": "\\u0000"}'), ("/_mock/seed", '"abc"'), ("/_mock/seed", "[1]"),
    ("/_mock/requests/count", "1"), ("/_mock/requests/count", "true"),
    ("/_mock/faults", "[" * 200000 + "]" * 200000), ("/_mock/reset", '"fixtures"')])
def test_the_control_api_refuses_odd_bodies_without_a_500(server, path, body):
    before = state(server)
    answer = requests.post(server.url + path, data=body, timeout=30,
                           headers={"Content-Type": "application/json"})
    assert answer.status_code < 500, answer.text[:200]
    if answer.status_code >= 400:
        assert state(server) == before
