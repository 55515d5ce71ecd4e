"""The chain every API request passes through (app/chain.py), seen in what
it does: the journal around the faults, authentication before the rate
limit before the contract notes, and each dialect's hooks on its own paths."""
import pytest
import requests
from requests_oauthlib import OAuth1

from helpers import ADMIN, GROUP, SECTION

LIST = f"/v1/sections/{SECTION}/enrollments"
GROUP_LIST = f"/v1/groups/{GROUP}/enrollments"
CANVAS_LIST = f"/api/v1/sections/{SECTION}/enrollments"
ADMIN_TOKEN = {"Authorization": "Bearer demo-canvas-admin-token"}


def fault(server, **rule):
    r = requests.post(f"{server.url}/_mock/faults", json=rule, timeout=10)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def journal(server):
    return requests.get(f"{server.url}/_mock/requests", timeout=10).json()["requests"]


def test_a_latency_fault_is_inside_the_requests_duration(live):
    rule = fault(live, path=LIST, times=1, latency_ms=300)
    assert requests.get(f"{live.url}{LIST}", timeout=10).status_code == 200
    requests.get(f"{live.url}{LIST}", timeout=10)
    slow, fast = journal(live)
    assert slow["duration_ms"] >= 300 and slow["fault"] == rule
    assert fast["fault"] is None and fast["duration_ms"] < slow["duration_ms"]


def test_a_dropped_request_is_journaled_as_dropped(live):
    rule = fault(live, method="POST", path=GROUP_LIST, times=1, drop=True)
    body = {"uid": 45552222, "admin": 0, "status": 1}
    with pytest.raises(requests.ConnectionError):
        requests.post(f"{live.url}{GROUP_LIST}", json=body, timeout=10)
    retried = requests.post(f"{live.url}{GROUP_LIST}", json=body, timeout=10)
    assert retried.status_code == 201
    dropped, answered = journal(live)
    assert (dropped["method"], dropped["path"], dropped["status"], dropped["dropped"],
            dropped["fault"]) == ("POST", GROUP_LIST, None, True, rule)
    assert dropped["response_body"] == "" and dropped["identity"] is None
    assert (answered["status"], answered["dropped"]) == (201, False)
    assert requests.get(f"{live.url}/_mock/requests?status=201", timeout=10).json()[
        "total"] == 1
    page = requests.get(f"{live.url}/_mock/journal", timeout=10).text
    assert page.count(">dropped</td>") == 1 and ">201</td>" in page
    one = requests.get(f"{live.url}/_mock/journal/{dropped['id']}", timeout=10).text
    assert "the connection was dropped, unanswered" in one and f"fault {rule}" in one


def test_refusals_are_journaled_with_who_sent_them(start_server):
    server = start_server(RATE_LIMIT="2/60")
    wrong = OAuth1("demo-admin-key", "not-the-secret")
    assert requests.get(f"{server.url}{LIST}", auth=wrong, timeout=10).status_code == 401
    statuses = [requests.get(f"{server.url}{LIST}", auth=OAuth1(*ADMIN), timeout=10).status_code
                for _ in range(3)]
    assert statuses == [200, 200, 429]
    unknown = {"Authorization": "Bearer no-such-token"}
    assert requests.get(f"{server.url}{CANVAS_LIST}", headers=unknown,
                        timeout=10).status_code == 401
    refused, _, _, limited, canvas = journal(server)
    assert (refused["status"], refused["identity"]) == (
        401, {"uid": None, "consumer_key": "demo-admin-key", "token": None})
    assert (limited["status"], limited["identity"]["consumer_key"],
            limited["identity"]["uid"]) == (429, "demo-admin-key", 45553001)
    assert (canvas["status"], canvas["identity"]) == (
        401, {"uid": None, "consumer_key": None, "token": "no-such-token"})


def test_authentication_comes_before_the_rate_limit_and_the_notes(start_server):
    server = start_server(RATE_LIMIT="1/60", STRICT=True)
    noted = f"{server.url}{LIST}?no_such_parameter=1"
    assert requests.get(noted, timeout=10).status_code == 401  # unsigned: not a note yet
    assert requests.get(noted, auth=OAuth1(*ADMIN), timeout=10).status_code == 400  # strict
    assert requests.get(noted, auth=OAuth1(*ADMIN), timeout=10).status_code == 429
    assert requests.get(f"{server.url}/api/v1/courses/1/enrollments?x=1",
                        timeout=10).status_code == 401


def test_schoology_hooks_stay_on_schoologys_paths(start_server):
    server = start_server(RATE_LIMIT="1/60")
    for _ in range(3):  # Canvas requests never count against Schoology's limit
        canvas = requests.get(f"{server.url}{CANVAS_LIST}", headers=ADMIN_TOKEN, timeout=10)
        assert canvas.status_code == 200
        assert "Access-Control-Allow-Origin" not in canvas.headers
        assert "X-Frame-Options" not in canvas.headers
    control = requests.get(f"{server.url}/_mock/faults", timeout=10)
    assert "Access-Control-Allow-Origin" not in control.headers
    assert "X-Frame-Options" not in control.headers
    missing = requests.get(f"{server.url}/api/v1/no/such/path", headers=ADMIN_TOKEN, timeout=10)
    assert missing.status_code == 404 and "Access-Control-Allow-Origin" not in missing.headers
    schoology = requests.get(f"{server.url}{LIST}", auth=OAuth1(*ADMIN), timeout=10)
    assert schoology.status_code == 200
    assert schoology.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Frame-Options" not in schoology.headers
    unknown = requests.get(f"{server.url}/v1/no/such/path", timeout=10)
    assert unknown.status_code == 401 and unknown.headers["Access-Control-Allow-Origin"] == "*"
    page = requests.get(f"{server.url}/oauth/authorize", timeout=10)
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "Access-Control-Allow-Origin" not in page.headers


def test_a_path_is_journaled_as_the_app_reads_it(live):
    requests.get(f"{live.url}/v1/users/ext/%C3%A9l%C3%A8ve", timeout=10)
    assert journal(live)[-1]["path"] == "/v1/users/ext/élève"
    assert requests.get(f"{live.url}/_mock/journal", timeout=10).status_code == 200
