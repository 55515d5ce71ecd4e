"""Real Schoology clients, unchanged, against a live mock: the Ed-Fi LMS
Toolkit's extractor and schoolopy."""
import pytest
import requests
import schoolopy
from edfi_schoology_extractor.api.request_client import RequestClient

from helpers import ADMIN, GROUP, SECTION, enrolled, free_users

BIG_SECTION = 4000001  # 1,234 enrollments (the big_store fixture)


@pytest.fixture
def server(start_server, big_store):
    return start_server(store=big_store)


@pytest.fixture
def edfi(server):
    return RequestClient(*ADMIN, base_url=f"{server.url}/v1/")


def test_edfi_pages_through_a_large_section(edfi, server):
    store = server.app.extensions["schoology_store"]
    pages = edfi.get_enrollments(BIG_SECTION, page_size=100)
    assert pages.total_pages == 1234  # the client's name for `total`
    items = pages.get_all_pages()
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids)) == 1234
    assert sorted(int(i) for i in ids) == store.realms[("section", BIG_SECTION)].all


def test_edfi_post_and_delete(edfi, server):
    store = server.app.extensions["schoology_store"]
    uid = free_users(store, "section", SECTION, 1)[0]
    created = edfi.post(f"sections/{SECTION}/enrollments",
                        {"uid": str(uid), "admin": "0", "status": "1"})  # expects 201
    assert created["uid"] == str(uid) and created["status"] == 1
    edfi.delete(f"sections/{SECTION}/enrollments", created["id"])  # expects 204
    assert not enrolled(store, int(created["id"]))


def test_edfi_bulk_post_and_bulk_delete(edfi, server):
    store = server.app.extensions["schoology_store"]
    uids = free_users(store, "section", SECTION, 50)
    body = {"enrollments": {"enrollment": [{"uid": str(u), "admin": "0", "status": "1"}
                                           for u in uids]}}
    rows = edfi.bulk_post(f"sections/{SECTION}/enrollments", body)["enrollments"]["enrollment"]
    assert [r["response_code"] for r in rows] == [200] * 50  # as the Ed-Fi loader checks
    ids = ",".join(r["id"] for r in rows)
    deleted = edfi.bulk_delete("enrollments", f"enrollment_ids={ids}")["enrollments"]["enrollment"]
    assert [r["response_code"] for r in deleted] == [200] * 50
    assert not any(u in store.realms[("section", SECTION)].members() for u in uids)


@pytest.fixture
def schoology(server):
    return schoolopy.Schoology(schoolopy.Auth(*ADMIN), api_host=f"{server.url}/v1/")


def test_schoolopy_lists_enrollments(schoology, server):
    store = server.app.extensions["schoology_store"]
    section = schoology.get_section_enrollments(SECTION)
    group = schoology.get_group_enrollments(GROUP)
    assert {int(e.id) for e in section} == set(store.realms[("section", SECTION)].all[:20])
    assert {e.uid for e in group} == {str(u) for u in store.realms[("group", GROUP)].members()}
    assert all(e.name_display for e in section)


def test_schoolopy_deletes_an_enrollment(schoology, server):
    store = server.app.extensions["schoology_store"]
    eid = store.realms[("group", GROUP)].all[0]
    schoology.delete_group_enrollment(eid, GROUP)
    assert not enrolled(store, eid)


def test_schoolopy_create_sends_a_python_repr_and_is_refused(schoology, server):
    """schoolopy posts dict.__repr__ as a JSON string; Schoology answers 400,
    and so does the mock, changing nothing."""
    store = server.app.extensions["schoology_store"]
    before = store.export()
    uid = free_users(store, "section", SECTION, 1)[0]
    with pytest.raises(requests.HTTPError) as refused:
        schoology.create_section_enrollment(
            schoolopy.Enrollment({"uid": str(uid), "admin": "0", "status": "1"}), SECTION)
    assert refused.value.response.status_code == 400
    assert store.export() == before


def test_schoolopy_session_creates_enrollments(schoology, server):
    """Creation through schoolopy's own authenticated session, as users do."""
    store = server.app.extensions["schoology_store"]
    uid = free_users(store, "section", SECTION, 1)[0]
    auth = schoology.schoology_auth
    r = auth.oauth.post(f"{schoology.api_host}sections/{SECTION}/enrollments",
                        json={"uid": str(uid), "admin": "0", "status": "1"},
                        headers=auth._request_header(), auth=auth.oauth.auth)
    assert r.status_code == 201 and store.realms[("section", SECTION)].members().get(uid)
