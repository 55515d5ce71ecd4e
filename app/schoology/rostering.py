"""The roster's writes, one record at a time, as Schoology's docs give them:
POST /v1/courses (201 with the course), PUT /v1/courses/{id} (204), POST
/v1/courses/{id}/sections (201 with the section), PUT /v1/sections/{id}
(204) and PUT /v1/users/{id} (204), in JSON or XML. The roster is an
administrator's to change (others get an empty 403), but a user may change
their own record. What is made or changed is seen at once through both
dialects. Their bodies, contract and views are all here; the route table
(routes.py) names them."""
from flask import g
from marshmallow import fields, validate

from ..api.context import store
from ..api.contract import Operation, Reply, Sample
from ..api.fields import Count, Flag, Id
from ..store.fixtures import Text
from .errors import APIError
from .formats import empty, render
from .links import link
from .reading import body, load
from .roster import course, course_json, section, section_json
from .schemas import Loader
from .schemas import documents as d
from .schemas.inputs import _Body

S = Text  # as the fixtures take text: no character XML cannot carry
TEXT = {"validate": validate.Length(max=255)}
NAMED = {"validate": validate.Length(min=1, max=255)}


class Repeated(fields.List):
    """A list, in JSON an array; in XML the element repeated, so one alone is
    a list of one."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, list):
            value = [value]
        return list(dict.fromkeys(super()._deserialize(value, attr, data, **kwargs)))


class CourseChange(_Body):
    title = S(**NAMED)
    course_code = S(**NAMED)
    department = S(**TEXT)
    description = S()
    credits = Count()
    subject_area = Count()
    grade_level_range_start = Count()
    grade_level_range_end = Count()
    building_id = Id()


class CourseCreate(CourseChange):
    title = S(required=True, **NAMED)
    course_code = S(required=True, **NAMED)


class SectionChange(_Body):
    title = S(**TEXT)
    section_title = S(**TEXT, metadata={"description": "the title, by Schoology's other name"})
    section_code = S(**TEXT)
    section_school_code = S(**TEXT)
    grading_periods = Repeated(Id())
    description = S()
    location = S(**TEXT)
    active = Flag()


class SectionCreate(SectionChange):
    grading_periods = Repeated(Id(), required=True)


class UserChange(_Body):
    school_uid = S(**TEXT)
    name_title = S(**TEXT)
    name_first = S(**TEXT)
    name_first_preferred = S(**TEXT)
    name_middle = S(**TEXT)
    name_last = S(**TEXT)
    username = S(**TEXT)
    primary_email = S(**TEXT)
    position = S(**TEXT)
    gender = S(validate=validate.OneOf(("", "M", "F", "X")))
    grad_year = S(**TEXT)


# --- what the OpenAPI document publishes ---------------------------------------------
CourseCreated = d.answer("CourseCreated", dict(d.Course._declared_fields,
                                               links=fields.Nested(d.SelfLink)))
SectionCreated = d.answer("SectionCreated", dict(d.Section._declared_fields,
                                                 links=fields.Nested(d.SelfLink)))
NO_CONTENT = Reply("Changed (no body)")
ADMINS_ONLY = Reply("To anyone but an administrator (empty body)")
BAD = Reply("A field the record refuses, a missing one, or a code another record holds "
            "(a message)")
CREATE_COURSE = Operation(
    "Create a course", "Courses", body=CourseCreate,
    replies={201: Reply("The course", CourseCreated), 400: BAD, 403: ADMINS_ONLY},
    description="title and course_code are required; course_code is the school's own, so "
                "it may name one course only. Canvas lists the course at once (published).",
    sample=Sample(body={"title": "Chemistry", "course_code": "SCI-CHEM"}))
UPDATE_COURSE = Operation(
    "Update a course", "Courses", body=CourseChange, replies={
        204: NO_CONTENT, 400: BAD, 403: ADMINS_ONLY},
    sample=Sample({"course_id": "2091834577"}, body={"title": "English 9 Honors"}))
CREATE_SECTION = Operation(
    "Create a section in a course", "Courses", body=SectionCreate,
    replies={201: Reply("The section", SectionCreated), 400: BAD, 403: ADMINS_ONLY},
    description="title (or section_title) and grading_periods are required, and "
                "section_code or section_school_code.",
    sample=Sample({"course_id": "2091834501"}, body={
        "title": "Algebra I: Period 5", "section_school_code": "MATH101-P5-2026",
        "grading_periods": [812202, 812203]}))
UPDATE_SECTION = Operation(
    "Update a section", "Sections", body=SectionChange, replies={
        204: NO_CONTENT, 400: BAD, 403: ADMINS_ONLY},
    sample=Sample({"realm_id": "3719541"}, body={"location": "Room 114"}))
UPDATE_USER = Operation(
    "Update a user", "Users", body=UserChange, replies={
        204: NO_CONTENT, 400: BAD, 403: ADMINS_ONLY},
    description="An administrator changes anyone's record; a user their own.",
    sample=Sample({"uid": "45552222"}, body={"name_first_preferred": "Dyl"}))

# --- the views --------------------------------------------------------------------------
_course_create, _course_change = Loader(CourseCreate), Loader(CourseChange)
_section_create, _section_change = Loader(SectionCreate), Loader(SectionChange)
_user_change = Loader(UserChange)


def _administrator():
    if not g.identity.administrator:
        raise APIError(403)


def _changes(loader):
    given = body()
    if not isinstance(given, dict):
        raise APIError(400, "Send the record's fields in the body.")
    found = load(loader, given)
    if not found:
        raise APIError(400, "Nothing to change: send a field of the record.")
    return found


def create_course():
    _administrator()
    made = store().create_course(**_changes(_course_create))
    answer = course_json(made)
    answer["links"] = {"self": link(course, course_id=made.id)}
    return render(answer, 201)


def update_course(course_id):
    _administrator()
    store().update_course(course_id, **_changes(_course_change))
    return empty(204)


def _section_fields(changes):
    title = changes.pop("section_title", None)
    if title is not None:
        changes.setdefault("title", title)
    return changes


def create_section(course_id):
    _administrator()
    given = _section_fields(_changes(_section_create))
    if not given.get("title"):
        raise APIError(400, "title: Missing data for required field.")
    made = store().create_section(course_id, **given)
    answer = section_json(made)
    answer["links"] = {"self": link(section, "sections", realm_id=made.id)}
    return render(answer, 201)


def update_section(realm_id):
    _administrator()
    store().update_section(realm_id, **_section_fields(_changes(_section_change)))
    return empty(204)


def update_user(uid):
    if not g.identity.administrator and uid != g.identity.uid:
        raise APIError(403)
    store().get_user(uid)
    store().update_user(uid, **_changes(_user_change))
    return empty(204)
