"""View, create, update and delete one enrollment, and the bad input each refuses."""
import json

import pytest

from helpers import FORMATS, GROUP, REALMS, SECTION, Api, assert_same_data, free_users, xml_to_data
from schoology_mock import DEMO_FIXTURES, create_app
from schoology_mock.store import load_file

TEACHER, STUDENT, ENROLLMENT = 45552101, 45552222, 54302505
NOT_ENROLLED = 45552101  # the Period 1 teacher is in no group
# The docs' sample, and what real enrollments carry beyond it: the user's
# use_preferred_first_name, enrollment_source; a section's, its cross-listing code.
SINGLE = ["id", "uid", "school_uid", "name_title", "name_title_show", "name_first",
          "name_first_preferred", "use_preferred_first_name", "name_middle", "name_middle_show",
          "name_last", "name_display", "admin", "status", "picture_url", "enrollment_source"]
SECTION_EXTRA = ["cross_listed_section_school_code"]


def single(realm):
    return SINGLE + (SECTION_EXTRA if realm == "section" else [])


def first_enrollment(api, plural, realm_id):
    return api.data(api.get(f"/v1/{plural}/{realm_id}/enrollments?limit=1"), "json")[
        "enrollment"][0]


# --- view -----------------------------------------------------------------
@pytest.mark.parametrize("plural,realm_id,realm", REALMS)
def test_view_matches_the_list_item_without_links(api, plural, realm_id, realm):
    listed = first_enrollment(api, plural, realm_id)
    url = f"/v1/{plural}/{realm_id}/enrollments/{listed['id']}"
    as_json = api.data(api.get(url), "json")
    assert list(as_json) == single(realm)
    assert as_json == {k: v for k, v in listed.items() if k != "links"}
    assert isinstance(as_json["admin"], int) and isinstance(as_json["status"], str)
    assert as_json["enrollment_source"] == 0  # a number, in XML <enrollment_source>0</...>
    assert_same_data(as_json, api.data(api.get(url, "xml"), "xml"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_view_of_an_enrollment_in_another_realm_is_404(api, fmt):
    response = api.get(f"/v1/sections/3719541/enrollments/{ENROLLMENT}", fmt)
    assert response.status_code == 404 and response.data == b""
    assert api.get(f"/v1/sections/{SECTION}/enrollments/1", fmt).status_code == 404


def test_renaming_a_user_shows_in_every_enrollment(api, store):
    store.update_user(STUDENT, name_first="Dyl", name_first_preferred="Dee")
    rows = [api.data(api.get(f"/v1/sections/{sid}/enrollments?uid={STUDENT}"), "json")
            for sid in (3719526, 3719588)]
    assert [r["enrollment"][0]["name_display"] for r in rows] == ["Dee Schmidt"] * 2
    assert rows[0]["enrollment"][0]["name_first"] == "Dyl"


# --- create ---------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("plural,realm_id,realm", REALMS)
def test_create_answers_201_with_the_object(api, store, fmt, plural, realm_id, realm):
    uid = free_users(store, realm, realm_id, 1)[0]
    response = api.call("POST", f"/v1/{plural}/{realm_id}/enrollments", fmt,
                        body={"uid": str(uid), "admin": "0", "status": "3"})
    assert response.status_code == 201
    created = api.data(response, fmt)
    assert list(created) == single(realm) + ["links"]
    if fmt == "json":  # the create answer types admin and status as integers
        assert created["admin"] == 0 and created["status"] == 3
    assert created["uid"] == str(uid)
    assert created["links"]["self"] == (
        f"http://localhost/v1/{plural}/{realm_id}/enrollments/{created['id']}")
    seen = api.data(api.get(f"/v1/{plural}/{realm_id}/enrollments/{created['id']}"), "json")
    assert seen["status"] == "3" and seen["uid"] == str(uid)


def test_create_accepts_numbers_as_well_as_strings(api, store):
    uid = free_users(store, "group", 1530027713, 1)[0]
    response = api.call("POST", "/v1/groups/1530027713/enrollments",
                        body={"uid": uid, "admin": 1, "status": 1})
    assert response.status_code == 201
    assert json.loads(response.data)["admin"] == 1


def test_create_issues_increasing_ids_deterministically(app, store):
    def run(seed):
        s = load_file(DEMO_FIXTURES, seed=seed)
        client = Api(create_app({"AUTH": "off"}, store=s).test_client())
        ids = []
        for uid in list(s.users)[30:35]:
            r = client.call("POST", "/v1/groups/1530027713/enrollments",
                            body={"uid": uid, "admin": 0, "status": 1})
            if r.status_code == 201:
                ids.append(int(json.loads(r.data)["id"]))
        return ids
    first, again, other = run(7), run(7), run(8)
    assert first == again and first != other
    assert first == sorted(first) and first[0] > max(store.enrollments)


# Each of these must be refused with a 4xx and leave the store exactly as it was.
BAD_CREATES = [
    ("unknown user", {"uid": "999", "admin": "0", "status": "1"}, 400, "user 999"),
    ("already enrolled", {"uid": str(STUDENT), "admin": "0", "status": "1"}, 400, "already"),
    ("status 0", {"uid": "45552101", "admin": "0", "status": "0"}, 400, "status"),
    ("status 6", {"uid": "45552101", "admin": "0", "status": "6"}, 400, "status"),
    ("admin 2", {"uid": "45552101", "admin": "2", "status": "1"}, 400, "admin"),
    ("admin word", {"uid": "45552101", "admin": "yes", "status": "1"}, 400, "admin"),
    ("no uid", {"admin": "0", "status": "1"}, 400, "uid"),
    ("no admin", {"uid": "45552101", "status": "1"}, 400, "admin"),
    ("no status", {"uid": "45552101", "admin": "0"}, 400, "status"),
    ("uid word", {"uid": "abc", "admin": "0", "status": "1"}, 400, "uid"),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name,body,status,says", BAD_CREATES, ids=[b[0] for b in BAD_CREATES])
def test_bad_creates_are_refused_and_change_nothing(api, store, fmt, name, body, status, says):
    before = store.export()
    response = api.call("POST", f"/v1/sections/{SECTION}/enrollments", fmt, body=body)
    assert response.status_code == status
    message = json.loads(response.data) if fmt == "json" else xml_to_data(response.data)
    assert isinstance(message, str) and says in message
    assert store.export() == before


MALFORMED = [
    ("broken json", b'{"uid": "1",', "application/json"),
    ("broken xml", b"<body><uid>1</uid>", "text/xml"),
    ("json array", b'[{"uid": "1"}]', "application/json"),
    ("python repr in a json string", json.dumps(str({"uid": "1", "admin": "0"})).encode(),
     "application/json"),
    ("empty body", b"", "application/json"),
    ("xml with entities", b'<!DOCTYPE b [<!ENTITY x "1">]><body><uid>&x;</uid></body>',
     "text/xml"),
    ("form encoded", b"uid=1&admin=0&status=1", "application/x-www-form-urlencoded"),
    ("xml sent as json", b"<body><uid>1</uid></body>", "application/json"),
]


@pytest.mark.parametrize("name,raw,content_type", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_bodies_are_400_and_change_nothing(api, store, name, raw, content_type):
    before = store.export()
    response = api.call("POST", f"/v1/sections/{SECTION}/enrollments", raw=raw,
                        headers={"Content-Type": content_type})
    assert response.status_code == 400
    assert isinstance(json.loads(response.data), str)
    assert store.export() == before


def test_oversized_body_is_413(api, store):
    before = store.export()
    raw = json.dumps({"uid": "45552101", "admin": "0", "status": "1", "pad": "x" * 2_000_000})
    response = api.call("POST", f"/v1/sections/{SECTION}/enrollments", raw=raw,
                        headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert store.export() == before


def test_body_without_content_type_is_read_by_its_look(api, store):
    uid = free_users(store, "group", 1530027713, 1)[0]
    xml = f"<body><uid>{uid}</uid><admin>0</admin><status>1</status></body>".encode()
    response = api.client.post("/v1/groups/1530027713/enrollments", data=xml)
    assert response.status_code == 201


def test_create_in_unknown_realm_is_404(api, store):
    before = store.export()
    response = api.call("POST", "/v1/sections/42/enrollments",
                        body={"uid": "45552101", "admin": "0", "status": "1"})
    assert response.status_code == 404 and store.export() == before


# --- update ---------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("plural,realm_id,realm", REALMS)
def test_update_answers_204_and_changes_the_enrollment(api, fmt, plural, realm_id, realm):
    listed = first_enrollment(api, plural, realm_id)
    url = f"/v1/{plural}/{realm_id}/enrollments/{listed['id']}"
    response = api.call("PUT", url, fmt, body={"uid": listed["uid"], "status": "2"})
    assert response.status_code == 204 and response.data == b""
    assert response.headers["Content-Length"] == "0"
    seen = api.data(api.get(url), "json")
    assert seen["status"] == "2" and seen["admin"] == listed["admin"]
    api.call("PUT", url, fmt, body={"admin": 0})
    assert api.data(api.get(url), "json")["admin"] == 0


def test_update_moves_the_row_between_filters(api):
    url = f"/v1/sections/{SECTION}/enrollments"
    active = int(api.data(api.get(url + "?enrollment_status=1"), "json")["total"])
    api.call("PUT", f"{url}/{ENROLLMENT}", body={"status": 5})
    assert int(api.data(api.get(url + "?enrollment_status=1"), "json")["total"]) == active - 1
    archived = api.data(api.get(url + "?enrollment_status=5&type=admin"), "json")
    assert [e["id"] for e in archived["enrollment"]] == [str(ENROLLMENT)]


BAD_UPDATES = [
    ("status 9", {"status": "9"}, 400), ("admin -1", {"admin": "-1"}, 400),
    ("nothing to change", {"uid": str(TEACHER)}, 400), ("other user", {"uid": "45552222",
                                                                     "status": 1}, 400),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name,body,status", BAD_UPDATES, ids=[b[0] for b in BAD_UPDATES])
def test_bad_updates_are_refused_and_change_nothing(api, store, fmt, name, body, status):
    before = store.export()
    response = api.call("PUT", f"/v1/sections/{SECTION}/enrollments/{ENROLLMENT}", fmt,
                        body=body)
    assert response.status_code == status and response.data
    assert store.export() == before


def test_update_of_unknown_enrollment_is_404(api, store):
    before = store.export()
    for url in (f"/v1/sections/{SECTION}/enrollments/1", f"/v1/groups/1530027713/enrollments/"
                f"{ENROLLMENT}"):
        assert api.call("PUT", url, body={"status": 2}).status_code == 404
    assert store.export() == before


# --- delete ---------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("plural,realm_id,realm", REALMS)
def test_delete_answers_204_then_the_enrollment_is_gone(api, store, fmt, plural, realm_id, realm):
    listed = first_enrollment(api, plural, realm_id)
    url = f"/v1/{plural}/{realm_id}/enrollments/{listed['id']}"
    total = len(store.realms[(realm, realm_id)])
    response = api.call("DELETE", url, fmt)
    assert response.status_code == 204 and response.data == b""
    assert response.headers["Content-Type"].startswith("text/xml" if fmt == "xml"
                                                       else "application/json")
    assert api.get(url).status_code == 404
    assert len(store.realms[(realm, realm_id)]) == total - 1
    again = api.call("DELETE", url, fmt)
    assert again.status_code == 404 and again.data == b""
    # and the user can be enrolled again
    assert api.call("POST", f"/v1/{plural}/{realm_id}/enrollments",
                    body={"uid": listed["uid"], "admin": 0, "status": 1}).status_code == 201


@pytest.mark.parametrize("method,url", [
    ("PATCH", f"/v1/sections/{SECTION}/enrollments/{ENROLLMENT}"),
    ("DELETE", f"/v1/sections/{SECTION}/enrollments"),
    ("POST", f"/v1/sections/{SECTION}/enrollments/{ENROLLMENT}")])
def test_wrong_methods_are_405_with_allow(api, store, method, url):
    before = store.export()
    response = api.call(method, url)
    assert response.status_code == 405 and response.data == b""
    assert "GET" in response.headers["Allow"]
    assert store.export() == before


@pytest.mark.parametrize("plural,realm_id,realm", REALMS)
def test_create_answer_carries_the_same_data_in_both_formats(api, store, plural, realm_id, realm):
    """Created as XML, read back as JSON (and the other way): the same data."""
    for made_in, read_in in (("xml", "json"), ("json", "xml")):
        uid = free_users(store, realm, realm_id, 1)[0]
        created = api.data(api.call("POST", f"/v1/{plural}/{realm_id}/enrollments", made_in,
                                    body={"uid": uid, "admin": 1, "status": 4}), made_in)
        url = f"/v1/{plural}/{realm_id}/enrollments/{created['id']}"
        read = api.data(api.get(url, read_in), read_in)
        read["links"] = {"self": f"http://localhost{url}"}
        if made_in == "xml":
            assert_same_data(read, created)
        else:
            assert_same_data(created, read)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("realm,realm_id", [("sections", SECTION), ("groups", GROUP)])
@pytest.mark.parametrize("tail", ["enrollments/-1", "enrollments/abc", "enrollments/1.5",
                                  "enrollments/1/x", "accesscode/x"])
def test_an_enrollment_path_with_no_enrollment_id_is_a_404(api, fmt, realm, realm_id, tail):
    """Under a realm, a path Schoology does not know answers the realm; one
    under its enrollments or access code with no such id is a missing
    enrollment: an empty 404, never the realm."""
    answer = api.get(f"/v1/{realm}/{realm_id}/{tail}", fmt)
    assert answer.status_code == 404 and answer.data == b""
    assert api.get(f"/v1/{realm}/{realm_id}/members", fmt).status_code == 200
