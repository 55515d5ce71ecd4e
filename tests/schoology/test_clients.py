"""Real Schoology clients, unchanged, against a live mock: the Ed-Fi LMS
Toolkit's extractor and schoolopy."""
import pytest
import requests
import schoolopy

from helpers import ADMIN, GROUP, SECTION, enrolled, free_users

BIG_SECTION = 4000001  # 1,234 enrollments (the big_store fixture)


@pytest.fixture
def server(start_server, big_store):
    return start_server(store=big_store)


def test_edfi_pages_through_a_large_section(edfi_schoology, server):
    store = server.app.extensions["schoology_store"]
    pages = edfi_schoology(server, ADMIN, "enrollment_pages", section=BIG_SECTION, page_size=100)
    assert pages["total_pages"] == 1234  # the client's name for `total`
    ids = pages["ids"]
    assert len(ids) == len(set(ids)) == 1234
    assert sorted(int(i) for i in ids) == store.realms[("section", BIG_SECTION)].all


def test_edfi_post_and_delete(edfi_schoology, server):
    store = server.app.extensions["schoology_store"]
    uid = free_users(store, "section", SECTION, 1)[0]
    created = edfi_schoology(server, ADMIN, "post_then_delete", section=SECTION, uid=uid)
    assert created["uid"] == str(uid) and created["status"] == 1
    assert store.enrollments.get(int(created["id"])) is not None  # it was made,
    assert not enrolled(store, int(created["id"]))  # and is gone
    sent = requests.get(f"{server.url}/_mock/requests", timeout=10).json()["requests"]
    assert sorted((e["method"], e["status"]) for e in sent) == [("DELETE", 204), ("POST", 201)]


def test_edfi_bulk_post_and_bulk_delete(edfi_schoology, server):
    store = server.app.extensions["schoology_store"]
    uids = free_users(store, "section", SECTION, 50)
    done = edfi_schoology(server, ADMIN, "bulk_post_then_bulk_delete", section=SECTION,
                          uids=uids)
    assert [r["response_code"] for r in done["posted"]] == [200] * 50  # as the Ed-Fi loader checks
    assert sorted(int(r["uid"]) for r in done["posted"]) == sorted(uids)
    assert [r["response_code"] for r in done["deleted"]] == [200] * 50
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
