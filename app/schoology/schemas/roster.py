"""What the roster endpoints send out: users, roles, courses, sections and
groups, each with the real API's fields in its order and its scalar types
(Schoology types the same id as an integer in one object and a string in
another: a user's id is an integer, a section's a string)."""
from marshmallow import Schema, fields

S, I, R = fields.String, fields.Integer, fields.Raw

UserOut = Schema.from_dict({
    "uid": S(), "id": I(), "school_id": I(), "synced": I(), "school_uid": S(),
    "building_id": I(), "additional_buildings": S(), "name_title": S(),
    "name_title_show": I(), "name_first": S(), "name_first_preferred": S(),
    "use_preferred_first_name": S(), "name_middle": S(), "name_middle_show": I(),
    "name_last": S(), "name_display": S(), "username": S(), "primary_email": S(),
    "picture_url": S(), "gender": S(allow_none=True), "position": S(allow_none=True),
    "grad_year": S(), "password": S(), "role_id": I(), "tz_offset": I(), "tz_name": S(),
    "parents": R(), "child_uids": R(), "language": S(), "send_message": I(),
}, name="RosterUserOut")

RoleOut = Schema.from_dict({
    "id": I(), "title": S(), "faculty": I(), "role_type": I(), "links": R(),
}, name="RoleOut")

CourseOut = Schema.from_dict({
    "id": I(), "title": S(), "course_code": S(), "department": S(), "description": S(),
    "credits": I(), "subject_area": I(), "grade_level_range_start": I(),
    "grade_level_range_end": I(), "synced": I(), "building_id": S(),
}, name="CourseOut")

# A section as GET /v1/sections/{id} gives it; a list item (of a course's
# sections) has links and the caller's admin flag instead of the subject and
# grade levels.
SectionOut = Schema.from_dict({
    "id": S(), "course_title": S(), "course_code": S(), "course_id": S(), "school_id": S(),
    "building_id": S(), "access_code": S(), "section_title": S(), "section_code": S(),
    "section_school_code": S(), "synced": S(), "active": I(), "description": S(),
    "subject_area": S(), "grade_level_range_start": S(), "grade_level_range_end": S(),
    "parent_id": S(allow_none=True), "grading_periods": R(), "profile_url": S(),
    "location": S(), "meeting_days": R(), "start_time": S(), "end_time": S(),
    "class_periods": S(), "weight": S(), "options": R(), "links": R(), "admin": I(),
}, name="SectionOut")

def dumper(schema_class):
    """A function that dumps a dict as schema_class().dump would (fields in
    order, each cast to its type, None kept where allowed, raw values as
    they are), without marshmallow's per-call machinery: a cold page of users
    is written at the cost of a warm one. tests/test_store.py holds it to
    marshmallow's result."""
    spec = []
    for name, field in schema_class._declared_fields.items():
        cast = int if isinstance(field, fields.Integer) else \
            str if isinstance(field, fields.String) else None
        spec.append((name, cast))

    def dump(values):
        return {name: (value if cast is None or value is None else cast(value))
                for name, cast in spec if name in values for value in (values[name],)}
    return dump


GroupOut = Schema.from_dict({
    "id": S(), "title": S(), "description": S(), "website": S(), "access_code": S(),
    "category": S(), "options": R(), "group_code": S(), "privacy_level": S(),
    "picture_url": S(), "school_id": S(), "building_id": S(), "links": R(),
}, name="GroupOut")
