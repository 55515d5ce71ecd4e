"""Who may do what, as Schoology decides it: administrators everything,
realm admins their realm, members their own enrollment; other realms are
invisible."""
import json

import pytest
from oauthlib.oauth1 import SIGNATURE_PLAINTEXT, Client

from helpers import (ADMIN, GROUP as ROBOTICS, SECTION as OWN_SECTION, STUDENT, TEACHER, enrolled,
                     free_users)
from schoology_mock import create_app

OTHER_SECTION = 3719588
STUDENT_ENROLLMENT, TEACHER_ENROLLMENT = 54302506, 54302505


class Signed:
    """The Flask test client, every request OAuth-signed as one consumer."""

    def __init__(self, app, key, secret):
        self.client, self.key, self.secret = app.test_client(), key, secret

    def __call__(self, method, path, body=None):
        data = None if body is None else json.dumps(body)
        headers = {"Content-Type": "application/json"} if body is not None else {}
        signer = Client(self.key, self.secret, signature_method=SIGNATURE_PLAINTEXT)
        _, headers, _ = signer.sign(f"http://localhost{path}", method, None, headers)
        return self.client.open(path, method=method, data=data, headers=headers)


@pytest.fixture
def oauth_app(store):
    return create_app({"TESTING": True}, store=store)


@pytest.fixture
def as_admin(oauth_app):
    return Signed(oauth_app, *ADMIN)


@pytest.fixture
def as_teacher(oauth_app):
    return Signed(oauth_app, *TEACHER)


@pytest.fixture
def as_student(oauth_app):
    return Signed(oauth_app, *STUDENT)


def test_the_administrator_may_do_everything(as_admin, store):
    for section in (OWN_SECTION, OTHER_SECTION):
        assert as_admin("GET", f"/v1/sections/{section}/enrollments").status_code == 200
    assert as_admin("GET", f"/v1/groups/{ROBOTICS}/enrollments").status_code == 200
    uid = free_users(store, "section", OTHER_SECTION, 1)[0]
    assert as_admin("POST", f"/v1/sections/{OTHER_SECTION}/enrollments",
                    {"uid": uid, "admin": 0, "status": 1}).status_code == 201


def test_a_teacher_manages_their_own_sections(as_teacher, store):
    url = f"/v1/sections/{OWN_SECTION}/enrollments"
    assert as_teacher("GET", url).status_code == 200
    assert as_teacher("GET", f"{url}/{STUDENT_ENROLLMENT}").status_code == 200
    uid = free_users(store, "section", OWN_SECTION, 1)[0]
    assert as_teacher("POST", url, {"uid": uid, "admin": 0, "status": 1}).status_code == 201
    assert as_teacher("PUT", f"{url}/{STUDENT_ENROLLMENT}", {"status": 2}).status_code == 204
    assert as_teacher("DELETE", f"{url}/{STUDENT_ENROLLMENT}").status_code == 204


def test_realms_a_user_is_not_in_are_invisible(as_teacher, as_student, store):
    before = store.export()
    for signed, path in ((as_teacher, f"/v1/sections/{OTHER_SECTION}/enrollments"),
                         (as_teacher, f"/v1/groups/{ROBOTICS}/enrollments"),
                         (as_student, "/v1/sections/3719541/enrollments")):
        for method, body in (("GET", None), ("POST", {"uid": 45553001, "admin": 0,
                                                       "status": 1})):
            response = signed(method, path, body)
            assert response.status_code == 404 and response.data == b""
    assert store.export() == before


def test_a_member_may_read_only_their_own_enrollment(as_student, store):
    url = f"/v1/sections/{OWN_SECTION}/enrollments"
    before = store.export()
    own = as_student("GET", f"{url}/{STUDENT_ENROLLMENT}")
    assert own.status_code == 200 and json.loads(own.data)["uid"] == "45552222"
    for method, path, body in (
            ("GET", url, None), ("GET", f"{url}/{TEACHER_ENROLLMENT}", None),
            ("POST", url, {"uid": free_users(store, "section", OWN_SECTION, 1)[0], "admin": 0,
                           "status": 1}),
            ("PUT", f"{url}/{TEACHER_ENROLLMENT}", {"status": 2}),
            ("DELETE", f"{url}/{TEACHER_ENROLLMENT}", None),
            ("PUT", url, {"enrollments": {"enrollment": [{"id": TEACHER_ENROLLMENT,
                                                          "status": 2}]}})):
        response = as_student(method, path, body)
        assert response.status_code == 403 and response.data == b"", (method, path)
    assert store.export() == before


def rows(response):
    assert response.status_code == 207, response.data
    return json.loads(response.data)["enrollments"]["enrollment"]


def test_across_realms_each_row_is_checked(as_teacher, as_student, store):
    uid = free_users(store, "section", OWN_SECTION, 1)[0]
    items = [{"realm": "section", "section_id": OWN_SECTION, "uid": uid, "admin": 0, "status": 1},
             {"realm": "section", "section_id": OTHER_SECTION, "uid": uid, "admin": 0,
              "status": 1}]
    got = rows(as_teacher("POST", "/v1/enrollments", {"enrollments": {"enrollment": items}}))
    assert [r["response_code"] for r in got] == [200, 404]
    other = free_users(store, "section", OWN_SECTION, 1)[0]
    got = rows(as_student("POST", "/v1/enrollments", {"enrollments": {"enrollment": [
        {"realm": "section", "section_id": OWN_SECTION, "uid": other, "admin": 0, "status": 1}]}}))
    assert got[0]["response_code"] == 403
    assert store.realms[("section", OWN_SECTION)].members().get(other) is None


def test_bulk_delete_checks_each_enrollment(as_teacher, as_student, store):
    other_section = store.realms[("section", OTHER_SECTION)].all[0]
    got = rows(as_student("DELETE", f"/v1/enrollments?enrollment_ids={TEACHER_ENROLLMENT}"))
    assert got[0]["response_code"] == 403 and enrolled(store, TEACHER_ENROLLMENT)
    got = rows(as_teacher("DELETE", "/v1/enrollments?enrollment_ids="
                                    f"{STUDENT_ENROLLMENT},{other_section}"))
    assert [r["response_code"] for r in got] == [200, 404]
    assert enrolled(store, other_section) and not enrolled(store, STUDENT_ENROLLMENT)


def test_imports_need_rights_in_each_target_section(as_teacher, store):
    uid = next(u for u in store.users if u not in store.realms[("section", OWN_SECTION)].members()
               and u not in store.realms[("section", OTHER_SECTION)].members())
    school_uid = store.users[uid].school_uid
    got = rows(as_teacher("POST", "/v1/enrollments/import/course", {"enrollments": {
        "enrollment": [{"section_school_code": "MATH101-P1-2026", "school_uid": school_uid},
                       {"section_school_code": "ENG9-P2-2026", "school_uid": school_uid}]}}))
    assert [r["response_code"] for r in got] == [200, 404]
    assert store.realms[("section", OTHER_SECTION)].members().get(uid) is None


def test_anyone_may_join_with_an_access_code(as_student, store):
    response = as_student("POST", f"/v1/groups/{ROBOTICS}/accesscode",
                          {"access_code": store.access_codes[("group", ROBOTICS)].code})
    assert response.status_code == 201 and json.loads(response.data)["uid"] == "45552222"
