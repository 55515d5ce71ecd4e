"""The Canvas dialect over HTTP (the Flask test client, bearer tokens): auth,
lists and their paging, the enrollment state machine, and the one school seen
through both dialects."""
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from helpers import (ALGEBRA, CANVAS_ADMIN, CANVAS_OBSERVER, CANVAS_STUDENT, CANVAS_TA,
                     CANVAS_TEACHER, DYLAN, DYLAN_P1, ENGLISH, SECTION, Api, Canvas)
from schoology_mock.store import build_store

NOT_FOUND = {"errors": [{"message": "The specified resource does not exist."}]}
P3 = 3719541  # Algebra I: Period 3
ENGLISH_P4 = 3719603
LEVI, OWEN, THEO, GRACE = 45552522, 45552553, 45552530, 45552538  # statuses 2, 5, 3, 4 in P1
HUDSON_REJECTED, JACK_DELETED, OBSERVER_ENROLLMENT = 54303315, 54303322, 54303301


def links(response):
    found = dict((rel, url) for url, rel in
                 re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers["Link"]))
    assert set(found) >= {"current", "first", "last"}
    return found


def walk(canvas, path, **kw):
    """Every page of a list, following rel="next": (rows, pages)."""
    rows, pages, url = [], 0, path
    while url:
        response = canvas.get(url, **kw)
        assert response.status_code == 200, response.data
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"
        rows += response.json
        pages += 1
        url = links(response).get("next", "").replace("http://localhost/api/v1/", "")
    return rows, pages


def states(rows):
    return {row["user_id"]: row["enrollment_state"] for row in rows}


# --- auth ---------------------------------------------------------------------------
def test_no_token_bad_token_and_not_permitted(canvas):
    path = f"sections/{SECTION}/enrollments"
    anonymous = canvas.client.get("/api/v1/" + path)
    assert anonymous.status_code == 401
    assert anonymous.json == {"status": "unauthenticated",
                              "errors": [{"message": "user authorization required"}]}
    assert anonymous.headers["WWW-Authenticate"] == 'Bearer realm="canvas-lms"'
    bad = canvas.get(path, token="nope")
    assert bad.status_code == 401 and bad.json == {"errors": [{"message": "Invalid access token."}]}
    assert bad.headers["WWW-Authenticate"] == 'Bearer realm="canvas-lms"'
    in_query = canvas.client.get(f"/api/v1/{path}?access_token={CANVAS_TEACHER}")
    assert in_query.status_code == 200
    refused = canvas.get(f"users/{45552256}/enrollments", token=CANVAS_STUDENT)
    assert refused.status_code == 403 and "WWW-Authenticate" not in refused.headers
    assert refused.json == {"status": "unauthorized", "errors": [
        {"message": "user not authorized to perform that action"}]}
    assert canvas.get("accounts/self", token=CANVAS_TEACHER).status_code == 403


def test_unknown_ids_paths_and_methods_are_canvas_404s(canvas):
    for method, path in (("GET", "courses/1/enrollments"), ("GET", "sections/x/enrollments"),
                         ("GET", "users/sis_user_id:NOPE/enrollments"), ("GET", "nothing/here"),
                         ("PATCH", f"sections/{SECTION}/enrollments"),
                         ("GET", "accounts/2/enrollments/54302505"),
                         ("GET", "accounts/self/enrollments/1530027713"),
                         ("DELETE", f"courses/{ENGLISH}/enrollments/{DYLAN_P1}")):
        response = canvas.call(method, path)
        assert (response.status_code, response.json) == (404, NOT_FOUND), (method, path)


def test_auth_off_makes_every_canvas_request_the_administrator(api):
    response = api.client.get("/api/v1/users/self")
    assert response.status_code == 200 and response.json["id"] == 45553001


def test_the_schoology_rate_limit_does_not_apply(store):
    from schoology_mock import create_app
    client = create_app({"TESTING": True, "RATE_LIMIT": "2/60"}, store=store).test_client()
    canvas = Canvas(client, CANVAS_TEACHER)
    assert all(canvas.get(f"sections/{SECTION}").status_code == 200 for _ in range(10))


# --- lists ----------------------------------------------------------------------------
def test_a_teacher_sees_inactive_a_student_does_not_and_nobody_the_gone_ones(canvas):
    teacher, _ = walk(canvas.as_(CANVAS_TEACHER), f"sections/{SECTION}/enrollments")
    seen = states(teacher)
    assert seen[LEVI] == "inactive" and seen[THEO] == "invited"
    assert seen[GRACE] == "creation_pending"
    assert OWEN not in seen and 45552881 not in seen and 45552655 not in seen
    student, _ = walk(canvas.as_(CANVAS_STUDENT), f"sections/{SECTION}/enrollments")
    assert set(states(student)) == set(seen) - {LEVI}
    # ordered by type, sortable name, id
    keys = [(r["type"], r["user"]["sortable_name"].casefold(), r["id"]) for r in teacher]
    assert keys == sorted(keys)
    assert [r["type"] for r in teacher][:2] == ["ObserverEnrollment", "StudentEnrollment"]


def test_paging_link_header_and_per_page(canvas):
    first = canvas.get(f"courses/{ALGEBRA}/enrollments?per_page=4&type[]=StudentEnrollment")
    found = links(first)
    assert len(first.json) == 4 and set(found) == {"current", "next", "first", "last"}
    for url in found.values():
        query = parse_qs(urlsplit(url).query)
        assert url.startswith(f"http://localhost/api/v1/courses/{ALGEBRA}/enrollments?")
        assert query["type[]"] == ["StudentEnrollment"] and query["per_page"] == ["4"]
    rows, pages = walk(canvas, f"courses/{ALGEBRA}/enrollments?per_page=4")
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)) and pages == -(-len(ids) // 4)
    unfiltered = canvas.get(f"courses/{ALGEBRA}/enrollments?per_page=4")
    last = canvas.get(links(unfiltered)["last"].replace("http://localhost/api/v1/", ""))
    assert [r["id"] for r in last.json] == ids[(len(ids) - 1) // 4 * 4:]
    # Api.per_page_for: per_page.to_i.clamp(1, 100)
    for given, size in (("0", 1), ("abc", 1), ("-3", 1), ("3abc", 3), ("1000", 100), ("2", 2)):
        response = canvas.get(f"courses/{ALGEBRA}/enrollments?per_page={given}")
        assert len(response.json) == min(size, len(ids))
        assert f"per_page={size}" in response.headers["Link"]
    numbered = canvas.get(f"courses/{ALGEBRA}/enrollments?per_page=4&page=2")
    assert [r["id"] for r in numbered.json] == ids[4:8]


def test_a_walk_meets_each_row_once_while_the_list_changes(canvas, store):
    path, seen, url = f"sections/{P3}/enrollments?per_page=3", [], None
    url = path
    newcomers = iter([45552222, 45552256, 45552290, 45552328])
    while url:
        response = canvas.get(url)
        seen += [r["id"] for r in response.json]
        # a newcomer enrolled between pages sorts wherever their name puts them
        canvas.call("POST", f"sections/{P3}/enrollments",
                    data={"enrollment[user_id]": next(newcomers, 45552333),
                          "enrollment[enrollment_state]": "active"})
        url = links(response).get("next", "").replace("http://localhost/api/v1/", "")
    assert len(seen) == len(set(seen))


def test_filters(canvas):
    teachers = canvas.get(f"courses/{ALGEBRA}/enrollments?type[]=TeacherEnrollment"
                          "&type[]=TaEnrollment").json
    assert {(r["user_id"], r["type"]) for r in teachers} == {
        (45552101, "TeacherEnrollment"), (45552136, "TaEnrollment")}
    by_role = canvas.get(f"courses/{ALGEBRA}/enrollments?role[]=TaEnrollment"
                         "&type[]=StudentEnrollment").json
    assert [r["type"] for r in by_role] == ["TaEnrollment"]  # role[] wins over type[]
    bad_role = canvas.get(f"courses/{ALGEBRA}/enrollments?role[]=Principal")
    assert bad_role.status_code == 400 and bad_role.json == {"errors": [{"message": "role not found"}]}
    gone = canvas.get(f"sections/{SECTION}/enrollments?state[]=deleted&state[]=rejected").json
    assert {r["id"] for r in gone} == {HUDSON_REJECTED, JACK_DELETED}
    assert canvas.get(f"sections/{SECTION}/enrollments?type[]=Nope").json == []
    sis = canvas.get(f"courses/{ALGEBRA}/enrollments?sis_user_id[]=S240101").json
    assert {r["user_id"] for r in sis} == {DYLAN} and sis[0]["sis_user_id"] == "S240101"
    refused = canvas.get(f"courses/{ALGEBRA}/enrollments?sis_user_id=S240101",
                         token=CANVAS_STUDENT)
    assert refused.status_code == 400
    assert refused.json == {"message": "Insufficient permissions to filter by SIS fields"}
    by_user = canvas.get(f"sections/{SECTION}/enrollments?user_id={DYLAN}").json
    assert [r["id"] for r in by_user] == [DYLAN_P1]
    period = canvas.get(f"courses/{ALGEBRA}/enrollments?grading_period_id=1")
    assert period.status_code == 400 and period.json == {"error": "invalid grading_period_id"}
    assert canvas.get(f"courses/{ALGEBRA}/enrollments?grading_period_id=812202").status_code == 200


def test_a_users_own_list_and_its_states(canvas):
    student = canvas.as_(CANVAS_STUDENT)
    own = student.get("users/self/enrollments").json
    assert {r["course_section_id"] for r in own} == {SECTION, 3719588}
    bad = student.get("users/self/enrollments?state[]=bogus")
    assert bad.status_code == 400 and bad.json == {"error": "Invalid state bogus"}
    concluded = canvas.get(f"users/{OWEN}/enrollments?state[]=completed").json
    assert {r["enrollment_state"] for r in concluded} == {"completed"}
    assert canvas.get(f"users/{OWEN}/enrollments").json == []  # active and invited by default
    owen = canvas.get(f"users/{OWEN}/enrollments?state[]=current_and_concluded")
    assert owen.status_code == 200 and owen.json == []  # synthetic states: own list only
    assert canvas.get("users/self/enrollments?enrollment_term_id=2").status_code == 404


def test_rows_show_what_the_caller_may_see(canvas):
    def dylan(token):
        rows = canvas.get(f"sections/{SECTION}/enrollments?user_id={DYLAN}", token=token).json
        return rows[0]

    graded = dylan(CANVAS_TEACHER)
    assert graded["grades"]["current_score"] == 91.5 and graded["grades"]["final_grade"] == "B+"
    assert graded["grades"]["unposted_current_score"] == 91.5
    assert graded["sis_user_id"] == "S240101" and graded["user"]["sis_user_id"] == "S240101"
    assert graded["last_attended_at"] == "2026-11-20T00:00:00Z"
    own = dylan(CANVAS_STUDENT)
    assert own["grades"]["current_grade"] == "A-" and "unposted_current_score" not in own["grades"]
    assert "sis_user_id" not in own and "last_activity_at" in own
    classmate = canvas.get(f"sections/{SECTION}/enrollments?user_id=45552256",
                           token=CANVAS_STUDENT).json[0]
    assert classmate["grades"] == {
        "html_url": "http://localhost/courses/2091834501/grades/45552256"}
    assert "last_activity_at" not in classmate
    assert list(own)[:16] == [
        "id", "root_account_id", "user_id", "course_id", "course_section_id",
        "associated_user_id", "temporary_enrollment_source_user_id",
        "temporary_enrollment_pairing_id", "limit_privileges_to_course_section", "updated_at",
        "created_at", "start_at", "end_at", "type", "enrollment_state", "role"]
    assert own["html_url"] == f"http://localhost/courses/{ALGEBRA}/users/{DYLAN}"
    assert own["user"] == {"id": DYLAN, "name": "Dylan Schmidt", "created_at": own["user"][
        "created_at"], "sortable_name": "Schmidt, Dylan", "short_name": "Dylan Schmidt"}


def test_includes(canvas):
    rows = canvas.get(f"sections/{SECTION}/enrollments?include[]=avatar_url"
                      "&include[]=observed_users&include[]=can_be_removed"
                      "&type[]=ObserverEnrollment", token=CANVAS_TEACHER).json
    assert len(rows) == 1
    row = rows[0]
    assert row["associated_user_id"] == DYLAN and row["can_be_removed"] is True
    assert row["user"]["avatar_url"].startswith("https://")
    assert row["observed_user"]["id"] == DYLAN
    assert [e["id"] for e in row["observed_user"]["enrollments"]] == [DYLAN_P1]


def test_an_observer_sees_themselves_and_their_student(canvas):
    rows = canvas.get(f"sections/{SECTION}/enrollments", token=CANVAS_OBSERVER).json
    assert {r["user_id"] for r in rows} == {45553412, DYLAN}
    assert rows[1]["grades"]["current_score"] == 91.5  # an observer reads the grades


def test_a_section_limited_ta_sees_only_their_section(canvas):
    rows, _ = walk(canvas.as_(CANVAS_TA), f"courses/{ALGEBRA}/enrollments")
    assert {r["course_section_id"] for r in rows} == {SECTION}


def test_show_reads_deleted_enrollments_and_only_the_callers_own(canvas):
    deleted = canvas.get(f"accounts/self/enrollments/{JACK_DELETED}")
    assert deleted.status_code == 200 and deleted.json["enrollment_state"] == "deleted"
    assert "user" not in deleted.json
    assert canvas.get(f"accounts/1/enrollments/{DYLAN_P1}", token=CANVAS_STUDENT).status_code == 200
    assert canvas.get(f"accounts/1/enrollments/54302505", token=CANVAS_STUDENT).status_code == 403


# --- lookups --------------------------------------------------------------------------
def test_lookups_by_every_id_form(canvas):
    course = canvas.get("courses/sis_course_id:MATH-101").json
    assert (course["id"], course["course_code"], course["workflow_state"]) == (
        ALGEBRA, "MATH-101", "available")
    assert canvas.get("courses/hex:sis_course_id:4d4154482d313031").json["id"] == ALGEBRA
    mine = canvas.get(f"courses/{ALGEBRA}", token=CANVAS_STUDENT).json
    assert mine["enrollments"] == [{"type": "student", "role": "StudentEnrollment", "role_id": 3,
                                    "user_id": DYLAN, "enrollment_state": "active",
                                    "limit_privileges_to_course_section": False}]
    assert "sis_course_id" not in mine
    assert canvas.get(f"courses/{ENGLISH}", token=CANVAS_TEACHER).status_code == 403
    section = canvas.get("sections/sis_section_id:MATH101-P1-2026").json
    assert (section["id"], section["course_id"]) == (SECTION, ALGEBRA)
    assert canvas.get("users/sis_user_id:S240101").json["sortable_name"] == "Schmidt, Dylan"
    me = canvas.get("users/self", token=CANVAS_TEACHER).json
    assert me["id"] == 45552101 and me["name"] == "Mrs. Karen Strickland"
    account = canvas.get("accounts/self").json
    assert account == dict(account, id=1, name="Riverside Unified School District")


# --- create -----------------------------------------------------------------------------
def post(canvas, path, token=None, **form):
    return canvas.call("POST", path, token=token,
                       data={f"enrollment[{k}]": v for k, v in form.items()})


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


# --- the state machine ---------------------------------------------------------------------
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


# --- one school ------------------------------------------------------------------------------
def test_schoology_changes_are_seen_by_canvas(canvas, app, store):
    schoology = Api(app.test_client())
    assert schoology.call("DELETE", f"/v1/sections/{SECTION}/enrollments/{DYLAN_P1}"
                          ).status_code == 204
    assert canvas.get(f"accounts/self/enrollments/{DYLAN_P1}").json["enrollment_state"] == \
        "deleted"
    listed = canvas.get(f"sections/{SECTION}/enrollments?per_page=100").json
    assert DYLAN_P1 not in {r["id"] for r in listed}
    schoology.call("PUT", f"/v1/sections/{SECTION}/enrollments/54302518", body={"admin": 1})
    assert canvas.get("accounts/self/enrollments/54302518").json["type"] == "TeacherEnrollment"
    created = schoology.call("POST", f"/v1/sections/{P3}/enrollments",
                             body={"uid": DYLAN, "admin": 0, "status": 4}).json
    seen = canvas.get(f"accounts/self/enrollments/{created['id']}").json
    assert (seen["type"], seen["enrollment_state"]) == ("StudentEnrollment", "creation_pending")


def test_state_round_trips_every_canvas_key(canvas, store):
    canvas.call("DELETE", f"courses/{ALGEBRA}/enrollments/{DYLAN_P1}", data={"task": "delete"})
    post(canvas, f"sections/{P3}/enrollments", user_id="45553412", type="ObserverEnrollment",
         associated_user_id=str(DYLAN), end_at="2027-06-11")
    exported = store.export()
    assert {"canvas_accounts", "canvas_tokens"} <= set(exported)
    assert build_store(json.loads(json.dumps(exported))).export() == exported


def test_rails_json_escaping(canvas, store):
    store.update_user(DYLAN, name_first="Dylan <Dee> & co")
    text = canvas.get(f"users/{DYLAN}").data.decode()
    assert "Dylan \\u003cDee\\u003e \\u0026 co" in text and "<" not in text


def test_journal_and_faults_cover_canvas(canvas_app):
    client, canvas = canvas_app.test_client(), None
    canvas = Canvas(client, CANVAS_TEACHER)
    canvas.get(f"sections/{SECTION}")
    entry = canvas_app.extensions["schoology_journal"].select(path="/api/v1/")[-1]
    assert entry["dialect"] == "canvas" and entry["identity"]["uid"] == 45552101
    canvas_app.extensions["schoology_faults"].add(
        {"path": "/api/v1/sections/.*", "status": 503, "body": "maintenance", "times": 1})
    faulted = canvas.get(f"sections/{SECTION}")
    assert faulted.status_code == 503 and faulted.json == {"errors": [{"message": "maintenance"}]}
    assert canvas.get(f"sections/{SECTION}").status_code == 200


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


@pytest.mark.parametrize("query", ["per_page[]=4&page[]=2", "page=bookmark:%%%",
                                   "page=bookmark:WzEsMiwzXQ", "page=-3",
                                   pytest.param("page=bookmark:" + "W1tb" * 2000,
                                                id="a bookmark nested past reading")])
def test_paging_parameters_canvas_cannot_use_give_the_first_page(canvas, query):
    expected = canvas.get(f"sections/{SECTION}/enrollments").json
    assert canvas.get(f"sections/{SECTION}/enrollments?{query}").json == expected


@pytest.mark.parametrize("path,body,size", [
    (f"sections/{SECTION}/enrollments", '{"per_page": 1e999}', 100),
    (f"sections/{SECTION}/enrollments", '{"per_page": -1e999}', 1),
    (f"sections/{SECTION}/enrollments", '{"per_page": 5.7}', 5),
    ("temporary_enrollment_status", '{"user_ids": ["45552101"], "limit": 1e999}', None),
])
def test_a_number_past_any_size_is_read_as_canvas_reads_it(canvas, path, body, size):
    """JSON reads 1e999 as infinity, which no int() takes: held to the limits."""
    response = canvas.call("GET", path, data=body, content_type="application/json")
    assert response.status_code == 200, response.data
    if size is not None:
        assert f"per_page={size}" in response.headers["Link"]
