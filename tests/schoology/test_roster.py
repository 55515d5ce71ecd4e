"""The read-only roster around enrollments (users, roles, courses, sections,
groups) through HTTP, as clients read it: the Ed-Fi extractor's ClientFacade
and schoolopy unchanged, then the answers' shapes in both formats, paging,
who may see what, and the fixture checks the roster relies on."""
import json

import pytest
import requests
import schoolopy
from requests_oauthlib import OAuth1

from helpers import (ADMIN, GROUP, SECTION, STUDENT, TEACHER, TOKEN, assert_same_data, demo_document,
                     xml_to_data)
from schoology_mock.store import FixtureError, build_store, load_file

DOC = demo_document()
ADMIN_UID, DYLAN, KAREN = 45553001, 45552222, 45552101
FELDMAN = 45552183  # teaches the Robotics Club only: Dylan shares nothing with him
REJECTED = 45552881  # in Dylan's section only by an enrollment Canvas rejected
OTHER_SECTION = 3719541  # Algebra I: Period 3, without Dylan
ALGEBRA = 2091834501
UIDS = sorted(int(u["uid"]) for u in DOC["users"])
USERS = {int(u["uid"]): u for u in DOC["users"]}
ROLE_TITLES = {r["id"]: r["title"] for r in DOC["roles"]}
LIVE = [e for e in DOC["enrollments"]  # Schoology sees what Canvas has not rejected or deleted
        if e.get("canvas", {}).get("enrollment_state") not in ("rejected", "deleted")]
EDFI_STATUS = {1: "Active", 2: "Expired", 3: "Invite pending", 4: "Request pending",
               5: "Archived"}
NONE = type(None)


def realms_of(uid):
    return {(e["realm"], int(e["realm_id"])) for e in LIVE if int(e["uid"]) == uid}


def sections_of(uid):
    return sorted(rid for realm, rid in realms_of(uid) if realm == "section")


def shared_with(uid):
    """The uids a user may read: himself and whoever shares a realm with him."""
    mine = realms_of(uid)
    return sorted({int(e["uid"]) for e in LIVE if (e["realm"], int(e["realm_id"])) in mine}
                  | {uid})


class Http:
    """GET requests to a live mock, OAuth-signed as one consumer; redirects
    are not followed."""

    def __init__(self, server, key):
        self.base = f"{server.url}/v1"
        self.session = requests.Session()
        self.session.auth = OAuth1(*key)

    def get(self, path, fmt="json", **params):
        accept = "application/json" if fmt == "json" else "text/xml"
        return self.session.get(f"{self.base}/{path}", params=params, timeout=10,
                                headers={"Accept": accept}, allow_redirects=False)

    def json(self, path, **params):
        r = self.get(path, **params)
        assert r.status_code == 200, (path, r.status_code, r.text)
        return r.json()

    def walk(self, path, **params):
        """Every page of a list by its links.next: (items, pages)."""
        pages = [self.json(path, **params)]
        while "next" in pages[-1]["links"]:
            r = self.session.get(pages[-1]["links"]["next"], timeout=10)
            assert r.status_code == 200, r.text
            pages.append(r.json())
        key = next(iter(pages[0]))
        return [item for page in pages for item in page[key]], pages


def assert_shape(data, shape):
    """The keys in this order, each value of this JSON type."""
    assert [(k, type(v).__name__) for k, v in data.items()] == \
        [(k, t.__name__) for k, t in shape.items()]


# Each answer's fields in the real API's order, with their JSON types.
USER = {"uid": str, "id": int, "school_id": int, "synced": int, "school_uid": str,
        "building_id": int, "additional_buildings": str, "name_title": str,
        "name_title_show": int, "name_first": str, "name_first_preferred": str,
        "use_preferred_first_name": str, "name_middle": str, "name_middle_show": int,
        "name_last": str, "name_display": str, "username": str, "primary_email": str,
        "picture_url": str, "gender": NONE, "position": str, "grad_year": str, "password": str,
        "role_id": int, "tz_offset": int, "tz_name": str, "parents": NONE, "child_uids": NONE,
        "language": str}
ROLE = {"id": int, "title": str, "faculty": int, "role_type": int}
COURSE = {"id": int, "title": str, "course_code": str, "department": str, "description": str,
          "credits": int, "subject_area": int, "grade_level_range_start": int,
          "grade_level_range_end": int, "synced": int, "building_id": str}
_SECTION_HEAD = {"id": str, "course_title": str, "course_code": str, "course_id": str,
                 "school_id": str, "building_id": str, "access_code": str, "section_title": str,
                 "section_code": str, "section_school_code": str, "synced": str, "active": int,
                 "description": str}
_SECTION_TAIL = {"parent_id": NONE, "grading_periods": list, "profile_url": str, "location": str,
                 "meeting_days": list, "start_time": str, "end_time": str, "class_periods": str,
                 "weight": str, "options": dict}
SECTION_ONE = {**_SECTION_HEAD, "subject_area": str, "grade_level_range_start": str,
               "grade_level_range_end": str, **_SECTION_TAIL}
SECTION_ITEM = {**_SECTION_HEAD, **_SECTION_TAIL, "links": dict, "admin": int}
GROUP_ONE = {"id": str, "title": str, "description": str, "website": str, "access_code": str,
             "category": str, "options": dict, "group_code": str, "privacy_level": str,
             "picture_url": str, "school_id": str, "building_id": str}


@pytest.fixture
def server(start_server):
    return start_server(RATE_LIMIT=None)


@pytest.fixture
def admin(server):
    return Http(server, ADMIN)


@pytest.fixture
def student(server):
    return Http(server, STUDENT)


# --- the Ed-Fi extractor ------------------------------------------------------------
def test_edfi_get_users_pages_through_every_user(edfi_schoology, server):
    users = edfi_schoology(server, ADMIN, "users", page_size=7)
    # one request a page, the later ones by links.next
    assert [r for r in users["asked"] if r.startswith("users")] == \
        [f"users?start={n}&limit=7" for n in range(0, 62, 7)]
    rows = users["rows"]
    assert len(rows) == len(UIDS)
    assert sorted(int(row["SourceSystemIdentifier"]) for row in rows) == UIDS
    for row in rows:
        user = USERS[int(row["SourceSystemIdentifier"])]
        assert row["UserRole"] == ROLE_TITLES[user["role_id"]]
        assert (row["SISUserIdentifier"], row["LocalUserIdentifier"], row["EmailAddress"]) == \
            (user["school_uid"], user["username"], user["primary_email"])


def test_edfi_get_sections_maps_active(edfi_schoology, start_server):
    doc = demo_document()
    doc["sections"][-1]["active"] = "0"
    server = start_server(store=build_store(doc), RATE_LIMIT=None)
    sections = edfi_schoology(server, ADMIN, "sections", page_size=7)
    got = {row["SourceSystemIdentifier"]: (row["Title"], row["SISSectionIdentifier"],
                                          row["LMSSectionStatus"])
           for row in sections["rows"]}
    assert len(sections["rows"]) == len(got) == 4
    assert got == {s["id"]: (s["title"], s["section_school_code"],
                             sections["inactive"] if s.get("active") == "0"
                             else sections["active"])
                   for s in doc["sections"]}
    assert sections["active"] != sections["inactive"]


def test_edfi_section_associations_are_the_live_members(edfi_schoology, server):
    sids = [int(section["id"]) for section in DOC["sections"]]
    associations = edfi_schoology(server, ADMIN, "section_associations", page_size=7,
                                  section_ids=sids)
    for sid in sids:
        found = associations[str(sid)]
        rows = {(r["SourceSystemIdentifier"], r["LMSUserSourceSystemIdentifier"],
                 r["EnrollmentStatus"]) for r in found}
        assert len(rows) == len(found)
        assert rows == {(e["id"], e["uid"], EDFI_STATUS[e["status"]]) for e in LIVE
                        if e["realm"] == "section" and int(e["realm_id"]) == sid
                        and e["admin"] == 0}, sid
        assert {r["LMSSectionSourceSystemIdentifier"] for r in found} == {sid}


# --- schoolopy --------------------------------------------------------------------------
@pytest.fixture
def schoology(server):
    def signed_in(key=ADMIN):
        return schoolopy.Schoology(schoolopy.Auth(*key), api_host=f"{server.url}/v1/")
    return signed_in


def test_schoolopy_users_and_roles(schoology):
    sc = schoology()
    assert [u.uid for u in sc.get_users()] == [str(u) for u in UIDS[:20]]  # its limit: 20
    karen = sc.get_user(KAREN)
    assert (karen.id, karen.name_first, karen.school_uid) == (KAREN, "Karen", "T1001")
    assert {str(r.id): r.title for r in sc.get_roles()} == ROLE_TITLES
    assert sc.get_role(783211).title == "Teacher"


def test_schoolopy_courses_sections_and_groups(schoology):
    sc = schoology()
    assert [(c.id, c.title, c.course_code) for c in sc.get_courses()] == \
        [(int(c["id"]), c["title"], c["course_code"]) for c in DOC["courses"]]
    assert [s.id for s in sc.get_course_sections(ALGEBRA)] == \
        [s["id"] for s in DOC["sections"] if s["course_id"] == str(ALGEBRA)]
    section = sc.get_section(SECTION)
    assert (section.id, section.section_title) == (str(SECTION), "Algebra I: Period 1")
    assert [(g.id, g.title) for g in sc.get_groups()] == \
        [(g["id"], g["title"]) for g in DOC["groups"]]
    assert sc.get_group(GROUP).title == "Robotics Club"


@pytest.mark.parametrize("key, uid, admin", [(STUDENT, DYLAN, 0), (TEACHER, KAREN, 1),
                                             (ADMIN, ADMIN_UID, 1)])
def test_schoolopy_get_sections_of_the_signed_in_user(schoology, key, uid, admin):
    sections = schoology(key).get_sections()  # users/me, then users/{uid}/sections
    assert [int(s.id) for s in sections] == sections_of(uid)
    assert {s.admin for s in sections} <= {admin}


# --- shapes, in JSON and XML ----------------------------------------------------------------
LISTED = ("grading_periods", "meeting_days")


@pytest.mark.parametrize("path, key, shape, list_tags", [
    (f"users/{KAREN}", None, {**USER, "send_message": int}, ()),
    ("users?limit=3", "user", USER, ("user",)),
    ("roles/783211", None, ROLE, ()),
    ("roles", "role", {**ROLE, "links": dict}, ("role", "building_role")),
    (f"courses/{ALGEBRA}", None, COURSE, ()),
    ("courses", "course", COURSE, ("course",)),
    (f"sections/{SECTION}", None, SECTION_ONE, LISTED),
    (f"courses/{ALGEBRA}/sections", "section", SECTION_ITEM, ("section", *LISTED)),
    (f"users/{KAREN}/sections", "section", SECTION_ITEM, ("section", *LISTED)),
    (f"groups/{GROUP}", None, GROUP_ONE, ()),
    ("groups", "group", {**GROUP_ONE, "links": dict}, ("group",)),
])
def test_shapes_and_xml(admin, path, key, shape, list_tags):
    data = admin.json(path)
    for item in (data[key] if key else [data]):
        assert_shape(item, shape)
    xml = admin.get(path, fmt="xml")
    assert xml.status_code == 200 and xml.headers["Content-Type"].startswith("text/xml")
    assert_same_data(data, xml_to_data(xml.content, list_tags=list_tags))


def test_list_totals_are_typed_as_schoology_types_them(admin):
    assert admin.json("users")["total"] == "62"
    assert admin.json("courses")["total"] == str(len(DOC["courses"]))
    assert admin.json(f"courses/{ALGEBRA}/sections")["total"] == "2"
    assert admin.json("groups")["total"] == 2


def test_values_come_from_the_fixtures(admin):
    user = admin.json(f"users/{KAREN}")
    for field, value in USERS[KAREN].items():
        if field in user and field != "password":
            assert str(user[field]) == value, field
    assert user["password"] == ""  # the field is sent, never the password
    section = admin.json(f"sections/{SECTION}")
    fixture = next(s for s in DOC["sections"] if s["id"] == str(SECTION))
    assert section["grading_periods"] == [int(p) for p in fixture["grading_periods"]]
    assert (section["section_title"], section["course_id"], section["active"]) == \
        (fixture["title"], fixture["course_id"], 1)
    roles = admin.json("roles")
    assert {str(r["id"]): r["title"] for r in roles["role"]} == ROLE_TITLES
    assert roles["building_role"] == []


# --- paging and filters -------------------------------------------------------------------
def test_users_page_by_links_next_in_uid_order(admin):
    users, pages = admin.walk("users", limit=7)
    assert [u["id"] for u in users] == UIDS
    assert [p["links"]["self"] for p in pages] == \
        [f"{admin.base}/users?start={n}&limit=7" for n in range(0, 62, 7)]
    assert {p["total"] for p in pages} == {"62"}
    middle = admin.json("users", start=14, limit=7)
    assert [u["id"] for u in middle["user"]] == UIDS[14:21]
    assert middle["links"]["next"] == f"{admin.base}/users?start=21&limit=7"


def test_links_repeat_the_callers_filters(admin):
    users, pages = admin.walk("users", role_ids="783211,783209", building_id="2163340412",
                              limit=2)
    assert [u["id"] for u in users] == \
        [uid for uid in UIDS if USERS[uid]["role_id"] in ("783211", "783209")]
    filters = f"{admin.base}/users?role_ids=783211,783209&building_id=2163340412"
    assert [p["links"]["self"] for p in pages] == \
        [f"{filters}&start={n}&limit=2" for n in range(0, len(users), 2)]
    assert pages[0]["links"]["next"] == f"{filters}&start=2&limit=2"


def by_role(*roles):
    return [uid for uid in UIDS if USERS[uid]["role_id"] in roles]


@pytest.mark.parametrize("params, expected", [
    ({"role_ids": "783215"}, by_role("783215")),
    ({"role_ids": "783211,783213"}, by_role("783211", "783213")),
    ({"school_uids": "S240101,T1001,NOBODY"}, [KAREN, DYLAN]),
    ({"school_uids": "T1001,S240101", "role_ids": "783215"}, [DYLAN]),
    ({"building_id": "2163340412"}, UIDS),
    ({"building_id": "2163340413"}, []),
    ({"limit": "500"}, UIDS),  # at most 200 a page
])
def test_user_filters(admin, params, expected):
    page = admin.json("users", **{"limit": "200", **params})
    assert [u["id"] for u in page["user"]] == expected
    assert page["total"] == str(len(expected)) and "next" not in page["links"]


def test_a_limit_over_200_pages_by_200(admin):
    assert admin.json("users", limit=500)["links"]["self"] == \
        f"{admin.base}/users?start=0&limit=200"


@pytest.mark.parametrize("params", [
    {"start": "-1"}, {"start": "x"}, {"start": ""}, {"limit": "0"}, {"limit": "-7"},
    {"limit": "many"}, {"role_ids": "teacher"}, {"role_ids": "783211,x"},
    {"building_id": "RHS"}, {"school_uids": ",".join(f"S{n}" for n in range(51))},
])
def test_bad_users_parameters_are_400(admin, params):
    assert admin.get("users", **params).status_code == 400


# --- who may see what ---------------------------------------------------------------------
def test_an_administrator_reads_everything(admin):
    assert [u["id"] for u in admin.walk("users", limit=200)[0]] == UIDS
    for uid in UIDS:
        assert admin.get(f"users/{uid}").status_code == 200, uid
    for section in DOC["sections"]:
        for path in (f"sections/{section['id']}", f"sections/{section['id']}/anything/at/all"):
            assert admin.json(path)["id"] == section["id"]
    for course in DOC["courses"]:
        assert admin.json(f"courses/{course['id']}")["id"] == int(course["id"])
        assert admin.json(f"courses/{course['id']}/sections")["total"] == str(
            sum(s["course_id"] == course["id"] for s in DOC["sections"]))
    for group in DOC["groups"]:
        assert admin.json(f"groups/{group['id']}")["id"] == group["id"]
    assert admin.json("groups")["total"] == len(DOC["groups"])


def test_a_student_lists_himself_and_those_he_shares_a_realm_with(student):
    users, _ = student.walk("users", limit=5)
    assert [u["id"] for u in users] == shared_with(DYLAN)
    assert KAREN in shared_with(DYLAN) and FELDMAN not in shared_with(DYLAN)
    assert student.json("users", school_uids="T1001,T1004")["total"] == "1"


def test_a_personal_key_reads_only_its_owner(server, student):
    """Schoology's June 2025 restriction: a personal key reading anyone else
    is a 401 with no body, a classmate or one's teacher too, in either format."""
    assert student.json(f"users/{DYLAN}")["uid"] == str(DYLAN)
    assert KAREN in shared_with(DYLAN)
    for key, uid in [(STUDENT, KAREN), (STUDENT, FELDMAN), (STUDENT, ADMIN_UID),
                     (TEACHER, DYLAN)]:
        for fmt in ("json", "xml"):
            r = Http(server, key).get(f"users/{uid}", fmt=fmt)
            assert (r.status_code, r.content) == (401, b""), (key, uid, fmt)
    assert Http(server, TEACHER).json(f"users/{KAREN}")["uid"] == str(KAREN)  # his own
    assert Http(server, ADMIN).json(f"users/{DYLAN}")["uid"] == str(DYLAN)


def test_a_users_access_token_reads_those_who_share_a_realm(server, student):
    """Through an app's access token (three-legged), the user's classmates."""
    signed = Http(server, TEACHER)
    signed.session.auth = OAuth1(*TEACHER, *TOKEN)  # Dylan's token, of the teacher's app
    assert signed.json(f"users/{KAREN}")["name_last"] == "Strickland"
    assert signed.json(f"users/{DYLAN}")["uid"] == str(DYLAN)
    for uid in (FELDMAN, REJECTED, ADMIN_UID):
        r = signed.get(f"users/{uid}")
        assert (r.status_code, r.content) == (401, b""), uid
    assert student.get(f"users/{KAREN}/sections").status_code == 401
    assert [int(s["id"]) for s in student.json(f"users/{DYLAN}/sections")["section"]] == \
        sections_of(DYLAN)


def test_a_student_sees_only_his_realms(student):
    assert student.get("courses").status_code == 403
    assert student.get(f"sections/{OTHER_SECTION}").status_code == 404
    assert student.get(f"sections/{OTHER_SECTION}/anything").status_code == 404
    own = student.json(f"sections/{SECTION}")
    assert own["id"] == str(SECTION)
    assert student.json(f"sections/{SECTION}/anything/at/all") == own
    assert student.get(f"groups/{GROUP}").status_code == 404
    assert student.json("groups") == {"group": [], "total": 0,
                                      "links": {"self": f"{student.base}/groups?start=0&limit=20"}}
    assert [int(s["id"]) for s in student.json(f"courses/{ALGEBRA}/sections")["section"]] == \
        [SECTION]


@pytest.mark.parametrize("who", ["admin", "student"])
def test_users_ext_redirects_to_the_user(request, who):
    client = request.getfixturevalue(who)
    r = client.get("users/ext/T1001")
    assert (r.status_code, r.headers["Location"]) == (303, f"{client.base}/users/{KAREN}")
    followed = client.get(r.headers["Location"][len(client.base) + 1:])
    if who == "admin":
        assert followed.json()["school_uid"] == "T1001"
    else:  # the redirect is given, but a personal key reads no one else
        assert (followed.status_code, followed.content) == (401, b"")
    assert client.get("users/ext/NOBODY").status_code == 404


# --- fixture validation ------------------------------------------------------------------------
BROKEN = [("users", 5, "role_id", "no role 999"), ("users", 7, "building_id", "no building 999"),
          ("courses", 1, "building_id", "no building 999"),
          ("groups", 0, "building_id", "no building 999")]


def broken_document(kind, n, field):
    doc = demo_document()
    doc[kind][n][field] = "999"
    return doc


@pytest.mark.parametrize("kind, n, field, says", BROKEN)
def test_a_reference_to_nothing_is_refused_by_build_store_and_load_file(tmp_path, kind, n,
                                                                        field, says):
    expected = f"{kind}[{n}]: field {field!r}: {says}"
    with pytest.raises(FixtureError) as refused:
        build_store(broken_document(kind, n, field), source="school.json")
    assert str(refused.value) == f"school.json: {expected}"
    path = tmp_path / "school.json"
    path.write_text(json.dumps(broken_document(kind, n, field)))
    with pytest.raises(FixtureError) as refused:
        load_file(path)
    assert str(refused.value) == f"{path}: {expected}"


@pytest.mark.parametrize("kind, n, field, says", BROKEN[:2])
def test_a_reference_to_nothing_is_refused_by_mock_load(start_server, tmp_path, kind, n, field,
                                                        says):
    server = start_server(RATE_LIMIT=None, DATA_DIR=str(tmp_path))
    path = tmp_path / "school.json"
    path.write_text(json.dumps(broken_document(kind, n, field)))
    r = requests.post(f"{server.url}/_mock/load", json={"path": str(path)}, timeout=10)
    assert (r.status_code, r.json()["error"]) == (400, f"{path}: {kind}[{n}]: field {field!r}: "
                                                       f"{says}")
    r = requests.post(f"{server.url}/_mock/load", json=broken_document(kind, n, field),
                      timeout=10)
    assert (r.status_code, r.json()["error"]) == (
        400, f"the loaded document: {kind}[{n}]: field {field!r}: {says}")
    assert Http(server, ADMIN).json("users")["total"] == "62"  # nothing changed


def test_building_ids_are_checked_everywhere_and_empty_lists_filter_nothing(admin):
    for path in ("users", "courses", "groups"):
        assert admin.get(path, building_id="abc").status_code == 400
    everyone = admin.get("users", limit=200).json()
    assert admin.get("users", role_ids=",", limit=200).json()["total"] == everyone["total"]


def test_a_browser_may_call_the_api(server):
    """Every /v1 answer allows any origin, and a preflight (which carries no
    credentials) is answered with the methods the path allows."""
    preflight = requests.options(
        f"{server.url}/v1/sections/3719526/enrollments", timeout=10,
        headers={"Origin": "https://app.example", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization, content-type"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert {"GET", "POST", "PUT"} <= {m.strip() for m in
                                      preflight.headers["Access-Control-Allow-Methods"].split(",")}
    assert preflight.headers["Access-Control-Allow-Headers"] == "authorization, content-type"
    unsigned = requests.get(f"{server.url}/v1/users", timeout=10)
    assert unsigned.status_code == 401 and unsigned.headers["Access-Control-Allow-Origin"] == "*"
    signed = requests.get(f"{server.url}/v1/users", auth=OAuth1(*ADMIN), timeout=10)
    assert signed.status_code == 200 and signed.headers["Access-Control-Allow-Origin"] == "*"
