"""The Canvas contract, over HTTP: the document builds and is valid OpenAPI;
real answers, in every shape include[] and the caller's rights give them,
hold to it; what Canvas would silently ignore, coerce or cap is noted in
the journal (and its clean twin is not); in strict mode each is refused with
a 400 in Canvas's shape naming it, and nothing changes; canvasapi's own
traffic draws no note, so it works against a strict mock."""
import json
import time
import warnings

import pytest
import requests
from canvasapi import Canvas
from canvasapi.util import combine_kwargs
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from helpers import (ALGEBRA, CANVAS_ADMIN, CANVAS_OBSERVER, CANVAS_STUDENT, CANVAS_TA,
                     CANVAS_TEACHER, DYLAN, DYLAN_P1, ENGLISH, SECTION)
from schoology_mock import create_app
from schoology_mock.toolkit import openapi
from schoology_mock.canvas.routes import ROUTES
from schoology_mock.canvas.schemas import INCLUDES

NEWCOMER = 45552145  # in no section of the demo school
P3 = 3719541
FORM = "application/x-www-form-urlencoded"
COURSE = f"/api/v1/courses/{ALGEBRA}/enrollments"
PAIRINGS = "/api/v1/accounts/self/temporary_enrollment_pairings"


@pytest.fixture(scope="module")
def document():
    return openapi.build(create_app({"TESTING": True}), "canvas", "http://127.0.0.1:8000")


def send(server, method, path, body=None, how="json", token=CANVAS_ADMIN):
    """A request as a Canvas client sends it: a JSON body, or a form (body
    given as Rails' pairs)."""
    headers = {"Authorization": f"Bearer {token}"}
    if body is None:
        return requests.request(method, server.url + path, headers=headers, timeout=10)
    if how == "json":
        return requests.request(method, server.url + path, headers=headers, json=body,
                                timeout=10)
    return requests.request(method, server.url + path, headers=headers, data=body, timeout=10)


def journal(server, query=""):
    return requests.get(f"{server.url}/_mock/requests?{query}", timeout=10).json()["requests"]


def state(server):
    return requests.get(f"{server.url}/_mock/state", timeout=30).json()


# --- the document ---------------------------------------------------------------------
def test_the_document_builds_valid_and_complete(document):
    validate(document)
    operations = {(m, p) for p, ops in document["paths"].items() for m in ops}
    assert len(operations) == len(ROUTES) == 35
    assert document["info"]["title"] == "Canvas LMS Enrollments API (schoology-mock)"
    assert [next(iter(s)) for s in document["security"]] == ["bearer", "access_token"]
    paths = document["paths"]
    listed = paths["/api/v1/courses/{course_id}/enrollments"]["get"]
    assert "Link" in listed["responses"]["200"]["headers"]
    assert {p["name"] for p in listed["parameters"]} >= {"type[]", "role[]", "state[]",
                                                         "include[]", "per_page", "page"}
    assert "200" in paths["/api/v1/courses/{course_id}/enrollments"]["post"]["responses"]
    index = paths["/api/v1/accounts/{account_id}/temporary_enrollment_pairings"]["get"]
    assert index["responses"]["200"]["content"]["application/json"] == {
        "schema": {"type": "null"}, "example": None}
    for path, ops in paths.items():
        for method, op in ops.items():
            assert {"400", "401"} <= set(op["responses"]), (method, path)
            assert "WWW-Authenticate" in op["responses"]["401"]["headers"]


def checker(document, path, method, status):
    registry = Registry().with_resource("urn:doc", Resource.from_contents(
        document, default_specification=DRAFT202012))
    schema = document["paths"][path][method]["responses"][str(status)]["content"][
        "application/json"]["schema"]
    schema = json.loads(json.dumps(schema).replace('"#/components', '"urn:doc#/components'))
    return OAS31Validator(schema, registry=registry)


EVERY_INCLUDE = "&".join(f"include[]={name}" for name in INCLUDES)


@pytest.mark.parametrize("token,path,template", [
    (CANVAS_ADMIN, f"{COURSE}?per_page=100&{EVERY_INCLUDE}",
     "/api/v1/courses/{course_id}/enrollments"),
    (CANVAS_TEACHER, f"/api/v1/sections/{SECTION}/enrollments?per_page=100&{EVERY_INCLUDE}",
     "/api/v1/sections/{section_id}/enrollments"),
    (CANVAS_TA, f"{COURSE}?per_page=100&include[]=current_points",
     "/api/v1/courses/{course_id}/enrollments"),
    (CANVAS_OBSERVER, f"{COURSE}?{EVERY_INCLUDE}", "/api/v1/courses/{course_id}/enrollments"),
    (CANVAS_STUDENT, "/api/v1/users/self/enrollments?state[]=current_and_concluded",
     "/api/v1/users/{user_id}/enrollments"),
    (CANVAS_STUDENT, f"{COURSE}?per_page=100", "/api/v1/courses/{course_id}/enrollments"),
    (CANVAS_ADMIN, "/api/v1/users/self", "/api/v1/users/{user_id}"),
    (CANVAS_TEACHER, f"/api/v1/users/{DYLAN}", "/api/v1/users/{user_id}"),
    (CANVAS_STUDENT, f"/api/v1/courses/{ALGEBRA}", "/api/v1/courses/{course_id}"),
    (CANVAS_TEACHER, f"/api/v1/sections/{SECTION}", "/api/v1/sections/{section_id}"),
    (CANVAS_STUDENT, f"/api/v1/accounts/self/enrollments/{DYLAN_P1}",
     "/api/v1/accounts/{account_id}/enrollments/{enrollment_id}"),
])
def test_answers_in_every_shape_hold_to_the_document(start_server, document, token, path,
                                                     template):
    server = start_server()
    answer = send(server, "GET", path, token=token)
    assert answer.status_code == 200, answer.text
    errors = list(checker(document, template, "get", 200).iter_errors(answer.json()))
    assert not errors, [e.message for e in errors][:3]


def test_refusals_hold_to_the_document(start_server, document):
    server = start_server()
    cases = [  # (method, path, body, token, template, status)
        ("GET", COURSE, None, "not-a-token", "/api/v1/courses/{course_id}/enrollments", 401),
        ("GET", "/api/v1/accounts/self", None, CANVAS_STUDENT, "/api/v1/accounts/{account_id}",
         403),
        ("POST", COURSE, {"enrollment": {"type": "Nope"}}, CANVAS_ADMIN,
         "/api/v1/courses/{course_id}/enrollments", 400),
        ("POST", COURSE, {"enrollment": {"user_id": NEWCOMER, "end_at": "never"}}, CANVAS_ADMIN,
         "/api/v1/courses/{course_id}/enrollments", 400),
        ("POST", "/api/v1/accounts/self/bulk_enrollment", {"enrollment_type": "Nope"},
         CANVAS_ADMIN, "/api/v1/accounts/{account_id}/bulk_enrollment", 400),
        ("GET", "/api/v1/temporary_enrollment_status", None, CANVAS_ADMIN,
         "/api/v1/temporary_enrollment_status", 400),
        ("POST", PAIRINGS, {"workflow_state": "paused"}, CANVAS_ADMIN,
         "/api/v1/accounts/{account_id}/temporary_enrollment_pairings", 422),
        ("GET", "/api/v1/courses/1", None, CANVAS_ADMIN, "/api/v1/courses/{course_id}", 404),
    ]
    for method, path, body, token, template, status in cases:
        answer = send(server, method, path, body, token=token)
        assert answer.status_code == status, (path, answer.text)
        errors = list(checker(document, template, method.lower(), status).iter_errors(
            answer.json()))
        assert not errors, (path, [e.message for e in errors][:3])


def test_an_answer_its_schema_does_not_describe_is_never_sent(start_server, monkeypatch):
    """Answers are written through the schemas the document publishes: a
    field the schema lacks (or a required one left out) is the mock's bug, a
    500 in Canvas's shape, never bytes that differ from the document."""
    from schoology_mock.canvas import enrollments, render
    server = start_server(RATE_LIMIT=None)
    url = f"{server.url}/api/v1/accounts/self/enrollments/{DYLAN_P1}"
    auth = {"Authorization": f"Bearer {CANVAS_ADMIN}"}
    assert requests.get(url, headers=auth, timeout=10).status_code == 200
    monkeypatch.setattr(enrollments, "enrollment_json",
                        lambda *a, **kw: dict(render.enrollment_json(*a, **kw), extra=1))
    drifted = requests.get(url, headers=auth, timeout=10)
    assert drifted.status_code == 500 and drifted.json() == {"errors": [
        {"message": "An error occurred.", "error_code": "internal_server_error"}]}
    monkeypatch.setattr(enrollments, "enrollment_json", lambda *a, **kw: {
        k: v for k, v in render.enrollment_json(*a, **kw).items() if k != "user_id"})
    assert requests.get(url, headers=auth, timeout=10).status_code == 500


def test_temporary_enrollments_and_a_finished_job_hold_to_the_document(start_server,
                                                                      document):
    """The Canvas UI's temporary enrollment flow, with the fields only it
    sends, and a bulk enrollment followed to its end: their answers hold to
    the document, and none of the requests draws a note (strict mode)."""
    server = start_server(STRICT=True)

    def holds(answer, method, template, status=200):
        assert answer.status_code == status, answer.text
        errors = list(checker(document, template, method, status).iter_errors(answer.json()))
        assert not errors, (template, [e.message for e in errors][:3])
        return answer.json()

    made = holds(send(server, "POST", PAIRINGS, {"ending_enrollment_state": "completed"},
                      "form"),
                 "post", "/api/v1/accounts/{account_id}/temporary_enrollment_pairings",
                 201)["temporary_enrollment_pairing"]
    form = {"user_id": NEWCOMER, "temporary_enrollment_source_user_id": 45552101,
            "temporary_enrollment_pairing_id": made["id"], "role_id": 4,
            "start_at": "2026-11-30T08:00:00Z", "end_at": "2099-12-18T23:00:00Z",
            "limit_privileges_to_course_section": "false", "enrollment_state": "active"}
    enrollment = holds(send(server, "POST", f"/api/v1/sections/{SECTION}/enrollments",
                            {f"enrollment[{k}]": v for k, v in form.items()}, "form"),
                       "post", "/api/v1/sections/{section_id}/enrollments")
    listed = holds(send(server, "GET", f"/api/v1/users/{NEWCOMER}/enrollments?state[]="
                        "current_future_and_restricted&temporary_enrollments_for_recipient=true"
                        "&include[]=temporary_enrollment_providers"),
                   "get", "/api/v1/users/{user_id}/enrollments")
    assert listed[0]["temporary_enrollment_provider"]["id"] == 45552101
    holds(send(server, "GET", f"/api/v1/users/{NEWCOMER}/temporary_enrollment_status"),
          "get", "/api/v1/users/{user_id}/temporary_enrollment_status")
    holds(send(server, "DELETE", f"{COURSE}/{enrollment['id']}?task=delete"),
          "delete", "/api/v1/courses/{course_id}/enrollments/{enrollment_id}")
    assert send(server, "DELETE", f"{PAIRINGS}/{made['id']}").status_code == 204
    gone = holds(send(server, "GET", f"{PAIRINGS}/{made['id']}"), "get",
                 "/api/v1/accounts/{account_id}/temporary_enrollment_pairings/{pairing_id}")
    assert gone["temporary_enrollment_pairing"]["deleted_by_id"] is not None

    progress = holds(send(server, "POST", "/api/v1/accounts/self/bulk_enrollment",
                          {"user_ids[]": [NEWCOMER, DYLAN], "course_ids[]": [ENGLISH]}, "form"),
                     "post", "/api/v1/accounts/{account_id}/bulk_enrollment")
    deadline = time.monotonic() + 10
    while progress["workflow_state"] in ("queued", "running") and time.monotonic() < deadline:
        progress = holds(send(server, "GET", f"/api/v1/progress/{progress['id']}"), "get",
                         "/api/v1/progress/{progress_id}")
    assert progress["results"] == {"errors": {}}
    assert journal(server, "notes=1") == []


# --- notes --------------------------------------------------------------------------------
# (kind, method, path, sloppy body, how it is sent, what the note names, clean path, body)
SLOPPY = [
    ("unknown parameter", "GET", f"{COURSE}?per_page=5&colour=red", None, None, "colour",
     f"{COURSE}?per_page=5", None),
    ("unknown parameter", "POST", PAIRINGS, {"ending_enrollment_state": "completed",
                                             "colour": "red"}, "json", "colour",
     PAIRINGS, {"ending_enrollment_state": "completed"}),
    ("unknown parameter", "GET", f"/api/v1/users/{DYLAN}/enrollments?user_id=1", None, None,
     "user_id", f"/api/v1/users/{DYLAN}/enrollments", None),
    ("unknown field", "POST", COURSE, {"enrollment[user_id]": NEWCOMER, "enrollment[admn]": 1},
     "form", "enrollment[admn]", COURSE, {"enrollment[user_id]": NEWCOMER}),
    ("unknown field", "POST", COURSE, {"enrollment": {"user_id": NEWCOMER, "admn": 1}}, "json",
     "enrollment[admn]", COURSE, {"enrollment": {"user_id": NEWCOMER}}),
    ("coerced", "POST", f"/api/v1/sections/{SECTION}/enrollments",
     {"enrollment": {"user_id": NEWCOMER, "limit_privileges_to_course_section": "true"}},
     "json", "enrollment[limit_privileges_to_course_section]",
     f"/api/v1/sections/{SECTION}/enrollments",
     {"enrollment": {"user_id": NEWCOMER, "limit_privileges_to_course_section": True}}),
    ("coerced", "DELETE", f"{COURSE}/{DYLAN_P1}", {"task": 1}, "json", "task: the number 1",
     f"{COURSE}/{DYLAN_P1}", {"task": "conclude"}),
    ("coerced", "POST", COURSE, {"enrollment[user_id]": NEWCOMER, "enrollment[notify]": "maybe"},
     "form", "enrollment[notify]", COURSE,
     {"enrollment[user_id]": NEWCOMER, "enrollment[notify]": "no"}),
    ("capped", "GET", f"{COURSE}?per_page=500", None, None, "per_page: 500 is served as 100",
     f"{COURSE}?per_page=100", None),
    ("capped", "GET", f"{COURSE}?per_page=0", None, None, "per_page: 0 is served as 1",
     f"{COURSE}?per_page=10", None),
    ("capped", "GET", f"/api/v1/temporary_enrollment_status?user_ids[]={DYLAN}&limit=200",
     None, None, "limit: 200 is served as 100",
     f"/api/v1/temporary_enrollment_status?user_ids[]={DYLAN}&limit=100", None),
    ("ignored", "GET", f"{COURSE}?type[]=StudentEnrollment&role[]=TeacherEnrollment", None,
     None, "type[]", f"{COURSE}?role[]=TeacherEnrollment", None),
    ("ignored", "GET", f"{COURSE}?role[]=StudentEnrollment&role_id=4", None, None, "role[]",
     f"{COURSE}?role_id=4", None),
    ("ignored", "GET", f"{COURSE}?include[]=avatar&include[]=uuid", None, None, "'avatar'",
     f"{COURSE}?include[]=uuid", None),
    ("ignored", "GET", f"{COURSE}?page=bookmark:nothing", None, None, "page",
     f"{COURSE}?page=first", None),
    ("ignored", "POST", f"/api/v1/sections/{SECTION}/enrollments",
     {"enrollment[user_id]": NEWCOMER, "enrollment[course_section_id]": P3}, "form",
     "enrollment[course_section_id]", f"/api/v1/sections/{SECTION}/enrollments",
     {"enrollment[user_id]": NEWCOMER}),
    ("ignored", "POST", COURSE, {"enrollment[user_id]": NEWCOMER, "enrollment[role_id]": 3,
                                 "enrollment[role]": "TaEnrollment"}, "form",
     "enrollment[role]", COURSE, {"enrollment[user_id]": NEWCOMER, "enrollment[role_id]": 3}),
    ("ignored", "DELETE", f"{COURSE}/{DYLAN_P1}", {"task": "finish"}, "form", "task",
     f"{COURSE}/{DYLAN_P1}", {"task": "conclude"}),
    ("ignored", "POST", PAIRINGS, {"ending_enrollment_state": "archived"}, "json",
     "ending_enrollment_state", PAIRINGS, {"ending_enrollment_state": "inactive"}),
    ("ignored", "PUT", f"/api/v1/courses/{ALGEBRA}/users/self/last_attended",
     {"date": "2026-11-23"}, "form", "user_id",
     f"/api/v1/courses/{ALGEBRA}/users/{DYLAN}/last_attended", {"date": "2026-11-23"}),
    ("ignored", "POST", "/api/v1/accounts/self/bulk_enrollment",
     {"user_ids[]": [NEWCOMER, 1], "course_ids[]": [ENGLISH]}, "form", "user_ids[]: '1'",
     "/api/v1/accounts/self/bulk_enrollment",
     {"user_ids[]": [NEWCOMER], "course_ids[]": [ENGLISH]}),
]
IDS = [f"{kind}-{method}-{named}" for kind, method, _, _, _, named, _, _ in SLOPPY]


@pytest.mark.parametrize("kind,method,path,body,how,named,clean,clean_body", SLOPPY, ids=IDS)
def test_each_kind_of_note_is_in_the_journal(start_server, kind, method, path, body, how,
                                             named, clean, clean_body):
    server = start_server()
    answer = send(server, method, path, body, how)
    assert answer.status_code < 300, answer.text  # the real API takes it
    (entry,) = journal(server)
    assert any(n.startswith(f"{kind}: ") and named in n for n in entry["notes"]), entry["notes"]
    assert journal(server, "notes=1") == [entry]
    requests.delete(f"{server.url}/_mock/requests", timeout=10)
    again = send(server, method, clean, clean_body, how)
    assert again.status_code < 300, again.text
    (entry,) = journal(server)
    assert entry["notes"] == [] and journal(server, "notes=1") == []


@pytest.mark.parametrize("kind,method,path,body,how,named,clean,clean_body", SLOPPY, ids=IDS)
def test_strict_mode_refuses_each_and_changes_nothing(start_server, kind, method, path, body,
                                                      how, named, clean, clean_body):
    server = start_server(STRICT=True)
    before = state(server)
    answer = send(server, method, path, body, how)
    assert answer.status_code == 400
    (error,) = answer.json()["errors"]
    assert error["message"].startswith(f"Strict mode: {kind}: ") and named in error["message"]
    assert state(server) == before
    assert not server.app.extensions["schoology_store"].progresses  # no job was queued
    again = send(server, method, clean, clean_body, how)
    assert again.status_code < 300, again.text


def test_strict_mode_takes_the_demo_samples(start_server, document):
    """Every operation's own example request is clean: no note, in strict mode."""
    server = start_server(STRICT=True)
    contract = server.app.extensions["schoology_dialects"]["canvas"].contract
    sent = 0
    for key, op in contract.operations.items():
        if op.sample is None:
            continue
        requests.post(f"{server.url}/_mock/reset", json={}, timeout=10)
        answer = send(server, key.split()[0].upper(), op.sample.path, op.sample.body)
        assert answer.status_code < 300, (key, answer.text)
        sent += 1
    assert sent >= 18 and journal(server, "notes=1") == []


def test_the_token_as_a_parameter_is_no_note(start_server):
    server = start_server(STRICT=True)
    answer = requests.get(f"{server.url}{COURSE}?per_page=3&access_token={CANVAS_ADMIN}",
                          timeout=10)
    assert answer.status_code == 200 and len(answer.json()) == 3
    form = requests.post(f"{server.url}/api/v1/courses/{ALGEBRA}/enrollments/{DYLAN_P1}/accept",
                         data={"access_token": CANVAS_STUDENT}, timeout=10)
    assert form.status_code == 200 and form.json() == {"success": True}


def test_a_note_refused_before_authentication_is_a_401(start_server):
    """Strict mode refuses only callers it knows: no token is still a 401."""
    server = start_server(STRICT=True)
    answer = requests.get(f"{server.url}{COURSE}?per_page=500", timeout=10)
    assert answer.status_code == 401 and "WWW-Authenticate" in answer.headers


# --- canvasapi ------------------------------------------------------------------------------
@pytest.fixture
def quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # canvasapi warns of http://
        yield


def test_canvasapi_works_against_a_strict_mock(start_server, quiet):
    server = start_server(STRICT=True)
    admin, teacher = Canvas(server.url, CANVAS_ADMIN), Canvas(server.url, CANVAS_TEACHER)
    course = teacher.get_course(ALGEBRA)
    students = list(course.get_enrollments(type=["StudentEnrollment"], state=["active"],
                                           include=["avatar_url", "current_points"]))
    assert students and all(e.type == "StudentEnrollment" for e in students)
    assert list(teacher.get_course("MATH-101", use_sis_id=True).get_enrollments())
    assert list(teacher.get_section(SECTION).get_enrollments(role=["TaEnrollment"]))
    dylan = admin.get_user("S240101", id_type="sis_user_id")
    assert dylan.id == DYLAN and list(dylan.get_enrollments(state=["active"]))
    made = course.enroll_user(NEWCOMER, enrollment={
        "course_section_id": P3, "enrollment_state": "active",
        "limit_privileges_to_course_section": True, "notify": False})
    assert (made.enrollment_state, made.course_section_id) == ("active", P3)
    assert made.deactivate("inactivate").enrollment_state == "inactive"
    assert made.reactivate().enrollment_state == "active"
    assert made.deactivate("conclude").enrollment_state == "completed"
    assert admin.get_account(1).get_enrollment(made.id).id == made.id
    invited = teacher.get_section(P3).enroll_user(DYLAN)
    mine = {e.id: e for e in Canvas(server.url, CANVAS_STUDENT).get_current_user()
            .get_enrollments()}
    assert mine[invited.id].accept() is True
    requester = admin._Canvas__requester
    pairing = requester.request("POST", "accounts/self/temporary_enrollment_pairings",
                                ending_enrollment_state="inactive")
    assert pairing.status_code == 201
    answer = requester.request("POST", "accounts/self/bulk_enrollment", _kwargs=combine_kwargs(
        user_ids=[NEWCOMER], course_ids=[ENGLISH], enrollment_type="StudentEnrollment"))
    assert admin.get_progress(answer.json()["id"]).tag == "bulk_enrollment"
    when = teacher._Canvas__requester.request(
        "PUT", f"courses/{ALGEBRA}/users/{DYLAN}/last_attended", date="2026-11-23")
    assert when.json() == {"date": "2026-11-23T00:00:00Z"}
    assert journal(server, "notes=1") == [] and len(journal(server)) > 12
