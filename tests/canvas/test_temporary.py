"""Canvas temporary enrollments over HTTP: pairings, enrollments with a
provider and a pairing, the lists and status of recipients and providers,
their end when the clock passes end_at, and bulk enrollment with its
Progress; each change seen through both dialects."""
import json
import time

import pytest

from helpers import (ALGEBRA, CANVAS_STUDENT, CANVAS_TEACHER, DYLAN, ENGLISH, SECTION, Api,
                     Canvas, demo_document)
from schoology_mock import create_app
from schoology_mock.store import build_store

KAREN, ALAN = 45552101, 45552183  # Algebra I's teacher, and the teacher who stands in for her
PAIRINGS = "accounts/self/temporary_enrollment_pairings"
BIOLOGY, BIOLOGY_P5 = 2091834600, 3719650


@pytest.fixture
def store():
    """The demo school with a third course (for bulk enrollment into three)."""
    doc = demo_document()
    doc["courses"].append({"id": str(BIOLOGY), "title": "Biology", "course_code": "BIO-10"})
    doc["sections"].append({"id": str(BIOLOGY_P5), "course_id": str(BIOLOGY),
                            "title": "Biology: Period 5", "section_code": "P5",
                            "section_school_code": "BIO10-P5-2026"})
    return build_store(doc)


@pytest.fixture
def schoology(store):
    """Schoology's view of the same store, from an app of its own (authentication off)."""
    return Api(create_app({"TESTING": True, "AUTH": "off"}, store=store).test_client())


@pytest.fixture
def canvas(schoology, canvas_app):
    """As conftest's, made after the Schoology app: the store then keeps the
    clock of the Canvas app, which the tests move through /_mock/clock. It is
    frozen on a day before every end date here, whatever today is."""
    client = canvas_app.test_client()
    move_clock(client, "2026-11-23T12:00:00Z", freeze=True)
    return Canvas(client)


def new_pairing(canvas, **form):
    response = canvas.call("POST", PAIRINGS, data=form)
    assert response.status_code == 201, response.json
    return response.json["temporary_enrollment_pairing"]


def stand_in(canvas, pairing_id, end_at="2026-12-18T23:00:00Z", section=SECTION, **extra):
    """Alan takes Karen's place (in Period 1) until end_at, as the Canvas UI enrolls him."""
    form = {"user_id": str(ALAN), "temporary_enrollment_source_user_id": str(KAREN),
            "temporary_enrollment_pairing_id": str(pairing_id), "role_id": "4",
            "start_at": "2026-11-30T08:00:00Z", "end_at": end_at,
            "limit_privileges_to_course_section": "false", "enrollment_state": "active",
            **extra}
    response = canvas.call("POST", f"sections/{section}/enrollments",
                           data={f"enrollment[{k}]": v for k, v in form.items()})
    assert response.status_code == 200, response.json
    return response.json


def move_clock(client, at, **more):
    response = client.post("/_mock/clock", json={"at": at, **more})
    assert response.status_code == 200, response.json


def test_the_canvas_ui_flow_from_pairing_to_its_end(canvas, schoology):
    pairing = new_pairing(canvas, ending_enrollment_state="completed")
    assert list(pairing) == ["id", "root_account_id", "workflow_state", "created_at",
                             "updated_at", "created_by_id", "deleted_by_id",
                             "ending_enrollment_state"]
    assert (pairing["root_account_id"], pairing["workflow_state"], pairing["created_by_id"],
            pairing["deleted_by_id"], pairing["ending_enrollment_state"]) == (
        1, "active", 45553001, None, "completed")

    made = stand_in(canvas, pairing["id"])
    assert (made["type"], made["enrollment_state"], made["temporary_enrollment_source_user_id"],
            made["temporary_enrollment_pairing_id"]) == (
        "TeacherEnrollment", "active", KAREN, pairing["id"])
    assert schoology.get(f"/v1/sections/{SECTION}/enrollments/{made['id']}").json["admin"] == 1

    # The recipient's temporary enrollments, as the UI asks for them.
    mine = canvas.get(f"users/{ALAN}/enrollments?state[]=current_future_and_restricted"
                      "&temporary_enrollments_for_recipient=true"
                      "&include[]=temporary_enrollment_providers")
    assert mine.status_code == 200
    assert [e["id"] for e in mine.json] == [made["id"]]
    assert mine.json[0]["temporary_enrollment_provider"]["id"] == KAREN
    assert mine.json[0]["temporary_enrollment_provider"]["name"] == "Mrs. Karen Strickland"
    theirs = canvas.get(f"users/{KAREN}/enrollments"
                        "?temporary_enrollment_recipients_for_provider=true")
    assert [(e["id"], e["user_id"]) for e in theirs.json] == [(made["id"], ALAN)]
    assert "temporary_enrollment_provider" not in theirs.json[0]

    status = {uid: canvas.get(f"users/{uid}/temporary_enrollment_status").json
              for uid in (ALAN, KAREN)}
    assert status == {ALAN: {"is_provider": False, "is_recipient": True, "can_provide": True},
                      KAREN: {"is_provider": True, "is_recipient": False, "can_provide": True}}

    # Past end_at the enrollment takes the pairing's ending state, in both dialects.
    move_clock(canvas.client, "2026-12-19T00:00:00Z")
    ended = canvas.get(f"accounts/self/enrollments/{made['id']}").json
    assert (ended["enrollment_state"], ended["updated_at"]) == ("completed", made["end_at"])
    assert schoology.get(f"/v1/sections/{SECTION}/enrollments/{made['id']}").json["status"] == "5"
    assert canvas.get(f"users/{ALAN}/temporary_enrollment_status").json["is_recipient"] is False

    gone = canvas.call("DELETE", f"{PAIRINGS}/{pairing['id']}")
    assert (gone.status_code, gone.data, gone.headers.get("Content-Type")) == (204, b"", None)
    kept = canvas.get(f"{PAIRINGS}/{pairing['id']}").json["temporary_enrollment_pairing"]
    assert (kept["workflow_state"], kept["deleted_by_id"]) == ("deleted", 45553001)


@pytest.mark.parametrize("ending,state,schoology_status", [
    ("completed", "completed", "5"), ("inactive", "inactive", "2"),
    ("deleted", "deleted", None), ("no pairing", "deleted", None)])
def test_each_ending_state(canvas, schoology, ending, state, schoology_status):
    if ending == "no pairing":
        made = stand_in(canvas, "", end_at="2026-12-01T00:00:00Z")
    else:
        pairing = new_pairing(canvas, ending_enrollment_state=ending)
        made = stand_in(canvas, pairing["id"], end_at="2026-12-01T00:00:00Z")
    move_clock(canvas.client, "2026-11-30T23:59:59Z")
    assert canvas.get(f"accounts/self/enrollments/{made['id']}").json[
        "enrollment_state"] == "active"  # not yet
    move_clock(canvas.client, "2026-12-01T00:00:00Z")
    assert canvas.get(f"accounts/self/enrollments/{made['id']}").json[
        "enrollment_state"] == state
    seen = schoology.get(f"/v1/sections/{SECTION}/enrollments/{made['id']}")
    assert (seen.json["status"] if schoology_status else seen.status_code) == (
        schoology_status or 404)


def test_only_temporary_enrollments_end(canvas, store):
    """A plain enrollment with an end date, and a temporary one already over
    (rejected), are left as they are."""
    move_clock(canvas.client, "2026-11-23T00:00:00Z")
    plain = canvas.call("POST", f"sections/{SECTION}/enrollments", data={
        "enrollment[user_id]": str(ALAN), "enrollment[type]": "TaEnrollment",
        "enrollment[end_at]": "2026-12-01T00:00:00Z", "enrollment[enrollment_state]": "active"})
    rejected = stand_in(canvas, "", end_at="2026-12-01T00:00:00Z", enrollment_state="invited")
    store.change_enrollment(rejected["id"], lambda e: {"gone": "rejected"})
    move_clock(canvas.client, "2027-01-01T00:00:00Z")
    assert canvas.get(f"accounts/self/enrollments/{plain.json['id']}").json[
        "enrollment_state"] == "active"
    assert canvas.get(f"accounts/self/enrollments/{rejected['id']}").json[
        "enrollment_state"] == "rejected"


def test_pairing_answers(canvas):
    assert canvas.get(PAIRINGS).data == b"null"  # the real index's answer, not a list
    new = canvas.get(f"{PAIRINGS}/new")
    assert new.json == {"temporary_enrollment_pairing": {
        "id": None, "root_account_id": 1, "workflow_state": "active", "created_at": None,
        "updated_at": None, "created_by_id": None, "deleted_by_id": None,
        "ending_enrollment_state": None}}
    assert new_pairing(canvas, ending_enrollment_state="bogus")["ending_enrollment_state"] == \
        "deleted"
    assert new_pairing(canvas)["ending_enrollment_state"] == "deleted"
    assert new_pairing(canvas, workflow_state="deleted")["workflow_state"] == "deleted"
    as_json = canvas.call("POST", PAIRINGS, json={"ending_enrollment_state": "inactive"})
    assert as_json.json["temporary_enrollment_pairing"]["ending_enrollment_state"] == "inactive"
    first = new_pairing(canvas)
    assert canvas.get(f"accounts/1/temporary_enrollment_pairings/{first['id']}").json[
        "temporary_enrollment_pairing"] == first


@pytest.mark.parametrize("method,path,form,status,body", [
    ("GET", "accounts/2/temporary_enrollment_pairings", None, 404, None),
    ("GET", f"{PAIRINGS}/999999", None, 404, None),
    ("GET", f"{PAIRINGS}/abc", None, 404, None),
    ("DELETE", f"{PAIRINGS}/999999", None, 404, None),
    ("POST", PAIRINGS, {"workflow_state": "paused"}, 422,
     {"success": False, "errors": ["Workflow state is invalid"]}),
    ("POST", PAIRINGS, {"ending_enrollment_state[]": "completed"}, 400, None),
])
def test_pairing_refusals_change_nothing(canvas, store, method, path, form, status, body):
    before = canvas.client.get("/_mock/state").json, store.generation
    response = canvas.call(method, path, data=form)
    assert response.status_code == status, response.json
    assert body is None or response.json == body
    assert (canvas.client.get("/_mock/state").json, store.generation) == before


@pytest.mark.parametrize("method,path", [
    ("GET", PAIRINGS), ("GET", f"{PAIRINGS}/new"), ("POST", PAIRINGS),
    ("GET", f"{PAIRINGS}/1"), ("DELETE", f"{PAIRINGS}/1")])
def test_pairings_are_for_administrators(canvas, method, path):
    response = canvas.as_(CANVAS_TEACHER).call(method, path)
    assert response.status_code == 403
    assert response.json["status"] == "unauthorized"


def refused(response):
    return response.status_code == 403 and response.json["status"] == "unauthorized"


def test_who_lists_temporary_enrollments(canvas):
    pairing = new_pairing(canvas)
    made = stand_in(canvas, pairing["id"])
    recipient = f"users/{ALAN}/enrollments?temporary_enrollments_for_recipient=1"
    # Only those who manage the account's temporary enrollments (its admins) see them.
    teacher = canvas.as_(CANVAS_TEACHER)
    assert refused(teacher.get(f"users/{KAREN}/enrollments"
                               "?temporary_enrollment_recipients_for_provider=true"))
    assert [e["id"] for e in canvas.get(f"{recipient}&state[]=active").json] == [made["id"]]
    assert [e["id"] for e in canvas.get(f"{recipient}&state[]=current_and_invited").json] == \
        [made["id"]]
    # Nothing to show is refused too, as Canvas refuses it (for admins as well).
    assert refused(canvas.get(f"{recipient}&state[]=completed"))
    assert refused(canvas.get(f"{recipient}&state[]=bogus"))  # unchecked: it matches nothing
    assert refused(canvas.get(f"users/{KAREN}/enrollments"
                              "?temporary_enrollments_for_recipient=true"))
    assert refused(canvas.get(f"users/{ALAN}/enrollments?temporary_enrollments_for_recipient=false"
                              "&temporary_enrollment_recipients_for_provider=0"))
    # A deleted temporary enrollment is no longer listed.
    canvas.call("DELETE", f"courses/{ALGEBRA}/enrollments/{made['id']}", data={"task": "delete"})
    assert refused(canvas.get(recipient))
    assert refused(canvas.get(f"{recipient}&state[]=deleted"))


def test_a_list_shows_the_end_of_a_temporary_enrollment(canvas):
    made = stand_in(canvas, new_pairing(canvas, ending_enrollment_state="inactive")["id"])
    section = f"sections/{SECTION}/enrollments?type[]=TeacherEnrollment&per_page=100"
    assert {(e["id"], e["enrollment_state"]) for e in canvas.get(section).json} >= {
        (made["id"], "active")}
    move_clock(canvas.client, "2026-12-19T00:00:00Z")
    # The list is worked out afresh: its admin reader sees the enrollment inactive.
    assert {(e["id"], e["enrollment_state"]) for e in canvas.get(section).json} >= {
        (made["id"], "inactive")}


def test_temporary_lists_page_by_type_then_dates(canvas):
    """Alan stands in as a teacher in three sections, made in an order that
    is neither their end dates' nor their ids' reverse, and as a TA in one."""
    pairing = new_pairing(canvas)
    made = {}
    for section, end in ((3719541, "2026-12-20T00:00:00Z"), (SECTION, None),
                         (3719588, "2026-12-19T00:00:00Z")):
        made[section] = stand_in(canvas, pairing["id"], end_at=end or "",
                                 section=section)["id"]
    ta = stand_in(canvas, pairing["id"], role_id="5", section=3719603)["id"]
    first = canvas.get(f"users/{ALAN}/enrollments?temporary_enrollments_for_recipient=1"
                       "&per_page=2")
    next_url = [part.split(";")[0].strip("<> ") for part in first.headers["Link"].split(",")
                if 'rel="next"' in part][0]
    second = canvas.get(next_url.replace("http://localhost/api/v1/", ""))
    # By type (its name: TaEnrollment, then TeacherEnrollment), then the
    # earliest end first and no end last.
    assert [e["id"] for e in first.json + second.json] == [
        ta, made[3719588], made[3719541], made[SECTION]]


def test_temporary_enrollment_status_permissions(canvas):
    assert canvas.as_(CANVAS_STUDENT).get(
        f"users/{KAREN}/temporary_enrollment_status").status_code == 403
    own = canvas.as_(CANVAS_STUDENT).get("users/self/temporary_enrollment_status")
    assert own.json == {"is_provider": False, "is_recipient": False, "can_provide": True}
    # A teacher may read the status of a student of theirs.
    assert canvas.as_(CANVAS_TEACHER).get(
        f"users/{DYLAN}/temporary_enrollment_status").status_code == 200
    assert canvas.get("users/999/temporary_enrollment_status").status_code == 404
    assert canvas.get(f"users/{ALAN}/temporary_enrollment_status?account_id=7"
                      ).status_code == 404
    assert canvas.get(f"users/{ALAN}/temporary_enrollment_status?account_id=self"
                      ).json["can_provide"] is False  # Alan teaches a group, no course


def test_bulk_temporary_enrollment_status(canvas):
    stand_in(canvas, new_pairing(canvas)["id"])
    answer = canvas.get(f"temporary_enrollment_status?user_ids[]={ALAN}&user_ids[]={KAREN}"
                        f"&user_ids[]=999&user_ids[]={ALAN}")
    assert answer.json == {
        str(ALAN): {"is_provider": False, "is_recipient": True, "can_provide": True},
        str(KAREN): {"is_provider": True, "is_recipient": False, "can_provide": True}}
    assert canvas.get(f"temporary_enrollment_status?user_ids[]={ALAN}&user_ids[]={KAREN}"
                      "&limit=1").json.keys() == {str(ALAN)}
    # The student sees only themself.
    assert canvas.as_(CANVAS_STUDENT).get(
        f"temporary_enrollment_status?user_ids[]={DYLAN}&user_ids[]={KAREN}").json.keys() == \
        {str(DYLAN)}
    nothing = canvas.get("temporary_enrollment_status")
    assert (nothing.status_code, nothing.json) == (400, {})


def finished(canvas, progress, deadline=10):
    """Poll GET /progress/:id until the job is over, with a deadline."""
    path = progress["url"].replace("http://localhost/api/v1/", "")
    until = time.monotonic() + deadline
    while time.monotonic() < until:
        seen = canvas.get(path)
        assert seen.status_code == 200, seen.json
        if seen.json["workflow_state"] in ("completed", "failed"):
            return seen.json
    raise AssertionError(f"progress {progress['id']} still {seen.json['workflow_state']}")


def test_bulk_enrollment_of_20_users_into_3_courses(canvas, schoology, store):
    students = [uid for uid in sorted(store.users)
                if not any(store.enrollments[i].realm == "section"
                           for i in store.user_ids(uid))
                and store.users[uid].role != "administrator"][:20]
    assert len(students) == 20
    courses = [ALGEBRA, ENGLISH, BIOLOGY]
    answer = canvas.call("POST", "accounts/self/bulk_enrollment", data={
        "user_ids[]": [str(u) for u in students], "course_ids[]": [str(c) for c in courses],
        "enrollment_type": "StudentEnrollment"})
    assert answer.status_code == 200, answer.json
    progress = answer.json
    assert (progress["workflow_state"], progress["tag"], progress["context_type"],
            progress["context_id"], progress["completion"], progress["user_id"]) == (
        "queued", "bulk_enrollment", "Account", 1, None, 45553001)
    assert "results" not in progress
    assert progress["url"] == f"http://localhost/api/v1/progress/{progress['id']}"
    done = finished(canvas, progress)
    assert (done["workflow_state"], done["completion"], done["results"]) == (
        "completed", 100.0, {"errors": {}})

    for course_id in courses:
        listed = canvas.get(f"courses/{course_id}/enrollments?type[]=StudentEnrollment"
                            "&state[]=invited&per_page=100").json
        mine = {e["user_id"]: e for e in listed if e["user_id"] in students}
        assert set(mine) == set(students)
        section = store.sections_of_course[course_id][0]
        assert {e["course_section_id"] for e in mine.values()} == {section}
        schoology_rows = schoology.get(f"/v1/sections/{section}/enrollments?limit=200"
                                       ).json["enrollment"]
        seen = {int(e["uid"]): e["status"] for e in schoology_rows}
        assert all(seen.get(uid) == "3" for uid in students)  # invited: invite pending


def test_bulk_enrollment_reuses_and_reports(canvas, store):
    """A user already enrolled as the type keeps the enrollment they have;
    ids Canvas cannot find are passed over."""
    before = len(store.enrollments)
    answer = canvas.call("POST", "accounts/self/bulk_enrollment", data={
        "user_ids[]": [str(DYLAN), "sis_user_id:P3412", "424242"],
        "course_ids[]": [str(ALGEBRA), "sis_course_id:BIO-10"]})
    done = finished(canvas, answer.json)
    assert done["results"] == {"errors": {}}
    # Dylan is a student in Algebra already: new are his Biology one and Marcus's two.
    assert len(store.enrollments) == before + 3


@pytest.mark.parametrize("form,status,body", [
    ({"user_ids[]": "1", "course_ids[]": str(ALGEBRA), "enrollment_type": "GuestEnrollment"},
     400, {"errors": "Invalid enrollment type."}),
    ({"user_ids[]": "1", "course_ids[]": str(ALGEBRA), "enrollment_role_id": "99"},
     400, {"errors": "Invalid role"}),
    ({"user_ids[]": "1", "course_ids[]": str(ALGEBRA), "enrollment_role_id": "4",
      "enrollment_type": "StudentEnrollment"},
     400, {"errors": "The specified type must match the base type for the role"}),
    ({"user_ids[]": [str(n) for n in range(168)], "course_ids[]": ["1", "2", "3"]},
     400, {"errors": "Too many users to enroll at once."}),
    ({"course_ids[]": str(ALGEBRA)}, 400, {"errors": [{"message": "user_ids is missing"}]}),
    ({"user_ids[]": str(DYLAN)}, 400, {"errors": [{"message": "course_ids is missing"}]}),
    ({"user_ids[]": str(DYLAN), "course_ids[]": [str(ALGEBRA), "404"]}, 404, None),
    ({"user_ids[]": str(DYLAN), "course_ids[]": str(ALGEBRA), "enrollment_type[]": "x"},
     400, None),
    ({"user_ids[]": "1", "course_ids[]": str(ALGEBRA), "enrollment_role_id": "\u00b2"},
     400, {"errors": "Invalid role"}),
    ({"user_ids[]": "1", "course_ids[]": str(ALGEBRA), "enrollment_role_id": "\u0663"},
     400, {"errors": "Invalid role"}),
    ({"user_ids[]": "1", "course_ids[]": ["9" * 5000]}, 404, None),
])
def test_bulk_enrollment_refusals_change_nothing(canvas, store, form, status, body):
    before = canvas.client.get("/_mock/state").json, store.generation, dict(store.progresses)
    response = canvas.call("POST", "accounts/self/bulk_enrollment", data=form)
    assert response.status_code == status, response.json
    assert body is None or response.json == body
    assert (canvas.client.get("/_mock/state").json, store.generation,
            store.progresses) == before


def test_bulk_enrollment_needs_the_right_to_enroll_in_each_course(canvas):
    teacher = canvas.as_(CANVAS_TEACHER)
    refused = teacher.call("POST", "accounts/self/bulk_enrollment", data={
        "user_ids[]": str(ALAN), "course_ids[]": [str(ALGEBRA), str(ENGLISH)]})
    assert refused.status_code == 403
    allowed = teacher.call("POST", "accounts/self/bulk_enrollment", data={
        "user_ids[]": str(ALAN), "course_ids[]": str(ALGEBRA)})
    assert allowed.status_code == 200
    assert finished(teacher, allowed.json)["workflow_state"] == "completed"
    # Someone else's progress is not theirs to read.
    other = canvas.call("POST", "accounts/self/bulk_enrollment", data={
        "user_ids[]": str(ALAN), "course_ids[]": str(BIOLOGY)})
    assert teacher.get(f"progress/{other.json['id']}").status_code == 403
    assert canvas.get("progress/999999").status_code == 404


def test_a_pairing_and_its_enrollment_round_trip(canvas, store):
    pairing = new_pairing(canvas, ending_enrollment_state="inactive")
    made = stand_in(canvas, pairing["id"])
    exported = canvas.client.get("/_mock/state").json
    assert {"id": str(pairing["id"]), "workflow_state": "active",
            "ending_enrollment_state": "inactive", "created_by_id": "45553001",
            "deleted_by_id": None, "created_at": pairing["created_at"],
            "updated_at": pairing["updated_at"]} in exported["temporary_enrollment_pairings"]
    again = build_store(json.loads(json.dumps(exported)))
    assert again.export() == exported
    assert again.enrollments[made["id"]].temporary_enrollment_pairing_id == pairing["id"]
    # Loaded into a server, the enrollment still ends by its pairing.
    assert canvas.client.post("/_mock/load", json=exported).status_code == 200
    move_clock(canvas.client, "2026-12-19T00:00:00Z")
    assert canvas.get(f"accounts/self/enrollments/{made['id']}").json[
        "enrollment_state"] == "inactive"


def test_the_clock_takes_iso_times(canvas, canvas_app):
    assert canvas.client.post("/_mock/clock", json={"at": "2026-12-01"}).json["now"] == \
        1796083200.0
    assert canvas_app.extensions["schoology_clock"].set(at="2026-12-01T01:00:00+01:00") == \
        1796083200.0
    for body in ('{"at": "soon"}', '{"at": NaN}', '{"at": 1e20}', '{"advance": -1e12}'):
        refused = canvas.client.post("/_mock/clock", data=body,
                                     headers={"Content-Type": "application/json"})
        assert refused.status_code == 400, body
    assert canvas_app.extensions["schoology_clock"]() == 1796083200.0  # unmoved
    assert canvas.get("users/self").status_code == 200


def test_odd_input_is_refused_or_taken_never_a_500(canvas, store):
    long_ago = stand_in(canvas, "", start_at="0998-01-01", end_at="0999-01-01")
    assert long_ago["end_at"] == "0999-01-01T00:00:00Z"
    # Ended before it began: the next request finds it deleted (no pairing).
    assert canvas.get(f"accounts/self/enrollments/{long_ago['id']}").json[
        "enrollment_state"] == "deleted"
    too_late = canvas.call("POST", f"sections/{SECTION}/enrollments", data={
        "enrollment[user_id]": str(ALAN), "enrollment[end_at]": "9999-12-31T23:00:00-05:00"})
    assert too_late.status_code == 400
    as_json = canvas.call("POST", "accounts/self/bulk_enrollment", json={
        "user_ids": [ALAN], "course_ids": [ALGEBRA], "enrollment_role_id": True})
    assert (as_json.status_code, as_json.json) == (400, {"errors": "Invalid role"})
    assert canvas.get("temporary_enrollment_status?user_ids[]=--5&user_ids[]=%C2%B2").json == {}
    for body in ({"at": int("9" * 400)}, {"advance": int("9" * 400)}):
        assert canvas.client.post("/_mock/clock", json=body).status_code == 400
    assert canvas.get(f"sections/{SECTION}/enrollments?page={'9' * 5000}").json == []


def test_a_temporary_enrollment_over_one_held_takes_its_place(canvas, schoology):
    """Canvas's enroll_user sets the provider, pairing and dates on an
    enrollment of the same type it reuses."""
    held = schoology.get(f"/v1/sections/{SECTION}/enrollments/54302506").json  # Dylan's
    pairing = new_pairing(canvas, ending_enrollment_state="completed")
    again = canvas.call("POST", f"sections/{SECTION}/enrollments", data={
        "enrollment[user_id]": str(DYLAN), "enrollment[type]": "StudentEnrollment",
        "enrollment[temporary_enrollment_source_user_id]": str(KAREN),
        "enrollment[temporary_enrollment_pairing_id]": str(pairing["id"]),
        "enrollment[end_at]": "2026-12-01T00:00:00Z"}).json
    assert again["id"] == int(held["id"])
    assert (again["temporary_enrollment_source_user_id"], again["end_at"]) == (
        KAREN, "2026-12-01T00:00:00Z")
    move_clock(canvas.client, "2026-12-02T00:00:00Z")
    assert canvas.get(f"accounts/self/enrollments/{again['id']}").json[
        "enrollment_state"] == "completed"


def test_a_list_missed_by_many_at_once_is_worked_out_once():
    """After a write every client's next list misses the sorted-rows cache:
    the first works it out, the others wait for its answer."""
    import threading
    import time as clock
    from schoology_mock.store.kept import Kept

    class School:
        generation = 7

    kept, school, release, calls, answers = Kept(4), School(), threading.Event(), [], []

    def work():
        calls.append(1)
        release.wait(10)
        return "rows"

    threads = [threading.Thread(target=lambda: answers.append(kept.lookup(school, "k", work)))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    flight = (id(school), 7, "k")
    deadline = clock.monotonic() + 10
    # the three others wait on the working one's event (CPython keeps its waiters)
    while not (flight in kept.working and len(kept.working[flight]._cond._waiters) == 3):
        assert clock.monotonic() < deadline, "the other lookups did not wait"
    release.set()
    for thread in threads:
        thread.join(10)
    assert calls == [1] and answers == ["rows"] * 4
