"""A Canvas account read through its REST API (v1), as an account
administrator's token reads it: the account, its terms, its courses (every
state) and each course's sections and enrollments (every state), then its
users, each list followed by its Link rel="next" to the end, 100 rows a
page (the most Canvas serves).

The school is mapped as the mock serves one school through both dialects
(the README's Canvas section): a Canvas term is a grading period (Canvas's
Default Term, id 1, is none), a course section a section, an enrollment a
section's enrollment whose status is its enrollment_state. What the mock
derives (a user's sortable and short names from the first and last names,
a course's sis_course_id from its code, a term's times from its days) is
read back into what it is derived from, so that a school read from the mock
serves the same pages again.

Canvas has no Schoology roles: the import makes three (ROLES), and gives
the administrator's to the token's user (a Canvas user shows no admin flag,
and the mock serves no list of an account's admins, Canvas's
accounts/:id/admins), the teacher's to the users with a teaching enrollment
not rejected or deleted, and the student's to the rest. That needs the
enrollments before the users, so the users are read last."""
import re
from datetime import datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from ..canvas.render import DEFAULT_TIME, TIME_ZONE
from ..store.records import (DEFAULT_TERM, GONE_STATES, STATUS_OF_STATE, admin_of,
                             default_type)

from .client import Refused
from .walk import Walk, derived_display, sampled  # noqa: F401 (Walk: the type the walk is given)

PER_PAGE = 100
NEXT = re.compile(r'<([^>]+)>\s*;[^,]*\brel="?next"?', re.I)
API = "api/v1/"
# Every enrollment state a course's list takes in state[] (by default it
# leaves out rejected, completed and deleted ones).
EVERY_STATE = ("active", "invited", "creation_pending", "inactive", "completed", "rejected",
               "deleted")
# Canvas's api_state shows created and claimed courses alike, as "unpublished",
# so the claimed ones are read apart (state[]=claimed) and the rest with the
# other states, where "unpublished" can only be created.
COURSE_LISTS = (("claimed", ("claimed",)),
                ("others", ("created", "available", "completed", "deleted")))
# A rejected or deleted enrollment is Canvas's alone (Schoology sees none):
# its status is what Canvas's reject leaves (invited), or active for a deletion.
GONE_STATUS = {"rejected": 3, "deleted": 1}
ADMINISTRATOR, TEACHER, STUDENT = 1, 4, 3  # Canvas's own ids of those built-in roles
ROLES = ({"id": ADMINISTRATOR, "title": "Administrator", "faculty": 1, "administrator": True},
         {"id": TEACHER, "title": "Teacher", "faculty": 1},
         {"id": STUDENT, "title": "Student", "faculty": 0})
SCORES = ("current_score", "final_score", "current_grade", "final_grade")
# The enrollment fields the fixture's canvas object holds as read, and the
# value each takes when absent (then left out).
ENROLLMENT_EXTRAS = {"associated_user_id": None, "limit_privileges_to_course_section": False,
                     "start_at": None, "end_at": None, "last_activity_at": None,
                     "last_attended_at": None, "total_activity_time": 0}


def walk(w, account="self", sample=None, seed=0):
    """Read the account into w.parts. sample: keep that many sections (drawn
    with seed) and read only their enrollments. Returns the sampled
    sections' ids, or None."""
    api = _api(w)
    me = _token_user(w, api)
    w.progress.begin("account")
    w.read_list("account", f"{api}accounts/{account}",
                lambda data, _: (_account(data), None), required=True)
    w.progress.begin("terms")
    w.read_list("terms", _paged(f"{api}accounts/{account}/terms"),
                _page(_term, "enrollment_terms"), required=True)
    periods = {p["id"] for p in w.parts.records("grading_periods")}
    w.progress.begin("courses")
    for name, states in COURSE_LISTS:
        w.read_list(f"courses:{name}", _paged(f"{api}accounts/{account}/courses", state=states),
                    _page(lambda c, s=states: _course(c, s)), required=True)
    terms = {c["id"]: c.get("canvas", {}).get("enrollment_term_id")
             for c in w.parts.records("courses")}
    w.read_lists("sections of courses", (
        (f"sections:{c}", _paged(f"{api}courses/{c}/sections"),
         _page(lambda s, c=c, t=t: _section(s, c, t, periods))) for c, t in terms.items()))
    if sample is None:  # a course's list holds all its sections' enrollments
        realms = [("course", c) for c in terms]
    else:
        realms = [("section", s) for s in
                  sampled([s["id"] for s in w.parts.records("sections")], sample, seed)]
    w.read_lists("enrollments", (
        (f"enrollments:{r}:{i}", _paged(f"{api}{r}s/{i}/enrollments", state=EVERY_STATE),
         _page(_enrollment)) for r, i in realms))
    # read back from the parts, so a resumed import finds them as a whole one does;
    # in a sample, a teacher only elsewhere is none (those enrollments are not kept)
    teachers = {e["uid"] for e in w.parts.records("enrollments")
                if e["admin"] and e.get("canvas", {}).get("enrollment_state") not in GONE_STATES}
    w.progress.begin("users")
    w.read_list("users", _paged(f"{api}accounts/{account}/users",
                                include=("email", "avatar_url")),
                _page(lambda u: _user(w, api, u, me, teachers)), required=True)
    return [i for _, i in realms] if sample is not None else None


def _api(w):
    """The API's path under the URL given: the site (https://school.instructure.com),
    or the API itself (…/api/v1), as either may be given."""
    return "" if w.client.base.rstrip("/").endswith("/api/v1") else API


def _paged(path, **params):
    pairs = [(f"{k}[]", v) for k, values in params.items() for v in values]
    return f"{path}?{urlencode(pairs + [('per_page', PER_PAGE)])}"


def _page(mapper, key=None):
    """A page reader: the page's rows (the JSON array, or the array under
    key), each made records by mapper; the next page is the Link header's
    rel="next"."""
    def page(data, headers):
        rows = data.get(key) if key and isinstance(data, dict) else data
        rows = rows if isinstance(rows, list) else []
        records = [pair for row in rows if isinstance(row, dict) for pair in mapper(row)]
        return records, _next(headers.get("link", ""))
    return page


def _next(link):
    """The rel="next" URL of a Link header (<url>; rel="next", ...), or None."""
    found = NEXT.search(link)
    return found.group(1) if found else None


def _token_user(w, api):
    """The token's user (users/self): reading the account's lists, an
    administrator of it, and the one administrator the import can know."""
    me, _ = w.client.get(f"{api}users/self")
    return me.get("id") if isinstance(me, dict) else None


def _account(row):
    account = {"id": row.get("id"), "name": row.get("name") or ""}
    return [("canvas_accounts", account)] + [("roles", dict(r)) for r in ROLES]


def _term(row):
    """A term as the grading period the mock makes it from: its days at
    school (the first second of the first day, the last second of the last)."""
    if row.get("id") == DEFAULT_TERM:
        return []  # the mock's own, made for every school
    return [("grading_periods", {"id": row.get("id"), "title": row.get("name") or "",
                                 "start": _day(row.get("start_at")),
                                 "end": _day(row.get("end_at"), end=True)})]


def _day(text, end=False):
    """The school's day (YYYY-MM-DD) a term's time falls on; an end is the
    last second of its day, so a time at midnight ends the day before."""
    if not isinstance(text, str):
        return ""
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if when.tzinfo is None:
        return ""
    when = when.astimezone(ZoneInfo(TIME_ZONE))
    return (when - timedelta(seconds=1) if end else when).date().isoformat()


def _course(row, states):
    canvas = {}
    state = row.get("workflow_state")
    if state == "unpublished":  # api_state: of the states read, the one unpublished
        state = "claimed" if "claimed" in states else "created"
    if state != "available":
        canvas["workflow_state"] = state
    for name in ("start_at", "end_at"):
        if row.get(name) is not None:
            canvas[name] = row[name]
    if row.get("enrollment_term_id") not in (None, DEFAULT_TERM):
        canvas["enrollment_term_id"] = row["enrollment_term_id"]
    course = {"id": row.get("id"), "title": row.get("name") or "",
              "course_code": row.get("course_code") or ""}
    if canvas:
        course["canvas"] = canvas
    return [("courses", course)]


def _section(row, course_id, term, periods):
    """A section, in its course's term: the mock's sections hold grading
    periods, which Canvas shows only as the grading_period_id an
    enrollment list takes (any of the course's sections' periods)."""
    section = {"id": row.get("id"), "course_id": course_id, "title": row.get("name") or "",
               "section_school_code": row.get("sis_section_id") or "",
               "grading_periods": [term] if term in periods else []}
    return [("sections", section)]


def _enrollment(row):
    kind, state = row.get("type"), row.get("enrollment_state")
    admin = admin_of(kind)
    enrollment = {"id": row.get("id"), "uid": row.get("user_id"), "realm": "section",
                  "realm_id": row.get("course_section_id"), "admin": admin,
                  # an unknown state has none: the fixture's check reports it
                  "status": STATUS_OF_STATE.get(state, GONE_STATUS.get(state))}
    canvas = {}
    if kind != default_type(admin):
        canvas["type"] = kind
    if state in GONE_STATES:
        canvas["enrollment_state"] = state
    for name, absent in ENROLLMENT_EXTRAS.items():
        if row.get(name) not in (None, absent):
            canvas[name] = row[name]
    for name in ("created_at", "updated_at"):
        # the mock's time for records that hold none: as good as none
        if row.get(name) not in (None, DEFAULT_TIME):
            canvas[name] = row[name]
    grades = row.get("grades")
    if isinstance(grades, dict) and any(grades.get(k) is not None for k in SCORES):
        canvas["grades"] = {k: grades.get(k) for k in SCORES}
    if canvas:
        enrollment["canvas"] = canvas
    return [("enrollments", enrollment)]


def _user(w, api, row, me, teachers):
    uid = row.get("id")
    first, last = _names(row) or _profile_names(w, api, uid, row)
    user = {"uid": uid, "name_first": first, "name_last": last,
            "role_id": ADMINISTRATOR if uid == me else TEACHER if uid in teachers else STUDENT}
    if row.get("name") != derived_display(user):
        user["name_display"] = row.get("name") or ""  # else derived, as the mock derives it
    for name, field in (("sis_user_id", "school_uid"), ("login_id", "username"),
                        ("email", "primary_email"), ("avatar_url", "picture_url")):
        if row.get(name) is not None:
            user[field] = row[name]
    if user.get("username") and user["username"] == user.get("primary_email"):
        del user["username"]  # the mock's login for a user with no username is the email
    return [("users", w.person(user))]


def _names(row):
    """(first, last) from sortable_name ("Last, First") and short_name
    ("First Last"): the split of the sortable name at ", " that gives the
    short name (a last name may hold a comma: "Smith, Jr., John"). None
    for one name alone (sortable and short are then the same), which may
    be a first or a last name."""
    sortable, short = row.get("sortable_name") or "", row.get("short_name") or ""
    at = [i for i in range(len(sortable)) if sortable.startswith(", ", i)]
    for i in at:
        last, first = sortable[:i], sortable[i + 2:]
        if first and last and f"{first} {last}" == short:
            return first, last
    if not at or sortable == short:
        return None
    return sortable[at[0] + 2:], sortable[:at[0]]  # Canvas's own short name, set apart


def _profile_names(w, api, uid, row):
    """A user's first and last names from their profile (users/:id), read
    only for a user whose lists show one name alone."""
    try:
        profile, _ = w.client.get(f"{api}users/{uid}")
    except Refused as e:
        w.progress.report(f"users {uid}: {e}; taken as a first name")
        profile = None
    if isinstance(profile, dict) and ("first_name" in profile or "last_name" in profile):
        return profile.get("first_name") or "", profile.get("last_name") or ""
    return row.get("sortable_name") or "", ""
