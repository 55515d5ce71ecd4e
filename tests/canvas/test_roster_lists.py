"""The Canvas roster: the accounts, their courses, users and terms, a
course's users and sections, the caller's courses; canvasapi 3.x walking
each to the end; filters, rights and refusals; and the one school the two
dialects share (a change through Schoology is seen here at once)."""
import re

import pytest
import requests
from canvasapi import Canvas
from canvasapi.exceptions import BadRequest, Forbidden, ResourceDoesNotExist
from requests_oauthlib import OAuth1

from helpers import (ADMIN, ALGEBRA, CANVAS_ADMIN, CANVAS_OBSERVER, CANVAS_STUDENT, CANVAS_TA,
                     CANVAS_TEACHER, DYLAN, ENGLISH, SECTION)

LIVE = ("active", "invited", "creation_pending")


def school(server):
    """The school as the server holds it now (GET /_mock/state)."""
    return requests.get(f"{server.url}/_mock/state", timeout=30).json()


def canvas_part(course):
    return {"workflow_state": "available", "start_at": None, "end_at": None,
            "enrollment_term_id": None, **course.get("canvas", {})}


def course_users(state, course_id, types=None, states=LIVE):
    """The uids of the course's users with an enrollment in states (of types)."""
    sections = {s["id"] for s in state["sections"] if s["course_id"] == str(course_id)}
    return {int(e["uid"]) for e in state["enrollments"]
            if e["realm"] == "section" and e["realm_id"] in sections
            and enrollment_state(e) in states
            and (types is None or enrollment_type(e) in types)}


def enrollment_state(e):
    canvas = e.get("canvas", {})
    return canvas.get("enrollment_state") or {1: "active", 2: "inactive", 3: "invited",
                                              4: "creation_pending", 5: "completed"}[e["status"]]


def enrollment_type(e):
    default = "TeacherEnrollment" if e["admin"] else "StudentEnrollment"
    return e.get("canvas", {}).get("type", default)


def sortable(user):
    first = user.get("name_first_preferred") or user["name_first"]
    return f"{user['name_last']}, {first}"


def root_account(server):
    return Canvas(server.url, CANVAS_ADMIN).get_account(
        int(school(server)["canvas_accounts"][0]["id"]))


def get(server, path, token=CANVAS_ADMIN, **params):
    return requests.get(f"{server.url}/api/v1/{path}", params=params, timeout=10,
                        headers={"Authorization": f"Bearer {token}"})


def rels(response):
    return dict((rel, url) for url, rel in
                re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers["Link"]))


# --- accounts ------------------------------------------------------------------------------
def test_the_accounts_an_admin_manages_and_no_one_else(server):
    state = school(server)
    accounts = list(Canvas(server.url, CANVAS_ADMIN).get_accounts(per_page=1))
    assert [(a.id, a.name) for a in accounts] == \
        [(int(a["id"]), a["name"]) for a in state["canvas_accounts"]]
    for token in (CANVAS_TEACHER, CANVAS_STUDENT):
        assert list(Canvas(server.url, token).get_accounts()) == []
    assert list(accounts[0].get_subaccounts()) == []
    assert list(accounts[0].get_subaccounts(recursive=True)) == []
    assert get(server, "accounts/self/sub_accounts", CANVAS_TEACHER).status_code == 403
    r = get(server, "accounts/self/sub_accounts", recursive="true")
    assert "last" not in rels(r) and "last" in rels(get(server, "accounts/self/sub_accounts"))


# --- the account's courses -----------------------------------------------------------------
def test_account_get_courses_walks_every_course_but_the_deleted(server):
    state = school(server)
    account = root_account(server)
    listed = list(account.get_courses(per_page=1, include=["total_students", "term"]))
    expected = sorted((c for c in state["courses"]
                       if canvas_part(c)["workflow_state"] != "deleted"),
                      key=lambda c: int(c["id"]))
    assert len(expected) >= 3
    assert [(c.id, c.name, c.course_code) for c in listed] == \
        [(int(c["id"]), c["title"], c["course_code"]) for c in expected]
    for course, held in zip(listed, expected):
        part = canvas_part(held)
        api_state = "unpublished" if part["workflow_state"] in ("created", "claimed") else \
            part["workflow_state"]
        assert (course.workflow_state, course.start_at, course.end_at) == \
            (api_state, part["start_at"], part["end_at"])
        term = int(part["enrollment_term_id"] or 1)
        assert course.enrollment_term_id == course.term["id"] == term
        assert course.total_students == len(course_users(state, course.id,
                                                         {"StudentEnrollment"}))
        assert not hasattr(course, "enrollments")  # the account's list carries none
    assert any(c.total_students for c in listed)
    page = get(server, "accounts/self/courses", per_page=1)
    assert set(rels(page)) == {"current", "next", "first"}  # no total, so no last


@pytest.mark.parametrize("params, expected", [
    ({"state[]": "available"}, lambda c: c["workflow_state"] == "available"),
    ({"state[]": ["created", "completed"]},
     lambda c: c["workflow_state"] in ("created", "completed")),
    ({"state[]": "all"}, lambda c: True),
    ({"published": "true"}, lambda c: c["workflow_state"] == "available"),
    ({"published": "false"}, lambda c: c["workflow_state"] not in ("available", "deleted")),
    ({"enrollment_term_id": "812203"}, lambda c: c["enrollment_term_id"] == "812203"),
    ({"enrollment_term_id": "default"}, lambda c: c["enrollment_term_id"] is None),
])
def test_account_courses_filters(server, params, expected):
    state = school(server)
    rows = get(server, "accounts/self/courses", per_page=100, **params).json()
    assert [r["id"] for r in rows] == sorted(int(c["id"]) for c in state["courses"]
                                             if expected(canvas_part(c)))
    assert rows


def test_account_courses_by_dates_of_the_course_or_its_term(server):
    """starts_before and ends_after pass a course by its own dates or its
    term's, or when neither has one: the summer course ended before the
    year began; Biology's spring term starts after the fall."""
    def ids(**params):
        return {r["name"] for r in get(server, "accounts/self/courses", **params).json()}
    everything = ids()
    assert ids(ends_after="2026-08-01") == everything - {"Summer Bridge Math"}
    assert ids(starts_before="2026-12-01") == everything - {"Biology"}
    assert ids(starts_before="2026-12-01", ends_after="2026-08-01") == \
        everything - {"Biology", "Summer Bridge Math"}
    assert ids(starts_before="not a time") == everything  # Canvas passes it over


def test_account_courses_search_sort_and_includes(server):
    rows = get(server, "accounts/self/courses", search_term="math").json()
    assert {r["course_code"] for r in rows} == {"MATH-101", "MATH-090"}
    assert [r["id"] for r in get(server, "accounts/self/courses",
                                 search_term=str(ALGEBRA)).json()] == [ALGEBRA]
    names = [r["name"] for r in get(server, "accounts/self/courses", sort="course_name",
                                     order="desc").json()]
    assert names == sorted(names, key=str.casefold, reverse=True)
    algebra = get(server, "accounts/self/courses", search_term="Algebra",
                  **{"include[]": ["teachers", "concluded", "account_name"]}).json()[0]
    assert [t["display_name"] for t in algebra["teachers"]] == ["Karen Strickland"]
    assert algebra["concluded"] is False and algebra["account_name"]
    short = get(server, "accounts/self/courses", search_term="ma")
    assert (short.status_code, short.json()) == (400, {"errors": [{
        "field": "search_term", "code": "invalid", "message": "3 or more characters is required"}]})
    assert get(server, "accounts/self/courses", enrollment_term_id="999").status_code == 404
    for odd in ({"search_term": True}, {"search_term": ["math"]}):
        r = requests.get(f"{server.url}/api/v1/accounts/self/courses", json=odd, timeout=10,
                         headers={"Authorization": f"Bearer {CANVAS_ADMIN}"})
        assert r.status_code == 400, (odd, r.text)
    assert get(server, "accounts/self/courses", CANVAS_TEACHER).status_code == 403


def test_with_enrollments_and_enrollment_type(server):
    state = school(server)
    enrolled = {int(s["course_id"]) for s in state["sections"]
                for e in state["enrollments"] if e["realm_id"] == s["id"]}
    assert [r["id"] for r in get(server, "accounts/self/courses",
                                 with_enrollments="true").json()] == sorted(enrolled)
    without = {r["id"] for r in get(server, "accounts/self/courses",
                                    with_enrollments="false").json()}
    assert without and not without & enrolled
    observers = {r["id"] for r in get(server, "accounts/self/courses",
                                      **{"enrollment_type[]": "observer"}).json()}
    assert observers == {int(s["course_id"]) for s in state["sections"]
                         for e in state["enrollments"] if e["realm_id"] == s["id"]
                         and enrollment_type(e) == "ObserverEnrollment"}
    bad = get(server, "accounts/self/courses", **{"enrollment_type[]": "janitor"})
    assert bad.status_code == 400 and bad.json()["message"]


# --- the caller's courses ------------------------------------------------------------------
@pytest.mark.parametrize("token, uid", [(CANVAS_TEACHER, 45552101), (CANVAS_STUDENT, DYLAN),
                                        (CANVAS_TA, 45552136)])
def test_canvas_get_courses_lists_the_callers_courses_by_name(server, token, uid):
    state = school(server)
    sections = {s["id"]: s["course_id"] for s in state["sections"]}
    mine = {int(sections[e["realm_id"]]) for e in state["enrollments"]
            if e["uid"] == str(uid) and e["realm"] == "section"
            and enrollment_state(e) in ("active", "invited")}
    listed = list(Canvas(server.url, token).get_courses(per_page=1, include=[
        "term", "sections", "account"]))
    assert {c.id for c in listed} == mine and mine
    assert [c.name for c in listed] == sorted((c.name for c in listed), key=str.casefold)
    for course in listed:
        assert {e["user_id"] for e in course.enrollments} == {uid}
        assert {s["id"] for s in course.sections} <= {int(k) for k, v in sections.items()
                                                      if int(v) == course.id}
        assert course.term["name"]
        assert course.account["id"] == int(state["canvas_accounts"][0]["id"])
    assert list(Canvas(server.url, CANVAS_ADMIN).get_courses()) == []  # enrolled in none


def test_a_student_does_not_list_an_unpublished_course_a_teacher_does(server):
    state = school(server)
    biology = next(c for c in state["courses"] if c["title"] == "Biology")
    assert canvas_part(biology)["workflow_state"] == "created"
    section = {"id": "3719700", "course_id": biology["id"], "title": "Biology: Period 5"}
    enrollments = [{"id": "54309001", "uid": "45552101", "realm": "section",
                    "realm_id": "3719700", "admin": 1, "status": 1},
                   {"id": "54309002", "uid": str(DYLAN), "realm": "section",
                    "realm_id": "3719700", "admin": 0, "status": 1}]
    r = requests.post(f"{server.url}/_mock/load", timeout=30, json=dict(
        state, sections=state["sections"] + [section],
        enrollments=state["enrollments"] + enrollments))
    assert r.status_code == 200, r.text
    teacher = [c.id for c in Canvas(server.url, CANVAS_TEACHER).get_courses()]
    student = [c.id for c in Canvas(server.url, CANVAS_STUDENT).get_courses()]
    assert int(biology["id"]) in teacher and int(biology["id"]) not in student
    unpublished = get(server, "courses", CANVAS_STUDENT, **{"state[]": "unpublished"}).json()
    assert [c["workflow_state"] for c in unpublished] == ["unpublished"]
    active = [c["id"] for c in get(server, "courses", CANVAS_STUDENT,
                                   enrollment_state="active").json()]
    assert active and int(biology["id"]) not in active  # participating: published only


# --- a course's users and sections --------------------------------------------------------
def test_course_get_users_walks_the_roster(server):
    state = school(server)
    course = Canvas(server.url, CANVAS_ADMIN).get_course(ALGEBRA)
    users = {u["uid"]: u for u in state["users"]}
    listed = list(course.get_users(per_page=3, enrollment_type=["student"],
                                   include=["enrollments", "avatar_url"]))
    expected = course_users(state, ALGEBRA, {"StudentEnrollment"})
    assert [u.id for u in listed] == sorted(
        expected, key=lambda uid: (sortable(users[str(uid)]).casefold(), uid))
    # only invited (or pending): Canvas shows no login or email, the SIS id still
    invited_only = expected - course_users(state, ALGEBRA, states=("active", "inactive",
                                                                   "completed", "deleted"))
    assert invited_only and invited_only < expected
    for user in listed:
        held = users[str(user.id)]
        assert user.sis_user_id == held["school_uid"]
        if user.id in invited_only:
            assert not hasattr(user, "email") and not hasattr(user, "login_id")
        else:
            assert (user.email, user.login_id) == (held["primary_email"], held["username"])
        assert user.enrollments and all(e["user_id"] == user.id for e in user.enrollments)
        assert {e["enrollment_state"] for e in user.enrollments} <= set(LIVE)
    everyone = {u.id for u in course.get_users(per_page=100)}
    assert everyone == course_users(state, ALGEBRA)


def test_course_users_as_a_student_sees_them(server):
    state = school(server)
    as_student = {u["id"]: u for u in get(server, f"courses/{ALGEBRA}/users", CANVAS_STUDENT,
                                          per_page=100).json()}
    assert set(as_student) == course_users(
        state, ALGEBRA, {"StudentEnrollment", "TeacherEnrollment", "TaEnrollment"})
    assert course_users(state, ALGEBRA, {"ObserverEnrollment"})  # there, but not shown
    assert all("sis_user_id" not in u and "email" not in u and "login_id" not in u
               for u in as_student.values())
    assert get(server, f"courses/{ALGEBRA}/users", CANVAS_OBSERVER).status_code == 403


def test_course_users_filters_and_refusals(server):
    state = school(server)
    path = f"courses/{ALGEBRA}/users"
    done = get(server, path, per_page=100, **{"enrollment_state[]": ["completed", "inactive"]})
    assert {u["id"] for u in done.json()} == course_users(state, ALGEBRA,
                                                          states=("completed", "inactive"))
    assert done.json()
    picked = get(server, path, **{"user_ids[]": [DYLAN, 45552101]}).json()
    assert {u["id"] for u in picked} == {DYLAN, 45552101}
    assert [u["id"] for u in get(server, path, search_term="Strickland").json()] == [45552101]
    bad = get(server, path, **{"enrollment_type[]": "janitor"})
    assert (bad.status_code, bad.json()) == (400, {"status": "bad_request",
                                                   "message": "Invalid enrollment type: janitor"})
    assert get(server, path, search_term="ab").status_code == 400
    assert set(rels(get(server, path, per_page=2))) == {"current", "next", "first"}


def test_course_students_is_every_student_unpaged(server):
    state = school(server)
    r = get(server, f"courses/{ALGEBRA}/students")
    assert r.status_code == 200 and "Link" not in r.headers
    assert {u["id"] for u in r.json()} == course_users(state, ALGEBRA, {"StudentEnrollment"})
    assert len(r.json()) > 10  # past a default page


def test_course_get_section_by_id_or_sis_id(server):
    canvas = Canvas(server.url, CANVAS_ADMIN)
    course = canvas.get_course(ALGEBRA)
    section = course.get_section(SECTION, include=["total_students"])
    assert (section.id, section.course_id) == (SECTION, ALGEBRA)
    by_sis = get(server, f"courses/{ALGEBRA}/sections/sis_section_id:{section.sis_section_id}")
    assert by_sis.json()["id"] == SECTION
    with pytest.raises(ResourceDoesNotExist):
        canvas.get_course(ENGLISH).get_section(SECTION)  # another course's
    english_p4 = 3719603  # not Dylan's
    with pytest.raises(Forbidden):
        Canvas(server.url, CANVAS_STUDENT).get_course(ENGLISH).get_section(english_p4)
    assert get(server, f"courses/{ALGEBRA}/sections/{SECTION}", CANVAS_STUDENT).status_code == 200


# --- the account's users and terms --------------------------------------------------------
def test_account_get_users_walks_the_school(server):
    state = school(server)
    account = root_account(server)
    listed = list(account.get_users(per_page=7, include=["email"]))
    assert [u.id for u in listed] == [int(u["uid"]) for u in sorted(
        state["users"], key=lambda u: (sortable(u).casefold(), int(u["uid"])))]
    found = list(account.get_users(search_term="strick"))
    assert [u.sortable_name for u in found] == ["Strickland, Karen"]
    teachers = {u.id for u in account.get_users(enrollment_type="teacher")}
    assert 45552101 in teachers and DYLAN not in teachers
    with pytest.raises(BadRequest):
        list(account.get_users(search_term="st"))
    assert get(server, "accounts/self/users", CANVAS_TEACHER).status_code == 403


def test_the_current_term_is_the_one_the_clock_is_in(server):
    """enrollment_term_id=current: the term whose dates hold the server's now
    (of several, the latest to start)."""
    requests.post(f"{server.url}/_mock/clock", json={"at": "2027-03-01T12:00:00Z"},
                  timeout=10).raise_for_status()
    state = school(server)
    spring = next(p for p in state["grading_periods"] if p["title"].startswith("Spring"))
    listed = get(server, "accounts/self/courses", enrollment_term_id="current").json()
    assert [c["id"] for c in listed] == sorted(
        int(c["id"]) for c in state["courses"]
        if canvas_part(c)["enrollment_term_id"] == spring["id"])
    assert listed  # Biology is in the spring term


def test_account_get_enrollment_terms(server):
    state = school(server)
    account = root_account(server)
    terms = list(account.get_enrollment_terms(per_page=1))
    assert terms[0].name == "Default Term" and terms[0].start_at is None
    assert {t.id for t in terms[1:]} == {int(p["id"]) for p in state["grading_periods"]}
    starts = [t.start_at for t in terms[1:]]
    assert starts == sorted(starts, reverse=True)
    counts = {t["id"]: t["course_count"] for t in get(
        server, "accounts/self/terms", **{"include[]": "course_count"}).json()["enrollment_terms"]}
    assert sum(counts.values()) == len(state["courses"])
    assert get(server, "accounts/self/terms", CANVAS_TEACHER).status_code == 200
    assert get(server, "accounts/self/terms", CANVAS_STUDENT).status_code == 403


# --- one school, two dialects ---------------------------------------------------------------
def test_a_schoology_enrollment_is_in_the_canvas_roster_at_once(server):
    course = Canvas(server.url, CANVAS_ADMIN).get_course(ALGEBRA)
    before = {u.id for u in course.get_users(enrollment_type=["student"])}
    newcomer = 45552145  # in no section
    assert newcomer not in before
    students = get(server, "accounts/self/courses", **{"include[]": "total_students",
                                                       "search_term": "Algebra"})
    total = students.json()[0]["total_students"]
    made = requests.post(f"{server.url}/v1/sections/{SECTION}/enrollments", auth=OAuth1(*ADMIN),
                         json={"uid": str(newcomer), "admin": 0, "status": 1}, timeout=10)
    assert made.status_code == 201, made.text
    assert {u.id for u in course.get_users(enrollment_type=["student"])} == before | {newcomer}
    after = get(server, "accounts/self/courses", **{"include[]": "total_students",
                                                    "search_term": "Algebra"})
    assert after.json()[0]["total_students"] == total + 1
    gone = requests.delete(f"{server.url}/v1/sections/{SECTION}/enrollments/{made.json()['id']}",
                           auth=OAuth1(*ADMIN), timeout=10)
    assert gone.status_code == 204
    assert {u.id for u in course.get_users(enrollment_type=["student"])} == before


def test_a_course_changed_in_the_school_is_listed_so_at_once(server):
    """Courses and users come from the fixtures (Schoology's roster is read
    only): a course loaded in, and one concluded, are listed as such."""
    state = school(server)
    courses = [dict(c) for c in state["courses"]]
    algebra = next(c for c in courses if c["id"] == str(ALGEBRA))
    algebra["canvas"] = {**algebra.get("canvas", {}), "workflow_state": "completed"}
    courses.append({"id": "2091839999", "course_code": "ART-1", "title": "Art",
                    "canvas": {"workflow_state": "available"}})
    r = requests.post(f"{server.url}/_mock/load", json=dict(state, courses=courses), timeout=30)
    assert r.status_code == 200, r.text
    listed = {c["id"]: c["workflow_state"] for c in get(server, "accounts/self/courses",
                                                        per_page=100).json()}
    assert listed[ALGEBRA] == "completed" and listed[2091839999] == "available"
    assert ALGEBRA not in {c["id"] for c in get(server, "courses", CANVAS_STUDENT).json()}


def test_a_course_naming_no_term_is_refused_with_its_place(server):
    state = school(server)
    courses = [dict(c) for c in state["courses"]]
    courses[1]["canvas"] = {"enrollment_term_id": "404"}
    r = requests.post(f"{server.url}/_mock/load", json=dict(state, courses=courses), timeout=30)
    assert r.status_code == 400
    assert "courses[1]" in r.text and "canvas.enrollment_term_id" in r.text and "404" in r.text
    assert school(server)["courses"] == state["courses"]  # nothing changed
    courses[1]["canvas"] = {"workflow_state": "archived"}
    r = requests.post(f"{server.url}/_mock/load", json=dict(state, courses=courses), timeout=30)
    assert r.status_code == 400 and "workflow_state" in r.text
    periods = state["grading_periods"] + [{"id": "1", "title": "Term 1"}]
    r = requests.post(f"{server.url}/_mock/load", json=dict(state, grading_periods=periods),
                      timeout=30)
    assert r.status_code == 400 and "Default Term" in r.text  # a term's id is its period's
    assert school(server) == state
