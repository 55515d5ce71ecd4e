"""What the enrollment endpoints send out.

Each schema fixes its fields' names, order and scalar types; Schoology types
the same field differently by endpoint (status is "1" in lists, 1 in a create
answer), so each answer has its own schema."""
from marshmallow import Schema, fields


def user_fields():
    """The user's fields as enrollments carry them, in order; fresh field
    objects for each schema that uses them. use_preferred_first_name is not
    in the docs' samples; real enrollments carry it, there."""
    return {name: fields.String() for name in (
        "school_uid", "name_title", "name_title_show", "name_first", "name_first_preferred",
        "use_preferred_first_name", "name_middle", "name_middle_show", "name_last",
        "name_display")}


# An enrollment in a list, a single GET and an access-code join; the user's
# fields joined in between its own.
EnrollmentOut = Schema.from_dict({
    "id": fields.String(), "uid": fields.String(), **user_fields(),
    "admin": fields.Integer(), "status": fields.String(), "picture_url": fields.String(),
    # beyond the docs' samples: declared by client models, an integer (0 here)
    "enrollment_source": fields.Integer(),
}, name="EnrollmentOut")


# A section's enrollments also carry the section's cross-listing code (real
# payloads have it; the docs' samples do not).
SectionEnrollmentOut = Schema.from_dict({
    **EnrollmentOut._declared_fields, "cross_listed_section_school_code": fields.String(),
}, name="SectionEnrollmentOut")


class EnrollmentCreatedOut(EnrollmentOut):
    """The answer to a create: admin and status both integers."""
    status = fields.Integer()


class SectionEnrollmentCreatedOut(SectionEnrollmentOut):
    status = fields.Integer()


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
