"""The control API under /_mock/: reset, state, load, seed."""
import json

import pytest
import requests
from requests_oauthlib import OAuth1

from helpers import ADMIN as ADMIN_KEY, demo_document, serving
from schoology_mock import create_app

ADMIN = OAuth1(*ADMIN_KEY)


@pytest.fixture
def server(start_server):
    return start_server(RATE_LIMIT=None)


def lists(base, auth):
    """Every list endpoint of the store, in both formats, as bytes."""
    store_doc = requests.get(f"{base}/_mock/state", timeout=10).json()
    answers = {}
    realms = [("sections", s["id"]) for s in store_doc["sections"]] + \
             [("groups", g["id"]) for g in store_doc["groups"]]
    for plural, realm_id in realms:
        for accept in ("application/json", "text/xml"):
            r = requests.get(f"{base}/v1/{plural}/{realm_id}/enrollments?limit=200", auth=auth,
                             headers={"Accept": accept}, timeout=10)
            assert r.status_code == 200
            answers[(plural, realm_id, accept)] = r.content
    return answers


def test_state_then_load_into_a_fresh_server_gives_identical_answers(server, start_server):
    base = server.url
    with requests.Session() as s:
        # change the state first, so the snapshot is not just the fixtures
        s.delete(f"{base}/v1/sections/3719526/enrollments/54302506", auth=ADMIN, timeout=10)
        s.post(f"{base}/v1/groups/1530027713/enrollments", auth=ADMIN, timeout=10,
               json={"uid": "45552222", "admin": 1, "status": 3})
        snapshot = s.get(f"{base}/_mock/state", timeout=10).json()
    before = lists(base, ADMIN)
    fresh = start_server(RATE_LIMIT=None)
    loaded = requests.post(f"{fresh.url}/_mock/load", json=snapshot, timeout=10)
    assert loaded.status_code == 200 and loaded.json()["enrollments"] == len(
        snapshot["enrollments"])
    after = lists(fresh.url, ADMIN)
    # links carry each server's own address; everything else is byte for byte
    assert {k: v.replace(fresh.url.encode(), b"BASE").replace(
        fresh.url.replace("/", "\\/").encode(), b"BASE") for k, v in after.items()} == \
        {k: v.replace(base.encode(), b"BASE").replace(base.replace("/", "\\/").encode(), b"BASE")
         for k, v in before.items()}


def test_reset_goes_back_to_the_fixtures(server):
    original = requests.get(f"{server.url}/_mock/state", timeout=10).json()
    requests.delete(f"{server.url}/v1/enrollments?enrollment_ids=54302505,54302506",
                    auth=ADMIN, timeout=10)
    assert requests.get(f"{server.url}/_mock/state", timeout=10).json() != original
    assert requests.post(f"{server.url}/_mock/reset", timeout=10).json() == {
        "reset": True, "to": "start", "source": "the demo school"}
    assert requests.get(f"{server.url}/_mock/state", timeout=10).json() == original
    assert len(original["enrollments"]) == len(demo_document()["enrollments"])


def test_seed_makes_the_next_ids_deterministic(server):
    def next_ids():
        requests.post(f"{server.url}/_mock/reset", timeout=10)
        assert requests.post(f"{server.url}/_mock/seed", json={"seed": 42},
                             timeout=10).json() == {"seed": 42}
        body = {"enrollments": {"enrollment": [{"uid": u, "admin": 0, "status": 1}
                                               for u in (45552101, 45552136, 45552183)]}}
        rows = requests.post(f"{server.url}/v1/groups/1530027790/enrollments", json=body,
                             auth=ADMIN, timeout=10).json()["enrollments"]["enrollment"]
        return [r["id"] for r in rows]
    first, second = next_ids(), next_ids()
    assert first == second and len(set(first)) == 3
    requests.post(f"{server.url}/_mock/reset", timeout=10)
    requests.post(f"{server.url}/_mock/seed", json={"seed": 43}, timeout=10)
    rows = requests.post(f"{server.url}/v1/groups/1530027790/enrollments", auth=ADMIN,
                         timeout=10, json={"uid": 45552101, "admin": 0, "status": 1}).json()
    assert rows["id"] != first[0]


@pytest.mark.parametrize("body,says", [
    ({"users": [{"uid": "x"}]}, "users[0]: field 'uid'"),
    ({"path": "/nonexistent/school.json"}, "reads files only under"),
    ([1, 2], "fixture document"),
])
def test_a_bad_load_is_refused_and_changes_nothing(server, body, says):
    before = requests.get(f"{server.url}/_mock/state", timeout=10).json()
    r = requests.post(f"{server.url}/_mock/load", json=body, timeout=10)
    assert r.status_code == 400 and says in r.json()["error"]
    assert requests.get(f"{server.url}/_mock/state", timeout=10).json() == before


@pytest.mark.parametrize("body", [{}, {"seed": "7"}, {"seed": True}])
def test_a_bad_seed_is_refused(server, body):
    assert requests.post(f"{server.url}/_mock/seed", json=body, timeout=10).status_code == 400


def test_load_from_a_path_on_the_server(start_server, tmp_path):
    server = start_server(RATE_LIMIT=None, DATA_DIR=str(tmp_path))
    path = tmp_path / "school.json"
    path.write_text(json.dumps({"users": [{"uid": "7", "name_first": "Ada",
                                           "name_last": "Lovelace", "role": "administrator"}],
                                "consumers": [{"key": "k", "secret": "s", "uid": "7"}]}))
    r = requests.post(f"{server.url}/_mock/load", json={"path": str(path)}, timeout=10)
    assert r.status_code == 200 and r.json()["users"] == 1
    me = requests.get(f"{server.url}/v1/users/7", auth=OAuth1("k", "s"), timeout=10)
    assert me.status_code == 200 and me.json()["name_display"] == "Ada Lovelace"
    # the old credentials went with the old state
    assert requests.get(f"{server.url}/v1/users/me", auth=ADMIN, timeout=10,
                        allow_redirects=False).status_code == 401


def test_the_control_api_needs_no_schoology_credentials_and_v1_still_does(server):
    assert requests.get(f"{server.url}/_mock/state", timeout=10).status_code == 200
    assert requests.get(f"{server.url}/v1/sections/3719526/enrollments",
                        timeout=10).status_code == 401


def test_the_journal_records_each_v1_request(server):
    base = server.url
    requests.delete(f"{base}/_mock/requests", timeout=10)
    t0 = __import__("time").time()
    requests.get(f"{base}/v1/sections/3719526/enrollments?limit=2", auth=ADMIN, timeout=10)
    requests.post(f"{base}/v1/groups/1530027713/enrollments", auth=ADMIN, timeout=10,
                  json={"uid": "45552222", "admin": 0, "status": 1})
    requests.get(f"{base}/v1/sections/3719526/enrollments", timeout=10)  # unsigned: 401
    requests.get(f"{base}/_mock/state", timeout=10)  # not journaled
    journal = requests.get(f"{base}/_mock/requests", timeout=10).json()
    assert journal["total"] == 3
    first, created, refused = journal["requests"]
    assert (first["method"], first["path"], first["query"], first["status"]) == \
        ("GET", "/v1/sections/3719526/enrollments", "limit=2", 200)
    assert first["identity"]["consumer_key"] == "demo-admin-key"
    assert first["duration_ms"] > 0 and first["time"] >= t0
    assert '"total":"21"' in first["response_body"]
    assert created["status"] == 201 and '"uid": "45552222"' in created["request_body"]
    assert refused["status"] == 401 and refused["identity"] is None
    assert first["id"] < created["id"] < refused["id"]


def test_the_journal_keeps_a_canvas_form_body_as_sent(server):
    """A form is parsed from the body: the body is kept all the same."""
    requests.delete(f"{server.url}/_mock/requests", timeout=10)
    sent = "enrollment%5Buser_id%5D=45552145&enrollment%5Btype%5D=StudentEnrollment"
    made = requests.post(f"{server.url}/api/v1/sections/3719526/enrollments", data=sent,
                         headers={"Authorization": "Bearer demo-canvas-admin-token",
                                  "Content-Type": "application/x-www-form-urlencoded"},
                         timeout=10)
    assert made.status_code == 200 and made.json()["user_id"] == 45552145
    entry, = requests.get(f"{server.url}/_mock/requests", timeout=10).json()["requests"]
    assert entry["request_body"] == sent


@pytest.mark.parametrize("query,expected", [
    ("method=post", [201]), ("path=/v1/groups", [201]), ("status=401", [401]),
    ("path=/v1/sections&status=200", [200]), ("method=DELETE", [])])
def test_journal_filters_and_count(server, query, expected):
    requests.delete(f"{server.url}/_mock/requests", timeout=10)
    requests.get(f"{server.url}/v1/sections/3719526/enrollments", auth=ADMIN, timeout=10)
    requests.post(f"{server.url}/v1/groups/1530027713/enrollments", auth=ADMIN, timeout=10,
                  json={"uid": "45552222", "admin": 0, "status": 1})
    requests.get(f"{server.url}/v1/sections/3719526/enrollments", timeout=10)
    got = requests.get(f"{server.url}/_mock/requests?{query}", timeout=10).json()
    assert [e["status"] for e in got["requests"]] == expected
    filters = dict(pair.split("=") for pair in query.split("&"))
    counted = requests.post(f"{server.url}/_mock/requests/count", json=filters, timeout=10)
    assert counted.json() == {"count": len(expected)}


def test_journal_time_filters(server):
    requests.get(f"{server.url}/v1/sections/3719526/enrollments", auth=ADMIN, timeout=10)
    stamp = requests.get(f"{server.url}/_mock/requests", timeout=10).json()["requests"][-1]["time"]
    assert requests.post(f"{server.url}/_mock/requests/count", timeout=10,
                         json={"since": stamp + 1}).json() == {"count": 0}
    assert requests.post(f"{server.url}/_mock/requests/count", timeout=10,
                         json={"until": stamp}).json()["count"] >= 1


def test_clearing_the_journal(server):
    requests.get(f"{server.url}/v1/sections/3719526/enrollments", auth=ADMIN, timeout=10)
    assert requests.delete(f"{server.url}/_mock/requests", timeout=10).json() == {"cleared": True}
    assert requests.get(f"{server.url}/_mock/requests", timeout=10).json()["total"] == 0


def test_the_journal_keeps_only_its_size():
    app = create_app({"TESTING": True, "AUTH": "off", "JOURNAL_SIZE": 5})
    client = app.test_client()
    for n in range(8):
        client.get(f"/v1/sections/3719526/enrollments?limit={n + 1}")
    entries = client.get("/_mock/requests").get_json()["requests"]
    assert [e["query"] for e in entries] == [f"limit={n}" for n in range(4, 9)]
    assert [e["id"] for e in entries] == list(range(4, 9))


def test_no_journal_and_bad_filters():
    client = create_app({"TESTING": True, "AUTH": "off", "JOURNAL_SIZE": 0}).test_client()
    assert client.get("/_mock/requests").status_code == 404
    client = create_app({"TESTING": True, "AUTH": "off"}).test_client()
    assert client.get("/_mock/requests?status=ok").status_code == 400
    assert client.post("/_mock/requests/count", json={"since": True}).status_code == 400


def test_the_control_api_answers_only_this_machine_without_a_token():
    client = create_app({"TESTING": True}).test_client()
    assert client.get("/_mock/state").status_code == 200  # 127.0.0.1
    far = client.get("/_mock/state", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert far.status_code == 403 and "admin-token" in far.get_json()["error"]


def test_with_an_admin_token_every_control_request_needs_it():
    client = create_app({"TESTING": True, "ADMIN_TOKEN": "s3cret"}).test_client()
    assert client.get("/_mock/state").status_code == 401
    assert client.post("/_mock/reset", headers={"X-Mock-Admin-Token": "nope"}).status_code == 401
    assert client.get("/_mock/state", headers={"X-Mock-Admin-Token": "s3cret"},
                      environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    # Schoology credentials do not open it
    from oauthlib.oauth1 import Client
    _, signed, _ = Client("demo-admin-key", "demo-admin-secret").sign("http://localhost/_mock/state")
    assert client.get("/_mock/state", headers=signed).status_code == 401


def test_serve_snapshot_keeps_the_state_across_restarts(tmp_path):
    snapshot = tmp_path / "sandbox.json"
    with serving("--auth", "off", "--snapshot", str(snapshot)) as base:
        r = requests.delete(f"{base}/sections/3719526/enrollments/54302505", timeout=10)
        assert r.status_code == 204
    assert snapshot.exists()
    with serving("--auth", "off", "--snapshot", str(snapshot)) as base:
        assert requests.get(f"{base}/sections/3719526/enrollments/54302505",
                            timeout=10).status_code == 404
        assert requests.get(f"{base}/sections/3719526/enrollments/54302506",
                            timeout=10).status_code == 200
