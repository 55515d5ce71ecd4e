"""The roster around enrollments: the course, section, user or account a
client was given, by any id form Canvas takes, and a course's sections
(GET /courses/:course_id/sections, whose answer and contract are here too)."""
from marshmallow import Schema, fields, validate

from ..api.context import store
from ..api.contract import Operation, Reply, Sample
from . import contract as c
from . import schemas as s
from .auth import caller, rights, shows_user, teaches
from .errors import forbidden
from .ids import find_account, find_course, find_section, find_user
from .jsonfmt import answer, answer_rows
from .paging import numbered_page
from .params import params, strings
from .render import account_json, course_json, profile_json, section_json, user_json
from .search import SearchTermError, search_term


def course(course_id):
    found = find_course(course_id)
    r = rights(found.id)
    if not r.member:
        raise forbidden()
    return answer(s.Course, course_json(found, store().canvas_account().id, r.read_sis,
                                     [e for e in r.enrollments if e.uid == caller().uid]))


def section(section_id):
    found = find_section(section_id)
    r = rights(found.course_id)
    if not r.member:
        raise forbidden()
    return answer(s.Section, section_json(found, r.read_sis))


def user(user_id):
    """A user's profile: their own, an admin's view, or a teacher's of a
    user in one of their courses."""
    found, me = find_user(user_id), caller()
    if not shows_user(found):
        raise forbidden()
    return answer(s.Profile, profile_json(found, sis=me.administrator or teaches(found),
                                      admin=me.administrator, own=found.uid == me.uid))


def account(account_id):
    found = find_account(account_id)
    if not caller().administrator:
        raise forbidden()
    return answer(s.Account, account_json(found))


# --- a course's sections ------------------------------------------------------------------
class ListedSection(s.Section):
    """A section as the list gives it, with what include[] adds."""
    total_students = s.described("include[]=total_students: its active and invited "
                                 "students", fields.Integer())
    students = s.described("include[]=students: its students (null when none), to those "
                           "who read the roster", fields.List(fields.Nested(s.User),
                                                              allow_none=True))


SECTION_INCLUDES = ("students", "avatar_url", "enrollments", "total_students",
                    "passback_status", "permissions")


class SectionsQuery(Schema):
    include = s.listed("include", fields.String(validate=validate.OneOf(SECTION_INCLUDES)),
                       "students, avatar_url (the students' pictures) and total_students "
                       "are added; Canvas's enrollments, passback_status and permissions "
                       "are not served here. Ignored for callers who do not read the roster")
    search_term = s.described("sections whose name holds it (2 characters or more)",
                              fields.String())
    all = s.described("any value: every section, unpaged", fields.String())
    page = s.described("a page number (Canvas pages this list by number)", fields.String())
    per_page = s.described("rows per page: 10 by default; held to 1..100 (per_page.to_i)",
                           fields.Integer(validate=validate.Range(1, 100)))


MIN_SECTION_TERM = 2  # SectionsController takes 2 characters
SECTIONS = Operation(
    "List a course's sections", "Lookups", query=SectionsQuery,
    replies={200: Reply("A page of the course's sections, by name then id",
                        {"type": "array", "items": ListedSection}, headers=c.LINK),
             400: c.bad("a search_term under 2 characters", SearchTermError),
             403: c.FORBIDDEN},
    description="For the course's members and account admins. Pages are numbered "
                "(page=2), as Api.paginate numbers a plain list.",
    sample=Sample({"course_id": c.ALGEBRA}, "include[]=total_students"))


def course_sections(course_id):
    course = find_course(course_id)
    r = rights(course.id)
    if not r.member:
        raise forbidden()
    given = params()
    term = search_term(given.get("search_term"), MIN_SECTION_TERM)
    includes = set(strings(given.get("include"))) if r.read_roster else set()
    sections = sorted((store().sections[sid]
                       for sid in store().sections_of_course.get(course.id, ())),
                      key=lambda x: (x.title.casefold(), x.id))
    if term:
        sections = [x for x in sections if term.casefold() in x.title.casefold()]
    headers = None
    if given.get("all") in (None, ""):
        sections, headers = numbered_page(sections, given)
    return answer_rows(ListedSection, [_listed(x, r, includes) for x in sections], headers)


def _listed(section, r, includes):
    out = section_json(section, r.read_sis)
    if includes & {"students", "total_students"}:
        students = [(e, u) for e, u in store().section_enrollments([section.id])
                    if e.type == "StudentEnrollment" and e.visible]
        if "total_students" in includes:
            out["total_students"] = sum(1 for e, _ in students
                                        if e.state in ("active", "invited"))
        if "students" in includes:
            out["students"] = [user_json(u, r.read_sis, caller().administrator,
                                         ("avatar_url",) if "avatar_url" in includes else ())
                               for _, u in students] or None
    return out


# --- one of a course's sections -----------------------------------------------------------
class SectionQuery(Schema):
    include = SectionsQuery._declared_fields["include"]


COURSE_SECTION = Operation(
    "Get one of a course's sections", "Lookups", query=SectionQuery,
    replies={200: Reply("The section, with what include[] adds", ListedSection),
             403: c.FORBIDDEN},
    description="By id or sis_section_id; a section of another course is a 404. Teachers, "
                "TAs, designers and admins read any of the course's sections; students and "
                "observers their own.",
    sample=Sample({"course_id": c.ALGEBRA, "id": c.SECTION}, "include[]=total_students"))


def course_section(course_id, id):  # noqa: A002 (Canvas's name for the path's id)
    course = find_course(course_id)
    found = find_section(id, course)
    r = rights(course.id)
    mine = {e.realm_id for e in r.enrollments}
    if not (r.read_as_admin or found.id in mine):
        raise forbidden()
    includes = set(strings(params().get("include"))) if r.read_roster else set()
    return answer(ListedSection, _listed(found, r, includes))
