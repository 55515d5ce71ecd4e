"""What the enrollment endpoints send out.

Each schema fixes its fields' names, order and scalar types; Schoology types
the same field differently by endpoint (status is "1" in lists, 1 in a create
answer), so each answer has its own schema."""
from marshmallow import Schema, fields

MAX_LIMIT = 200


class EnrollmentOut(Schema):
    """An enrollment in a list, a single GET and an access-code join; the
    user's fields joined in."""
    id = fields.String()
    uid = fields.String()
    school_uid = fields.String()
    name_title = fields.String()
    name_title_show = fields.String()
    name_first = fields.String()
    name_first_preferred = fields.String()
    name_middle = fields.String()
    name_middle_show = fields.String()
    name_last = fields.String()
    name_display = fields.String()
    admin = fields.Integer()
    status = fields.String()
    picture_url = fields.String()


class EnrollmentCreatedOut(EnrollmentOut):
    """The answer to a create: admin and status both integers."""
    status = fields.Integer()


class UserOut(Schema):
    """A user, as GET /v1/users/{id} gives the fields the store holds: uid is
    the string form of the integer id."""
    uid = fields.String()
    id = fields.Integer()
    school_uid = fields.String()
    name_title = fields.String()
    name_title_show = fields.String()
    name_first = fields.String()
    name_first_preferred = fields.String()
    name_middle = fields.String()
    name_middle_show = fields.String()
    name_last = fields.String()
    name_display = fields.String()
    picture_url = fields.String()


# --- rows of the 207 answers ------------------------------------------------
# A failed row keeps the fields that identify its item and adds `error`.
class BulkCreateRow(Schema):
    response_code = fields.Integer()
    id = fields.String()
    uid = fields.Integer()
    location = fields.String()
    error = fields.String()


class MultiRealmRow(Schema):
    response_code = fields.Integer()
    location = fields.String()
    uid = fields.Integer()
    id = fields.String()
    realm = fields.String()
    realm_id = fields.String()
    error = fields.String()


class CourseImportRow(Schema):
    response_code = fields.Integer()
    location = fields.String()
    school_uid = fields.String()
    course_code = fields.String()
    section_code = fields.String()
    error = fields.String()


class SchoolCodeImportRow(Schema):
    response_code = fields.Integer()
    location = fields.String()
    school_uid = fields.String()
    section_school_code = fields.String()
    course_code = fields.String()
    section_code = fields.String()
    error = fields.String()


class UpdateRow(Schema):
    response_code = fields.Integer()
    id = fields.String()
    error = fields.String()


class DeleteRow(Schema):
    response_code = fields.Integer()
    id = fields.String()
    error = fields.String()
