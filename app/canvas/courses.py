"""The course lists: the account's courses (AccountsController#courses_api,
for account admins) and the caller's own (CoursesController#index), with
the filters and include[] Canvas reads, each with its contract."""
from marshmallow import Schema, fields, validate

from ..api.context import store
from ..api.contract import Operation, Reply, Sample
from ..store.records import TEACHING
from . import contract as c
from . import schemas as s
from .auth import caller, rights
from .errors import CanvasError, forbidden, not_found
from .ids import find_account, number, short_name, sortable_name
from .jsonfmt import answer_rows
from .paging import numbered_page
from .params import boolean, params, scalars, strings
from .render import account_json, course_json, host, section_json
from .search import MIN_SEARCH_TERM, SearchTermError, search_term
from .terms import find_term, term_json, term_of
from .times import parse_time

ALL_STATES = ("created", "claimed", "available", "completed", "deleted")
KINDS = {"student": "StudentEnrollment", "teacher": "TeacherEnrollment",
         "ta": "TaEnrollment", "observer": "ObserverEnrollment",
         "designer": "DesignerEnrollment"}
LIVE = ("active", "invited", "creation_pending")  # Canvas's active_or_pending
ACCOUNT_INCLUDES = ("total_students", "teachers", "term", "account_name", "concluded",
                    "sections", "syllabus_body", "course_progress", "storage_quota_used_mb",
                    "permissions", "needs_grading_count", "total_scores", "post_manually")
MY_INCLUDES = ("total_students", "teachers", "term", "sections", "account", "concluded",
               "needs_grading_count", "syllabus_body", "total_scores", "favorites",
               "course_image", "observed_users", "tabs", "passback_status",
               "current_grading_period_scores", "grading_periods", "course_progress",
               "storage_quota_used_mb", "public_description", "banner_image",
               "post_manually", "syllabus_versions", "permissions")
SORTS = ("course_name", "sis_course_id", "teacher", "account_name", "term")


# --- the contracts --------------------------------------------------------------------------
class AccountCoursesQuery(s.Paged):
    state = s.listed("state", fields.String(), "created, claimed, available, completed, "
                     "deleted or all; by default all but deleted; other values match nothing")
    published = s.described("true: available only; false: not available", fields.String())
    completed = s.described("true: completed, or past its end date or its term's",
                            fields.String())
    with_enrollments = s.described("true: with an enrollment not deleted; false: without",
                                   fields.String())
    enrollment_type = s.listed("enrollment_type", fields.String(validate=validate.OneOf(KINDS)),
                               "courses with an enrollment of these types")
    enrollment_term_id = s.described("a term's id, or `default`", fields.String())
    starts_before = s.described("the course, or its term, starts by then (or neither has a "
                                "start)", fields.String(metadata=s.TIME))
    ends_after = s.described("the course, or its term, ends by then or later (or neither has "
                             "an end)", fields.String(metadata=s.TIME))
    search_term = s.described(f"name or course code holds it ({MIN_SEARCH_TERM} characters or "
                              "more), or the id is it", fields.String())
    sort = s.described("course_name, sis_course_id, teacher, account_name or term; by id "
                       "otherwise", fields.String())
    order = s.described("asc or desc (with sort only)", fields.String())
    include = s.listed("include", fields.String(validate=validate.OneOf(ACCOUNT_INCLUDES)),
                       "total_students, teachers, term, account_name and concluded are "
                       "added; Canvas strips sections and permissions here; the rest are "
                       "not served")
    page = s.described("a page number", fields.String())


class MyCoursesQuery(s.Paged):
    enrollment_type = s.described("teacher, student, ta, observer or designer",
                                  fields.String())
    enrollment_state = s.described("active, invited_or_pending or completed", fields.String())
    state = s.listed("state", fields.String(validate=validate.OneOf(
        ("unpublished", "available", "completed", "deleted"))), "the courses' states")
    include = s.listed("include", fields.String(validate=validate.OneOf(MY_INCLUDES)),
                       "total_students, teachers, term, sections, account and concluded "
                       "are added; the rest are not served")
    page = s.described("a page number", fields.String())


class InvalidValue(Schema):
    message = s.req(s.S())


COURSE_LIST = {"type": "array", "items": s.Course}
ACCOUNT_COURSES = Operation(
    "List the account's courses", "Accounts", query=AccountCoursesQuery,
    replies={200: Reply("A page of courses, by id unless sorted", COURSE_LIST,
                        headers=c.LINK),
             400: c.bad("a search_term under 3 characters, or an unknown enrollment_type",
                        SearchTermError, InvalidValue),
             403: c.FORBIDDEN},
    description="For account admins. Numbered pages with no last link (Canvas counts no "
                "total here).",
    sample=Sample({"account_id": "self"}, "include[]=total_students&include[]=term"))
MY_COURSES = Operation(
    "List your courses", "Courses", query=MyCoursesQuery,
    replies={200: Reply("A page of the courses the caller is enrolled in, by name, each "
                        "with the caller's enrollments in it", COURSE_LIST, headers=c.LINK)},
    description="By default the active and invited enrollments, in published courses "
                "(unpublished ones too for teachers, TAs and designers).",
    sample=Sample({}, "include[]=term&include[]=total_students"))


# --- what include[] adds ----------------------------------------------------------------------
def _students(course):
    """The distinct users with a live student enrollment in the course."""
    sections = store().sections_of_course.get(course.id, ())
    return {e.uid for e, _ in store().section_enrollments(sections)
            if e.type == "StudentEnrollment" and e.state in LIVE}


def _teachers(course):
    """Teacher enrollments not rejected or deleted, by sortable name: user_display_json."""
    sections = store().sections_of_course.get(course.id, ())
    found = {u.uid: u for e, u in store().section_enrollments(sections)
             if e.type == "TeacherEnrollment" and e.visible}
    return [{"id": u.uid, "anonymous_id": _base36(u.uid), "display_name": short_name(u),
             "avatar_image_url": u.picture_url, "html_url": f"{host()}/courses/{course.id}/users/"
             f"{u.uid}", "pronouns": None}
            for u in sorted(found.values(), key=lambda u: (sortable_name(u).casefold(), u.uid))]


def _base36(n):
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


def concluded(course, now):
    """Canvas's course.concluded?: completed, or past its end, or its term's."""
    end = course.end_at or term_of(course).end_at
    return course.workflow_state == "completed" or (end is not None and end < now)


def _with_includes(out, course, includes, mine=()):
    if "total_students" in includes:
        out["total_students"] = len(_students(course))
    if "teachers" in includes:
        out["teachers"] = _teachers(course)
    if "term" in includes:
        out["term"] = term_json(term_of(course), sis=rights(course.id).read_sis)
    if "sections" in includes:
        out["sections"] = [dict(_section_ref(store().sections[e.realm_id]),
                                enrollment_role=e.type) for e in mine]
    if "account_name" in includes:
        out["account_name"] = store().canvas_account().name
    if "account" in includes:
        out["account"] = account_json(store().canvas_account())
    if "concluded" in includes:
        out["concluded"] = concluded(course, store().now())
    return out


def _section_ref(section):
    full = section_json(section)
    return {k: full[k] for k in ("id", "name", "start_at", "end_at")}


# --- the account's courses ----------------------------------------------------------------
def _enrollments_by_course():
    """{course id: [enrollments not deleted]}."""
    out = {}
    with store().lock:  # sections may be made meanwhile (Schoology's writes)
        sections = list(store().sections.items())
    for sid, section in sections:
        live = [e for e, _ in store().section_enrollments([sid]) if e.gone != "deleted"]
        out.setdefault(section.course_id, []).extend(live)
    return out


def account_courses(account_id):
    account = find_account(account_id)
    if not caller().administrator:
        raise forbidden()
    given = params()
    one = scalars({k: given.get(k) for k in (
        "published", "completed", "with_enrollments", "enrollment_term_id", "starts_before",
        "ends_after", "search_term", "sort", "order")})
    term = search_term(one["search_term"])
    states = set(strings(given.get("state")) or ("created", "claimed", "available",
                                                 "completed"))
    if "all" in states:
        states = set(ALL_STATES)
    published = boolean(one["published"]) if one["published"] is not None else None
    if published is True:
        states &= {"available"}
    elif published is False:
        states -= {"available"}
    kinds = strings(given.get("enrollment_type"))
    if any(k not in KINDS for k in kinds):
        raise CanvasError(400, {"message": "Invalid value provided to 'enrollment_type'"},
                          schema=InvalidValue)
    wanted_term = None
    if one["enrollment_term_id"] not in (None, ""):
        wanted_term = find_term(one["enrollment_term_id"])
        if wanted_term is None:
            raise not_found()
    before, after = parse_time(one["starts_before"]), parse_time(one["ends_after"])
    now = store().now()
    done = boolean(one["completed"]) if one["completed"] is not None else None
    with_enrollments = boolean(one["with_enrollments"])
    held = _enrollments_by_course() if kinds or one["with_enrollments"] is not None else {}
    found = []
    for course in store().course_list():
        if course.workflow_state not in states:
            continue
        if wanted_term is not None and term_of(course).id != wanted_term.id:
            continue
        if not _within(course, before, after):
            continue
        if done is not None and concluded(course, now) != done:
            continue
        if with_enrollments is not None and bool(held.get(course.id)) != with_enrollments:
            continue
        if kinds and not {KINDS[k] for k in kinds} & {e.type for e in held.get(course.id, ())}:
            continue
        if term and not _matches(course, term):
            continue
        found.append(course)
    found = _sorted(found, one["sort"], one["order"])
    shown, headers = numbered_page(found, given, last=False)
    includes = set(strings(given.get("include"))) & {"total_students", "teachers", "term",
                                                     "account_name", "concluded"}
    rows = [_with_includes(course_json(x, account.id, sis=True), x, includes) for x in shown]
    return answer_rows(s.Course, rows, headers)


def _within(course, before, after):
    """Canvas's starts_before and ends_after: by the course's dates or its term's."""
    term = term_of(course)
    if before is not None and not (
            (course.start_at is None and term.start_at is None)
            or (course.start_at is not None and course.start_at <= before)
            or (term.start_at is not None and term.start_at <= before)):
        return False
    return after is None or (
        (course.end_at is None and term.end_at is None)
        or (course.end_at is not None and course.end_at >= after)
        or (term.end_at is not None and term.end_at >= after))


def _matches(course, term):
    folded = term.casefold()
    return (folded in course.title.casefold() or folded in course.course_code.casefold()
            or (number(term) is not None and number(term) == course.id))


def _sorted(courses, sort, order):
    by_id = sorted(courses, key=lambda x: x.id)
    keys = {"course_name": lambda x: x.title.casefold(),
            "sis_course_id": lambda x: x.course_code,
            "teacher": lambda x: next((sortable_name(u).casefold() for u in
                                       map(store().users.get, (t["id"] for t in _teachers(x)))),
                                      "\uffff"),
            "account_name": lambda x: store().canvas_account().name.casefold(),
            "term": lambda x: term_of(x).name.casefold()}
    if sort not in keys:
        return by_id
    desc = order == "desc"
    return sorted(by_id, key=lambda x: (keys[sort](x), x.id), reverse=desc)


# --- the caller's courses -------------------------------------------------------------------
def _current(e, course):
    """Canvas's current_and_invited: active or invited, in a published course,
    or an unpublished one for its teachers, TAs and designers."""
    state = course.workflow_state
    if e.state not in ("active", "invited") or state in ("completed", "deleted"):
        return False
    return state == "available" or e.type in TEACHING


def my_courses():
    given = params()
    one = scalars({k: given.get(k) for k in ("enrollment_type", "enrollment_state")})
    wanted_states = set(strings(given.get("state")))
    mine = [e for e, _ in store().user_enrollments(caller().uid) if e.visible]
    kind = KINDS.get(str(one["enrollment_type"] or "").lower())
    by_course = {}
    for e in mine:
        course = store().courses[store().sections[e.realm_id].course_id]
        if kind is not None and e.type != kind:
            continue
        if one["enrollment_type"] and kind is None:
            continue  # "#{type.capitalize}Enrollment" names no type: nothing
        if not _taken(e, course, one["enrollment_state"], wanted_states):
            continue
        by_course.setdefault(course.id, []).append(e)
    courses = sorted((store().courses[cid] for cid in by_course),
                     key=lambda x: (x.title.casefold(), x.id))
    shown, headers = numbered_page(courses, given)
    includes = set(strings(given.get("include")))
    account = store().canvas_account().id
    rows = []
    for course in shown:
        held = sorted(by_course[course.id], key=lambda e: e.id)
        rows.append(_with_includes(course_json(course, account, rights(course.id).read_sis,
                                               held), course, includes, held))
    return answer_rows(s.Course, rows, headers)


def _taken(e, course, enrollment_state, states):
    if enrollment_state == "active":  # participating: current, and active
        return e.state == "active" and _current(e, course)
    if enrollment_state == "invited_or_pending":
        return e.state in ("invited", "creation_pending")
    if enrollment_state == "completed":
        return e.state == "completed" or (course.workflow_state == "completed"
                                          and e.state == "active")
    if states:
        expanded = {"created", "claimed"} if "unpublished" in states else set()
        expanded |= states & {"available", "completed", "deleted"}
        live = ("active", "invited", "completed") if "completed" in states else ("active",
                                                                                  "invited")
        return course.workflow_state in expanded and e.state in live
    return _current(e, course)
