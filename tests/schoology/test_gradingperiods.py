"""GET /v1/gradingperiods and /v1/gradingperiods/{id} in JSON and XML: the
demo school's three periods, active by the server's clock (moved, so
authentication is off: OAuth timestamps follow that clock), paged and
filtered; for administrators only, signed as clients sign."""
import pytest
import requests
from requests_oauthlib import OAuth1

from helpers import ADMIN, TEACHER, assert_same_data, demo_document, xml_to_data

PERIODS = {int(p["id"]): p for p in demo_document()["grading_periods"]}
FULL_YEAR, FALL, SPRING = sorted(PERIODS)
ACCEPT = {"json": "application/json", "xml": "text/xml"}


@pytest.fixture
def server(start_server):
    running = start_server(AUTH="off")
    # In the autumn of the demo school's year: the full year and the fall are on.
    r = requests.post(f"{running.url}/_mock/clock",
                      json={"at": "2026-11-23T15:00:00Z", "freeze": True}, timeout=10)
    assert r.status_code == 200
    return running


def get(server, path, fmt="json", key=None):
    r = requests.get(f"{server.url}/v1/{path}", auth=key and OAuth1(*key),
                     headers={"Accept": ACCEPT[fmt]}, timeout=10)
    if fmt == "xml" and r.content:
        assert r.headers["Content-Type"] == "text/xml; charset=UTF-8"
        return r, xml_to_data(r.content, list_tags=("gradingperiods",))
    return r, (r.json() if r.content else None)


def expected(server, period_id, active):
    period = PERIODS[period_id]
    return {"id": str(period_id), "title": period["title"], "start": period["start"],
            "end": period["end"], "active": active,
            "links": {"self": f"{server.url}/v1/gradingperiods/{period_id}"}}


def test_the_list_in_both_formats_active_by_the_servers_clock(server):
    r, listed = get(server, "gradingperiods")
    assert r.status_code == 200 and r.headers["X-Schoology"] == "API"
    assert listed == {"gradingperiods": [expected(server, FULL_YEAR, "1"),
                                         expected(server, FALL, "1"),
                                         expected(server, SPRING, "0")],
                      "total": "3",
                      "links": {"self": f"{server.url}/v1/gradingperiods?start=0&limit=20"}}
    _, as_xml = get(server, "gradingperiods", "xml")
    assert_same_data(listed, as_xml)
    requests.post(f"{server.url}/_mock/clock", json={"at": "2027-03-01T12:00:00Z"}, timeout=10)
    _, spring = get(server, "gradingperiods")
    assert [p["active"] for p in spring["gradingperiods"]] == ["1", "0", "1"]


def test_paging_follows_next_and_filters_by_title(server):
    seen, path = [], "gradingperiods?limit=2"
    while path:
        r, page = get(server, path)
        assert r.status_code == 200 and page["total"] == "3"
        seen += [int(p["id"]) for p in page["gradingperiods"]]
        path = page["links"].get("next", "").replace(f"{server.url}/v1/", "")
    assert seen == [FULL_YEAR, FALL, SPRING]
    _, exact = get(server, "gradingperiods?title=Fall%20Semester%202026")
    assert [p["id"] for p in exact["gradingperiods"]] == [str(FALL)] and exact["total"] == "1"
    _, prefix = get(server, "gradingperiods?title=Spring&startswith=1")
    assert [p["id"] for p in prefix["gradingperiods"]] == [str(SPRING)]
    _, none = get(server, "gradingperiods?title=Spring")
    assert none["gradingperiods"] == [] and none["total"] == "0"
    r, _ = get(server, "gradingperiods?limit=x")
    assert r.status_code == 400


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_one_grading_period_and_an_unknown_one(server, fmt):
    r, one = get(server, f"gradingperiods/{FALL}", fmt)
    assert r.status_code == 200
    if fmt == "json":
        assert one == expected(server, FALL, "1")
    else:
        assert_same_data(expected(server, FALL, "1"), one)
    r, _ = get(server, "gradingperiods/1", fmt)
    assert r.status_code == 404 and r.content == b""


def test_for_administrators_only(start_server):
    server = start_server(RATE_LIMIT=None)
    for path in ("gradingperiods", f"gradingperiods/{FALL}"):
        r, _ = get(server, path, key=TEACHER)
        assert r.status_code == 403 and r.content == b""
        assert get(server, path, key=ADMIN)[0].status_code == 200
    unsigned = requests.get(f"{server.url}/v1/gradingperiods", timeout=10)
    assert unsigned.status_code == 401


def test_what_schoology_would_ignore_is_noted_and_refused_when_strict(start_server):
    server = start_server(STRICT=True, AUTH="off")
    r, _ = get(server, "gradingperiods?colour=blue")
    assert r.status_code == 400 and "colour" in r.json()
    r, _ = get(server, "gradingperiods?limit=500")
    assert r.status_code == 400 and "limit: 500 is served as 200" in r.json()
    r, _ = get(server, "gradingperiods?title=Fall&startswith=1&limit=2")
    assert r.status_code == 200
