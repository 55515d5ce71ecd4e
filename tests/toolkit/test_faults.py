"""Faults injected through /_mock/faults, seen from a client."""
import pytest
import requests

from helpers import SECTION, xml_to_data

LIST = f"/v1/sections/{SECTION}/enrollments"


@pytest.fixture
def server(live):
    return live


def add(server, **rule):
    r = requests.post(f"{server.url}/_mock/faults", json=rule, timeout=10)
    assert r.status_code == 201, r.text
    return r.json()


def test_a_status_fault_for_the_next_n_requests_in_the_apis_format(server):
    add(server, method="GET", path=r"/v1/sections/\d+/enrollments", times=2, status=503,
        body="Down for maintenance")
    first = requests.get(f"{server.url}{LIST}", timeout=10)
    assert first.status_code == 503 and first.json() == "Down for maintenance"
    second = requests.get(f"{server.url}{LIST}", headers={"Accept": "text/xml"}, timeout=10)
    assert second.status_code == 503 and xml_to_data(second.content) == "Down for maintenance"
    assert requests.get(f"{server.url}{LIST}", timeout=10).status_code == 200
    listed = requests.get(f"{server.url}/_mock/faults", timeout=10).json()["faults"]
    assert listed[0]["matched"] == 2 and listed[0]["remaining"] == 0


def test_a_429_with_retry_after(server):
    add(server, path="/v1/.*", times=1, retry_after=7)
    r = requests.get(f"{server.url}{LIST}", timeout=10)
    assert r.status_code == 429 and r.headers["Retry-After"] == "7"
    assert requests.get(f"{server.url}{LIST}", timeout=10).status_code == 200


def test_latency_is_seen_as_a_client_timeout(server):
    add(server, path=LIST, times=1, latency_ms=[600, 800])
    with pytest.raises(requests.Timeout):
        requests.get(f"{server.url}{LIST}", timeout=0.3)
    assert requests.get(f"{server.url}{LIST}", timeout=10).status_code == 200


def test_a_dropped_connection(server):
    add(server, method="POST", path="/v1/groups/.*", times=1, drop=True)
    body = {"uid": 45552222, "admin": 0, "status": 1}
    with pytest.raises(requests.ConnectionError):
        requests.post(f"{server.url}/v1/groups/1530027713/enrollments", json=body, timeout=10)
    store = server.app.extensions["schoology_store"]
    assert 45552222 not in store.realms[("group", 1530027713)].members()  # never reached the API
    again = requests.post(f"{server.url}/v1/groups/1530027713/enrollments", json=body,
                          timeout=10)
    assert again.status_code == 201


def test_a_seeded_probability_repeats_run_after_run(start_server):
    def pattern():
        running = start_server(AUTH="off")
        add(running, path=LIST, probability=0.5, seed=11, status=500)
        with requests.Session() as s:
            return [s.get(f"{running.url}{LIST}", timeout=10).status_code for _ in range(30)]
    first, second = pattern(), pattern()
    assert first == second and {200, 500} == set(first)


def test_rules_match_method_and_whole_path_and_spare_the_control_api(server):
    add(server, method="DELETE", path="/v1/enrollments", status=500)
    add(server, path="/v1/sections", status=500)  # the whole path must match
    add(server, path="/_mock/.*", status=500)  # faults apply to /v1 only
    assert requests.get(f"{server.url}{LIST}", timeout=10).status_code == 200
    assert requests.get(f"{server.url}/_mock/state", timeout=10).status_code == 200
    assert requests.delete(f"{server.url}/v1/enrollments?enrollment_ids=1",
                           timeout=10).status_code == 500
    assert requests.delete(f"{server.url}/_mock/faults", timeout=10).json() == {"cleared": True}
    assert requests.get(f"{server.url}/_mock/faults", timeout=10).json() == {"faults": []}
    assert requests.delete(f"{server.url}/v1/enrollments?enrollment_ids=1",
                           timeout=10).status_code == 207


@pytest.mark.parametrize("rule,says", [
    ({"path": "("}, "path"), ({"status": 200}, "status"), ({"times": 0, "status": 500}, "times"),
    ({"probability": 2, "status": 500}, "probability"), ({}, "Give latency_ms"),
    ({"status": 500, "drop": True}, "one of"), ({"latency_ms": [5, 1]}, "latency_ms"),
    ({"colour": "red"}, "Unknown field"), ([1], "JSON object")])
def test_bad_rules_are_refused(server, rule, says):
    r = requests.post(f"{server.url}/_mock/faults", json=rule, timeout=10)
    assert r.status_code == 400 and says in r.json()["error"]
    assert requests.get(f"{server.url}/_mock/faults", timeout=10).json() == {"faults": []}
