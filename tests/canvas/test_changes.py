"""Changing enrollments through Canvas: creates and their refusals, the
destroy tasks, accept, reject, reactivate and last attended; bad input is
a Canvas error and changes nothing."""

import pytest

from helpers import (ALGEBRA, CANVAS_STUDENT, CANVAS_TA, CANVAS_TEACHER, DYLAN, DYLAN_P1,
                     ENGLISH_P4, P3, SECTION, Api, post)


@pytest.mark.parametrize("form,message", [
    ({}, "No parameters given"),
    ({"type": "GuestEnrollment", "user_id": "1"}, "Invalid type"),
    ({"type": "StudentEnrollment"}, "Can't create an enrollment without a user. Include "
                                    "enrollment[user_id] to create an enrollment"),
    ({"role_id": "99", "user_id": str(DYLAN)}, "Invalid role"),
    ({"role_id": "4", "type": "StudentEnrollment", "user_id": str(DYLAN)},
     "The specified type must match the base type for the role"),
])
def test_create_refusals(canvas, store, form, message):
    before = store.export()
    response = post(canvas, f"sections/{P3}/enrollments", **form) if form else canvas.call(
        "POST", f"sections/{P3}/enrollments")
    assert response.status_code == 400 and response.json == {"message": message}
    assert store.export() == before


def test_create_answers_200_and_schoology_sees_it(canvas, store, app):
    response = post(canvas, f"courses/{ALGEBRA}/enrollments", user_id="sis_user_id:S240101",
                    course_section_id=str(P3), limit_privileges_to_course_section="yes",
                    start_at="2027-01-04T08:00:00-08:00")
    assert response.status_code == 200, response.json
    made = response.json
    assert (made["course_section_id"], made["type"], made["enrollment_state"]) == (
        P3, "StudentEnrollment", "invited")
    assert made["limit_privileges_to_course_section"] is True
    assert made["start_at"] == "2027-01-04T16:00:00Z" and "user" not in made
    schoology = Api(app.test_client()).get(f"/v1/sections/{P3}/enrollments/{made['id']}")
    assert schoology.json["status"] == "3" and schoology.json["admin"] == 0
    again = post(canvas, f"sections/{P3}/enrollments", user_id=str(DYLAN))
    assert again.json["id"] == made["id"]  # the same user and type: the one there is
    ta = post(canvas, f"sections/{P3}/enrollments", user_id=str(DYLAN), type="TaEnrollment",
              enrollment_state="active")
    assert ta.json["id"] != made["id"] and ta.json["role_id"] == 5
    assert Api(app.test_client()).get(f"/v1/sections/{P3}/enrollments/{ta.json['id']}"
                                      ).json["admin"] == 1
    observer = post(canvas, f"sections/{P3}/enrollments", user_id="45553412",
                    type="ObserverEnrollment", associated_user_id=str(DYLAN))
    assert observer.json["enrollment_state"] == "active"  # observers start active
    assert observer.json["associated_user_id"] == DYLAN


def test_create_by_json_body_and_its_bad_input(canvas, store):
    good = canvas.call("POST", f"sections/{P3}/enrollments",
                       json={"enrollment": {"user_id": DYLAN, "enrollment_state": "active"}})
    assert good.status_code == 200 and good.json["enrollment_state"] == "active"
    before = store.export()
    for body, status in ((b'{"enrollment": ', 400), (b"[1, 2]", 400)):
        response = canvas.call("POST", f"sections/{P3}/enrollments", data=body,
                               headers={"Content-Type": "application/json"})
        assert response.status_code == status and "errors" in response.json or "message" in \
            response.json
    xml = canvas.call("POST", f"sections/{P3}/enrollments", data=b"<enrollment/>",
                      headers={"Content-Type": "text/xml"})
    assert xml.status_code == 400 and xml.json == {"message": "No parameters given"}
    for form, field in (({"user_id": "45552256", "start_at": "next week"}, "start_at"),
                        ({"user_id": "45552256", "enrollment_state": "deleted"},
                         "workflow_state"),
                        ({"user_id": "45552256", "type": "ObserverEnrollment",
                          "associated_user_id": "1"}, "associated_user_id")):
        response = post(canvas, f"sections/{P3}/enrollments", **form)
        assert response.status_code == 400 and field in response.json["errors"], form
    assert post(canvas, f"sections/{P3}/enrollments", user_id="1").status_code == 404
    assert post(canvas, f"courses/{ALGEBRA}/enrollments", user_id=str(DYLAN),
                course_section_id=str(ENGLISH_P4)).status_code == 404
    mixed = canvas.call("POST", f"sections/{P3}/enrollments",
                        data={"enrollment": "1", "enrollment[user_id]": "45552256"})
    assert mixed.status_code == 400 and "errors" in mixed.json
    assert store.export() == before


def test_who_may_enroll(canvas):
    assert post(canvas, f"sections/{ENGLISH_P4}/enrollments", token=CANVAS_TEACHER,
                user_id=str(DYLAN)).status_code == 403
    assert post(canvas, f"sections/{SECTION}/enrollments", token=CANVAS_TA, user_id="45552655",
                type="TeacherEnrollment").status_code == 403
    assert post(canvas, f"sections/{SECTION}/enrollments", token=CANVAS_TA,
                user_id="45552655").status_code == 200
    assert post(canvas, f"sections/{SECTION}/enrollments", token=CANVAS_STUDENT,
                user_id="45552655").status_code == 403

@pytest.mark.parametrize("task,state,status", [
    (None, "completed", "5"), ("conclude", "completed", "5"), ("inactivate", "inactive", "2"),
    ("deactivate", "inactive", "2"), ("delete", "deleted", None), ("bogus", "completed", "5")])
def test_destroy_tasks_and_what_schoology_sees(canvas, app, task, state, status):
    path = f"courses/{ALGEBRA}/enrollments/{DYLAN_P1}"
    response = canvas.call("DELETE", path, data={"task": task} if task else None)
    assert response.status_code == 200 and response.json["enrollment_state"] == state
    schoology = Api(app.test_client()).get(f"/v1/sections/{SECTION}/enrollments/{DYLAN_P1}")
    if status is None:
        assert schoology.status_code == 404
        assert canvas.call("DELETE", path).status_code == 404  # gone from the course
    else:
        assert schoology.json["status"] == status
    in_query = canvas.call("DELETE", f"courses/{ALGEBRA}/enrollments/54302518?task=delete")
    assert in_query.json["enrollment_state"] == "deleted"


def test_accept_reject_and_reactivate(canvas):
    student, teacher = canvas.as_(CANVAS_STUDENT), canvas.as_(CANVAS_TEACHER)
    invite = post(canvas, f"sections/{P3}/enrollments", user_id=str(DYLAN)).json["id"]
    path = f"courses/{ALGEBRA}/enrollments/{invite}"
    assert teacher.call("POST", path + "/accept").status_code == 403  # only their own
    assert student.call("POST", path + "/reject").json == {"success": True}
    assert canvas.get(f"accounts/self/enrollments/{invite}").json["enrollment_state"] == "rejected"
    assert student.call("POST", path + "/reject").json == {"success": True}
    assert student.call("POST", path + "/accept").json == {"success": True}  # re-invited, taken
    assert canvas.get(f"accounts/self/enrollments/{invite}").json["enrollment_state"] == "active"
    assert student.call("POST", path + "/reject").json == {"error": "no current invitation"}
    refused = teacher.call("PUT", path + "/reactivate")
    assert refused.status_code == 400 and refused.json == {"error": "enrollment not inactive"}
    teacher.call("DELETE", path, data={"task": "deactivate"})
    assert student.call("POST", path + "/accept").json == {"error": "membership not activated"}
    assert teacher.call("PUT", path + "/reactivate").json["enrollment_state"] == "active"
    assert student.call("PUT", path + "/reactivate").status_code == 403


def test_last_attended(canvas, store):
    path = f"courses/{ALGEBRA}/users/{DYLAN}/last_attended"
    answer = canvas.call("PUT", path, data={"date": "Thu Dec 21 2017 00:00:00 GMT-0700 (MST)"},
                         token=CANVAS_TEACHER)
    assert answer.status_code == 200 and answer.json == {"date": "2017-12-21T07:00:00Z"}
    assert store.enrollments[DYLAN_P1].last_attended_at == "2017-12-21T07:00:00Z"
    bad = canvas.call("PUT", path, data={"date": "soon"})
    assert bad.status_code == 400 and bad.json == {"message": "Invalid date time input"}
    assert canvas.call("PUT", path, data={"date": "2026-12-01"},
                       token=CANVAS_STUDENT).status_code == 403

BAD_REQUESTS = [
    ("GET", f"sections/{SECTION}/enrollments?state=active&state[]=x"),
    ("GET", f"sections/{SECTION}/enrollments?include[x]=1"),
    ("GET", f"users/self/enrollments?state[a]=b"),
    ("GET", f"courses/{ALGEBRA}/enrollments?user_id[]=1"),
    ("GET", "accounts/self/enrollments/x"),
    ("POST", f"sections/{SECTION}/enrollments?enrollment[user_id][]=1"),
    ("POST", f"sections/{SECTION}/enrollments?enrollment[type][]=StudentEnrollment"
             "&enrollment[user_id]=45552256"),
    ("POST", f"sections/{SECTION}/enrollments?enrollment[start_at][x]=1"
             "&enrollment[user_id]=45552256"),
    ("DELETE", f"courses/{ALGEBRA}/enrollments/{DYLAN_P1}?task[]=delete"),
    ("PUT", f"courses/{ALGEBRA}/users/{DYLAN}/last_attended?date[]=1"),
    ("PUT", f"courses/{ALGEBRA}/users/abc/last_attended"),
]


@pytest.mark.parametrize("method,path", BAD_REQUESTS)
def test_bad_input_is_a_canvas_error_and_changes_nothing(canvas, store, method, path):
    before = store.export()
    response = canvas.call(method, path)
    assert response.status_code in (400, 404), response.data
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert set(response.json) & {"errors", "message", "error"}
    assert store.export() == before
