"""Canvas's enrollment lists over HTTP (the Flask test client): what each
caller sees, paging by Link header, filters and includes; the lookups by
every id form."""
from urllib.parse import parse_qs, urlsplit

import pytest

from helpers import (ALGEBRA, CANVAS_OBSERVER, CANVAS_STUDENT, CANVAS_TA,
                     CANVAS_TEACHER, DYLAN, DYLAN_P1, ENGLISH, GRACE,
                     HUDSON_REJECTED, JACK_DELETED, LEVI, OWEN, P3, SECTION, THEO, links,
                     states, walk)


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
    assert account == dict(account, id=1, name="Riverside Unified School District",
                           parent_account_id=None, root_account_id=None)
    # the root account: Canvas's account_json gives it no SIS ids, even to an admin
    assert not {"sis_account_id", "integration_id", "sis_import_id"} & set(account)

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


def test_a_graders_grades_end_with_the_unposted_points(canvas):
    """Canvas writes unposted_current_points last, after the unposted scores."""
    rows = canvas.get(f"sections/{SECTION}/enrollments?type[]=StudentEnrollment"
                      "&include[]=current_points", token=CANVAS_TEACHER).json
    grades = [row["grades"] for row in rows]
    assert grades and all(list(g)[:2] == ["html_url", "current_points"] for g in grades)
    assert all(list(g)[-1] == "unposted_current_points" for g in grades)


def test_another_users_enrollments_in_a_course_are_the_active_and_invited(canvas):
    """user_id names someone else and no state[] is given: canvas-lms lists
    them through user_index_enrollments with the course, which keeps only
    the active and invited ones, for an admin too; state[] asks for others."""
    hudson = 45552881  # his enrollment in Period 1 is rejected, his other one active
    listed = canvas.get(f"courses/{ALGEBRA}/enrollments?user_id={hudson}").json
    assert listed and HUDSON_REJECTED not in {r["id"] for r in listed}
    assert {r["enrollment_state"] for r in listed} == {"active"}
    rejected = canvas.get(f"courses/{ALGEBRA}/enrollments?user_id={hudson}"
                          "&state[]=rejected").json
    assert [r["id"] for r in rejected] == [HUDSON_REJECTED]
    dylan = canvas.get(f"courses/{ALGEBRA}/enrollments?user_id={DYLAN}").json
    assert dylan and {r["enrollment_state"] for r in dylan} <= {"active", "invited"}


@pytest.mark.parametrize("path", [f"sections/{SECTION}/enrollments", f"courses/{ALGEBRA}/users",
                                  "accounts/self/courses"])
def test_a_per_page_of_thousands_of_digits_is_the_most_there_is(canvas, path):
    """More digits than Python's int() reads (4,300): Ruby reads them, and
    Canvas holds the page to 100."""
    r = canvas.get(f"{path}?per_page={'9' * 5000}")
    assert r.status_code == 200, r.data[:200]
    assert "per_page=100>" in r.headers["Link"]
