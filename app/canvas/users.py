"""The user lists: a course's users (CoursesController#users, also at
search_users, which canvasapi calls), its students (the older, unpaged
#students) and the account's users (UsersController#api_index), each with
the filters, visibility and include[] Canvas reads, and its contract."""
from flask import request
from marshmallow import Schema, fields, validate

from ..api.context import store
from ..api.contract import Operation, Reply, Sample
from ..store.kept import Kept
from . import contract as c
from . import schemas as s
from .auth import caller, rights
from .courses import KINDS, LIVE
from .enrollments import Viewer
from .errors import CanvasError, forbidden
from .ids import find_account, find_course, number, sortable_name
from .jsonfmt import answer_rows
from .paging import numbered_page
from .params import boolean, params, scalars, strings
from .render import VIEW, enrollment_json, login_id, roster_user_json
from .search import MIN_SEARCH_TERM, SearchTermError, search_term

COURSE_INCLUDES = ("enrollments", "email", "avatar_url", "test_student", "locked", "uuid",
                   "bio", "custom_links", "current_grading_period_scores", "group_ids")
ACCOUNT_INCLUDES = ("avatar_url", "email", "last_login", "time_zone", "uuid")
SEEN_BY_STUDENTS = frozenset(("StudentEnrollment", "TeacherEnrollment", "TaEnrollment"))
PENDING = frozenset(("invited", "creation_pending", "rejected"))
SORTED = Kept(16)  # the account's users as a walk lists them, per version of the school


class BadRequest(Schema):
    status = s.req(s.S())
    message = s.req(s.S())


class CourseUsersQuery(s.Paged):
    enrollment_type = s.listed("enrollment_type", fields.String(validate=validate.OneOf(
        (*KINDS, "student_view"))), "users with an enrollment of these types")
    enrollment_state = s.listed("enrollment_state", fields.String(), "active, invited, "
                                "rejected, completed or inactive; by default active, invited "
                                "and pending")
    include_inactive = s.described("true: inactive enrollments too, to teachers and admins",
                                   fields.String())
    user_ids = s.listed("user_ids", fields.String(), "only these users (or a comma list)")
    search_term = s.described(f"name holds it ({MIN_SEARCH_TERM} characters or more), or "
                              "the id, login, SIS id or email is it, as the caller may see "
                              "them", fields.String())
    sort = s.described("username (the default), email, sis_id, last_login or id",
                       fields.String())
    include = s.listed("include", fields.String(validate=validate.OneOf(COURSE_INCLUDES)),
                       "enrollments (the user's in the course), email, avatar_url and uuid "
                       "are added; the rest add nothing here")
    page = s.described("a page number", fields.String())


class AccountUsersQuery(s.Paged):
    search_term = CourseUsersQuery._declared_fields["search_term"]
    enrollment_type = s.described("student, teacher, ta, observer or designer: users with "
                                  "such an enrollment", fields.String())
    sort = s.described("username (the default), email, sis_id, integration_id, last_login "
                       "or id", fields.String())
    order = s.described("asc or desc", fields.String())
    include = s.listed("include", fields.String(validate=validate.OneOf(ACCOUNT_INCLUDES)),
                       "what each user gains")
    page = s.described("a page number", fields.String())


USERS = {"type": "array", "items": s.RosterUser}
REFUSED = c.bad("a search_term under 3 characters, or an unknown enrollment type "
                "(`{\"status\":\"bad_request\",\"message\":...}`)", SearchTermError, BadRequest)
COURSE_USERS = Operation(
    "List a course's users", "Courses", query=CourseUsersQuery,
    replies={200: Reply("A page of users, by sortable name", USERS, headers=c.LINK),
             400: REFUSED, 403: c.FORBIDDEN},
    description="To the course's roster readers: students see its students, teachers and "
                "TAs (not observers or designers). Numbered pages, with no last link.",
    sample=Sample({"course_id": c.ALGEBRA}, "include[]=enrollments&enrollment_type[]=student"))
COURSE_STUDENTS = Operation(
    "List a course's students", "Courses",
    replies={200: Reply("Every student, unpaged, by sortable name", USERS),
             403: c.FORBIDDEN},
    description="Canvas's older list: unpaged, no include[].",
    sample=Sample({"course_id": c.ALGEBRA}))
ACCOUNT_USERS = Operation(
    "List the account's users", "Accounts", query=AccountUsersQuery,
    replies={200: Reply("A page of the school's users", USERS, headers=c.LINK),
             400: REFUSED, 403: c.FORBIDDEN},
    description="For account admins. Numbered pages, with no last link.",
    sample=Sample({"account_id": "self"}, "search_term=Strick"))


def _types(given):
    """enrollment_type[] as Canvas's UserSearch checks it: names of types, or a 400."""
    out = set()
    for name in given:
        if name != "student_view" and name not in KINDS:
            raise CanvasError(400, {"status": "bad_request",
                                    "message": f"Invalid enrollment type: {name}"},
                              schema=BadRequest)
        out.add(KINDS.get(name))
    return out


def _user_ids(given):
    ids = set()
    for item in strings(given):
        ids.update(number(part.strip()) for part in item.split(","))
    return ids


def _searched(users, term, sees_logins, sis):
    """users a search term finds: a name holding it, the id it is, and the
    login, SIS id and email holding it to those who see them."""
    folded = term.casefold()

    def found(u):
        texts = [u.name_display, sortable_name(u)]
        if sees_logins:
            texts += [login_id(u) or "", u.primary_email]
        if sis:
            texts.append(u.school_uid)
        return any(folded in t.casefold() for t in texts) or number(term) == u.uid
    return [u for u in users if found(u)]


def _order(users, sort, desc=False):
    keys = {"email": lambda u: (u.primary_email or "\uffff").casefold(),
            "sis_id": lambda u: u.school_uid or "\uffff",
            "integration_id": lambda u: 0, "last_login": lambda u: 0, "id": lambda u: 0}
    key = keys.get(sort, lambda u: sortable_name(u).casefold())
    return sorted(users, key=lambda u: (key(u), u.uid), reverse=desc)


def _page(rows, given):
    return numbered_page(rows, given, last=False)  # Canvas counts no total here


def _respond(rows, headers=None):
    return answer_rows(s.RosterUser, rows, headers)


# --- a course's users ---------------------------------------------------------------------
def _visible(course, r, states, types=None):
    """({uid: (user, [enrollments])}, settled): the course's enrollments in
    states that the caller may see (students see no observers or designers;
    section-limited callers their sections), of types when given, by section
    name; and the uids with an enrollment there that is not only an
    invitation (invited, pending or rejected): Canvas shows the others no
    login or email (its users action excludes their pseudonym and personal
    info)."""
    sections = store().sections_of_course.get(course.id, ())
    out, settled = {}, set()
    for e, u in store().section_enrollments(sections):
        if e.state not in PENDING:
            settled.add(u.uid)
        if e.state not in states or (types and e.type not in types):
            continue
        if not r.read_as_admin and e.type not in SEEN_BY_STUDENTS:
            continue
        if r.sections is not None and e.realm_id not in r.sections:
            continue
        out.setdefault(u.uid, (u, []))[1].append(e)
    for _, held in out.values():
        held.sort(key=lambda e: (store().sections[e.realm_id].title.casefold(), e.id))
    return out, settled


def course_users(course_id):
    course = find_course(course_id)
    r = rights(course.id)
    if not (r.read_roster or r.grades):
        raise forbidden()
    given = params()
    one = scalars({k: given.get(k) for k in ("include_inactive", "sort")})
    term = search_term(given.get("search_term"))
    types = _types(strings(given.get("enrollment_type")))
    states = set(strings(given.get("enrollment_state"))) or set(LIVE)
    if boolean(one["include_inactive"]) and r.read_as_admin:
        states.add("inactive")
    states.discard("deleted")
    held, settled = _visible(course, r, states, types)
    users = [u for u, _ in held.values()]
    if given.get("user_ids") is not None:
        wanted = _user_ids(given.get("user_ids"))
        users = [u for u in users if u.uid in wanted]
    if term:
        users = _searched(users, term, r.sees_logins, r.read_sis)
    shown, headers = _page(_order(users, one["sort"]), given)
    includes = set(strings(given.get("include")))
    view = Viewer(caller(), ())
    rows = []
    for u in shown:
        personal = r.sees_logins and u.uid in settled
        out = roster_user_json(u, sis=r.read_sis, admin=caller().administrator and personal,
                               logins=personal, emails=personal, includes=includes)
        if "enrollments" in includes:
            out["enrollments"] = [enrollment_json(e, **dict(zip(VIEW, view(e))))
                                  for e in held[u.uid][1]]
        rows.append(out)
    return _respond(rows, headers)


def course_students(course_id):
    course = find_course(course_id)
    r = rights(course.id)
    if not r.read_roster:
        raise forbidden()
    held, _ = _visible(course, r, set(LIVE), {"StudentEnrollment"})
    users = _order([u for u, _ in held.values()], None)
    return _respond([roster_user_json(u, sis=r.read_sis, admin=caller().administrator,
                                      logins=r.sees_logins) for u in users])


# --- the account's users ------------------------------------------------------------------
def account_users(account_id):
    find_account(account_id)
    me = caller()
    if not me.administrator:
        raise forbidden()
    given = params()
    one = scalars({k: given.get(k) for k in ("enrollment_type", "sort", "order")})
    term = search_term(given.get("search_term"))
    kind = None
    if one["enrollment_type"]:
        if one["enrollment_type"] == "student_view":  # a course's type, not the account's
            raise CanvasError(400, {"status": "bad_request",
                                    "message": "Invalid enrollment type: student_view"},
                              schema=BadRequest)
        kind = _types([str(one["enrollment_type"])])

    def listed():
        users = list(store().users.values())
        if kind is not None:
            users = [u for u in users
                     if any(e.type in kind and e.gone != "deleted"
                            for e, _ in store().user_enrollments(u.uid))]
        if term:
            users = _searched(users, term, True, True)
        return _order(users, one["sort"], one["order"] == "desc")
    # A walk through a district's users, page by page, sorts them once.
    ordered = SORTED.lookup(store(), (request.path, tuple(sorted(one.items())), term), listed)
    shown, headers = _page(ordered, given)
    includes = set(strings(given.get("include"))) & set(ACCOUNT_INCLUDES)
    return _respond([roster_user_json(u, sis=True, admin=True, logins=True,
                                      emails="email" in includes, includes=includes)
                     for u in shown], headers)
