"""canvasapi, unchanged, against a live mock: what a Canvas integration does
first, and the enrollment calls canvasapi has."""
import time
import warnings

import pytest
import requests
from canvasapi import Canvas
from canvasapi.exceptions import Forbidden, InvalidAccessToken, ResourceDoesNotExist
from canvasapi.util import combine_kwargs

from helpers import (ALGEBRA, CANVAS_ADMIN, CANVAS_STUDENT, CANVAS_TEACHER, DYLAN, DYLAN_P1,
                     ENGLISH, SECTION)

BIG = 4000001  # big_store's lecture hall: 1,234 students in every status


@pytest.fixture(autouse=True)
def plain_http_is_fine():
    # canvasapi warns that http:// is insecure; the mock is on this machine.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield


@pytest.fixture
def server(start_server, big_store):
    return start_server(store=big_store)


def client(server, token=CANVAS_ADMIN):
    return Canvas(server.url, token)


def test_course_and_section_enrollments_page_through_each_row_once(server, big_store):
    expected = {e.id for e in big_store.enrollments.values()
                if e.realm == "section" and e.realm_id == BIG
                and e.state not in ("completed", "rejected", "deleted")}
    assert len(expected) > 200
    section = client(server).get_section(BIG)
    got = [e.id for e in section.get_enrollments()]
    assert len(got) == len(set(got)) and set(got) == expected
    course = client(server).get_course("MATH-101", use_sis_id=True)
    in_course = [e.id for e in course.get_enrollments(type=["StudentEnrollment"],
                                                      state=["active"])]
    assert len(in_course) == len(set(in_course)) and expected & set(in_course)
    assert all(big_store.enrollments[i].state == "active" for i in in_course)


def test_user_enrollments_and_the_current_user(server):
    dylan = client(server, CANVAS_STUDENT)
    me = dylan.get_current_user()
    assert (me.id, me.name) == (DYLAN, "Dylan Schmidt")
    mine = list(me.get_enrollments())
    assert {e.course_section_id for e in mine} == {SECTION, 3719588}
    other = client(server).get_user("S240101", id_type="sis_user_id")
    assert other.id == DYLAN and len(list(other.get_enrollments())) == len(mine)


def test_enroll_then_every_task_reactivate_and_the_account(server):
    canvas = client(server, CANVAS_TEACHER)
    course = canvas.get_course(ALGEBRA)
    made = course.enroll_user(45552290, enrollment={"course_section_id": 3719541,
                                                    "enrollment_state": "active"})
    assert (made.type, made.enrollment_state, made.course_section_id) == (
        "StudentEnrollment", "active", 3719541)
    schoology = requests.get(f"{server.url}/_mock/state", timeout=10).json()
    assert any(int(e["id"]) == made.id and e["status"] == 1 for e in schoology["enrollments"])
    for task, state in (("conclude", "completed"), ("inactivate", "inactive"),
                        ("deactivate", "inactive")):
        assert made.deactivate(task).enrollment_state == state
    assert made.reactivate().enrollment_state == "active"
    assert made.deactivate("delete").enrollment_state == "deleted"
    account = client(server).get_account(1)
    assert account.get_enrollment(made.id).enrollment_state == "deleted"
    via_section = canvas.get_section(3719541).enroll_user(45552290)
    assert via_section.enrollment_state == "invited" and via_section.id != made.id


def test_accept_and_reject_with_the_students_own_token(server):
    teacher = client(server, CANVAS_TEACHER)
    first = teacher.get_course(ALGEBRA).enroll_user(DYLAN, enrollment={
        "course_section_id": 3719541})
    second = teacher.get_course(ALGEBRA).enroll_user(DYLAN, enrollment={
        "course_section_id": 3719541, "type": "TaEnrollment"})
    dylan = {e.id: e for e in client(server, CANVAS_STUDENT).get_current_user().get_enrollments()}
    assert dylan[first.id].accept() is True and dylan[second.id].reject() is True
    account = client(server).get_account(1)
    assert account.get_enrollment(first.id).enrollment_state == "active"
    assert account.get_enrollment(second.id).enrollment_state == "rejected"


def test_refusals_raise_canvasapis_exceptions(server):
    with pytest.raises(InvalidAccessToken):
        client(server, "not-a-token").get_current_user()
    with pytest.raises(Forbidden):
        client(server, CANVAS_STUDENT).get_account(1)
    with pytest.raises(ResourceDoesNotExist):
        client(server).get_course(1)
    with pytest.raises(ResourceDoesNotExist):
        client(server).get_account(1).get_enrollment(1)


def test_what_canvasapi_lacks_through_its_requester(server):
    canvas = client(server, CANVAS_TEACHER)
    answer = canvas._Canvas__requester.request(
        "PUT", f"courses/{ALGEBRA}/users/{DYLAN}/last_attended", date="2026-11-23")
    assert answer.json() == {"date": "2026-11-23T00:00:00Z"}
    seen = client(server).get_account(1).get_enrollment(DYLAN_P1)
    assert seen.last_attended_at == "2026-11-23T00:00:00Z"


def test_bulk_enrollment_and_its_progress_through_canvasapi(server, big_store):
    """canvasapi has no bulk_enrollment or pairings call: its requester sends
    them, as an integration would; its Progress follows the job."""
    canvas = client(server)
    requester = canvas._Canvas__requester
    pairing = requester.request("POST", "accounts/self/temporary_enrollment_pairings",
                                ending_enrollment_state="inactive")
    assert pairing.status_code == 201
    assert pairing.json()["temporary_enrollment_pairing"]["ending_enrollment_state"] == "inactive"
    students = [70000000 + n * 3 for n in range(5)]  # in the lecture hall, not in English
    assert not any(big_store.sections[big_store.enrollments[i].realm_id].course_id == ENGLISH
                   for uid in students for i in big_store.user_ids(uid))
    # combine_kwargs writes lists as user_ids[], as canvasapi's own calls do
    # (a plain repeated user_ids keeps its last value, in Rails and here).
    answer = requester.request("POST", "accounts/self/bulk_enrollment", _kwargs=combine_kwargs(
        user_ids=students, course_ids=[ENGLISH], enrollment_type="StudentEnrollment"))
    progress = canvas.get_progress(answer.json()["id"])
    assert progress.tag == "bulk_enrollment"
    deadline = time.monotonic() + 10
    while progress.workflow_state in ("queued", "running") and time.monotonic() < deadline:
        progress = progress.query()
    assert (progress.workflow_state, progress.results) == ("completed", {"errors": {}})
    course = canvas.get_course(ENGLISH)
    invited = {e.user_id for e in course.get_enrollments(state=["invited"])}
    assert set(students) <= invited
