"""The Ed-Fi LMS Toolkit's Canvas extractor (1.2, unchanged, in an environment
of its own) against a live mock: the sections, students and section
associations it writes are the school's, as GET /_mock/state holds it, for
the courses Canvas lists between the dates it is given."""
import csv
from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import requests

from helpers import CANVAS_ADMIN, DYLAN, ENGLISH, demo_document
from schoology_mock.canvas.render import TIME_ZONE
from schoology_mock.store import build_store

YEAR = ("2026-08-01", "2027-07-31")  # the demo school's year, and the summer after
SPRING = ("2027-02-01", "2027-05-31")
ZONE = ZoneInfo(TIME_ZONE)  # the account's: Canvas reads a bare date as its midnight there
# The README's enrollment_state of each Schoology status.
STATE_OF_STATUS = {1: "active", 2: "inactive", 3: "invited", 4: "creation_pending", 5: "completed"}
# Canvas's defaults without state[]: a section's enrollments as an admin sees
# them, and the users of a course's roster (its current enrollments).
LISTED = {"active", "invited", "creation_pending", "inactive"}
CURRENT = {"active", "invited", "creation_pending"}
# A user whose enrollments in a course are all of these is on its roster
# without login_id or email (courses_controller.rb#users: user_unconfirmed).
UNCONFIRMED = {"invited", "creation_pending", "rejected"}
STATUS = {"active": "Active", "invited": "Invite pending"}  # the extractor's; else Archived
STAMPS = ("CreateDate", "LastModifiedDate")  # when the extractor first saw a row
PAGE = 100  # canvasapi asks for per_page=100, the most Canvas gives


def extract(edfi_canvas, server, tmp_path, start, end):
    """One run of the extractor, with a sync database of its own: its folder."""
    out = tmp_path / "out"
    done = edfi_canvas("-b", server.url, "-a", CANVAS_ADMIN, "-s", start, "-e", end,
                       "-o", out, "-d", tmp_path / "sync", timeout=60, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def rows(folder, times=()):
    """The rows of a folder's one file, by id, less the extractor's stamps
    and the `times` columns, each of which must hold a time (Canvas's
    created_at and updated_at, which the demo's records leave to the mock)."""
    files = list(folder.glob("*.csv"))
    assert len(files) == 1, files
    with files[0].open(newline="") as f:
        read = list(csv.DictReader(f))
    for row in read:
        for column in times:
            datetime.strptime(row.pop(column), "%Y-%m-%d %H:%M:%S")
    return sorted(({k: v for k, v in row.items() if k not in STAMPS} for row in read),
                  key=lambda row: int(row["SourceSystemIdentifier"]))


def at(text):
    """A Canvas time (2026-08-24T15:00:00Z), None for none."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def day(text, end=False):
    """A day's first second at school, or its last; None for none."""
    if not text:
        return None
    first = datetime.combine(date.fromisoformat(text), time(), ZONE)
    return first + timedelta(days=1, seconds=-1) if end else first


def listed_courses(state, start, end):
    """The courses GET /accounts/:id/courses lists to the extractor
    (state[]=available&state[]=completed&starts_before=end&ends_after=start),
    by accounts_controller.rb#courses_api: a course passes starts_before D when
    neither it nor its term has a start, or either starts by D; ends_after
    alike. Its term is a grading period; none is the Default Term, undated."""
    periods = {p["id"]: p for p in state["grading_periods"]}
    listed = []
    for course in state["courses"]:
        canvas = course.get("canvas", {})
        period = periods.get(canvas.get("enrollment_term_id"), {})
        starts = [at(canvas.get("start_at")), day(period.get("start"))]
        ends = [at(canvas.get("end_at")), day(period.get("end"), end=True)]
        if (canvas.get("workflow_state", "available") in ("available", "completed")
                and (starts == [None, None] or any(t and t <= day(end) for t in starts))
                and (ends == [None, None] or any(t and t >= day(start) for t in ends))):
            listed.append(int(course["id"]))
    return sorted(listed)  # Canvas lists them by id


def enrollments(state):
    """Each section enrollment Canvas holds (deleted ones are gone), as it shows it."""
    for e in state["enrollments"]:
        canvas = e.get("canvas", {})
        shown = canvas.get("enrollment_state") or STATE_OF_STATUS[int(e["status"])]
        if e["realm"] == "section" and shown != "deleted":
            yield {"id": int(e["id"]), "user": int(e["uid"]), "section": int(e["realm_id"]),
                   "state": shown, "type": canvas.get("type") or (
                       "TeacherEnrollment" if int(e["admin"]) else "StudentEnrollment")}


def name(user):
    """The user's display name, derived as the README says when not given."""
    if user.get("name_display"):
        return user["name_display"]
    parts = [user.get("name_title") if int(user.get("name_title_show") or 0) else "",
             user.get("name_first_preferred") or user.get("name_first"),
             user.get("name_middle") if int(user.get("name_middle_show") or 0) else "",
             user.get("name_last")]
    return " ".join(p for p in parts if p)


def expected_sections(sections):
    return [{"SourceSystemIdentifier": s["id"], "Title": s["title"],
             "SISSectionIdentifier": s.get("section_school_code") or "", "Term": "",
             "SectionDescription": "", "SourceSystem": "Canvas", "LMSSectionStatus": "",
             "SourceCreateDate": "", "SourceLastModifiedDate": ""} for s in sections]


def expected_students(state, courses):
    """search_users?enrollment_type[]=student of each course: users with a
    current student enrollment there; the first course to list a user gives
    the extractor its row."""
    course_of = {int(s["id"]): int(s["course_id"]) for s in state["sections"]}
    users = {int(u["uid"]): u for u in state["users"]}
    students = {}
    for course in courses:
        held = [e for e in enrollments(state) if course_of[e["section"]] == course]
        confirmed = {e["user"] for e in held if e["state"] not in UNCONFIRMED}
        for e in held:
            if e["type"] == "StudentEnrollment" and e["state"] in CURRENT:
                students.setdefault(e["user"], e["user"] in confirmed)
    found = []
    for uid, confirmed in sorted(students.items()):
        user = users[uid]
        email = user.get("primary_email") or ""
        login = user.get("username") or email  # the README's login_id
        found.append({"SourceSystemIdentifier": str(uid),
                      "SISUserIdentifier": user.get("school_uid") or "", "Name": name(user),
                      "EmailAddress": email if confirmed else "",
                      "LocalUserIdentifier": login if confirmed else "",
                      "SourceSystem": "Canvas", "UserRole": "Student",
                      "SourceLastModifiedDate": ""})
    return found


def expected_associations(state, section):
    """sections/:id/enrollments, all of them if one is active; None if none is."""
    listed = sorted((e for e in enrollments(state)
                     if e["section"] == int(section["id"]) and e["state"] in LISTED),
                    key=lambda e: e["id"])
    if not any(e["state"] == "active" for e in listed):
        return None
    return [{"SourceSystemIdentifier": str(e["id"]),
             "EnrollmentStatus": STATUS.get(e["state"], "Archived"),
             "LMSUserSourceSystemIdentifier": str(e["user"]),
             "LMSSectionSourceSystemIdentifier": section["id"], "SourceSystem": "Canvas"}
            for e in listed]


def assert_extracts_the_school(edfi_canvas, server, tmp_path, start, end):
    state = requests.get(f"{server.url}/_mock/state", timeout=30).json()
    courses = listed_courses(state, start, end)
    sections = sorted((s for s in state["sections"] if int(s["course_id"]) in courses),
                      key=lambda s: int(s["id"]))
    students = expected_students(state, courses)
    associations = {s["id"]: expected_associations(state, s) for s in sections}
    assert students and any(associations.values())  # the extractor fails on an empty school
    out = extract(edfi_canvas, server, tmp_path, start, end)
    assert rows(out / "sections") == expected_sections(sections)
    assert rows(out / "users", times=["SourceCreateDate"]) == students
    assert {p.name for p in out.glob("section=*")} == {f"section={s}" for s in associations}
    for section, wanted in associations.items():
        folder = out / f"section={section}" / "section-associations"
        if wanted is None:  # no active enrollment: an empty file, not even a header
            assert [f.read_text() for f in folder.glob("*.csv")] == ["\n"]
        else:
            assert rows(folder, times=["SourceCreateDate", "SourceLastModifiedDate"]) == wanted


def test_the_school_year_is_extracted(edfi_canvas, start_server, tmp_path):
    server = start_server(RATE_LIMIT=None)
    assert_extracts_the_school(edfi_canvas, server, tmp_path, *YEAR)


def test_a_section_of_many_pages_is_extracted(edfi_canvas, start_server, big_store,
                                               tmp_path):
    server = start_server(store=big_store, RATE_LIMIT=None)
    state = requests.get(f"{server.url}/_mock/state", timeout=30).json()
    sizes = Counter(e["realm_id"] for e in state["enrollments"] if e["realm"] == "section")
    assert max(sizes.values()) > PAGE  # the extractor must follow the Link header
    assert_extracts_the_school(edfi_canvas, server, tmp_path, *YEAR)


def test_courses_out_of_the_dates_or_unpublished_are_left_out(edfi_canvas, start_server,
                                                              tmp_path):
    document = demo_document()
    fall = min(document["grading_periods"], key=lambda period: period["end"])
    english = next(course for course in document["courses"] if int(course["id"]) == ENGLISH)
    english.setdefault("canvas", {})["enrollment_term_id"] = fall["id"]  # over by the spring
    # Biology is unpublished, in the spring term: a section with a student
    # shows in the output if the mock lists it.
    biology = next(course for course in document["courses"]
                   if course.get("canvas", {}).get("workflow_state") == "created")
    document["sections"].append({"id": "3719650", "course_id": biology["id"],
                                 "title": "Biology: Period 5", "section_code": "P5",
                                 "section_school_code": "BIO-P5-2027"})
    document["enrollments"].append({"id": "54309901", "uid": str(DYLAN), "realm": "section",
                                    "realm_id": "3719650", "admin": 0, "status": 1})
    server = start_server(store=build_store(document), RATE_LIMIT=None)
    state = requests.get(f"{server.url}/_mock/state", timeout=30).json()
    left_out = {int(s["course_id"]) for s in state["sections"]} - set(
        listed_courses(state, *SPRING))
    assert left_out == {ENGLISH, int(biology["id"])}
    assert_extracts_the_school(edfi_canvas, server, tmp_path, *SPRING)

