"""What the enrollment endpoints take in."""
from marshmallow import EXCLUDE, Schema, fields, validate

from ...api.fields import Code, CommaList, Count, Flag, Id, Status

PICTURE_SIZES = ("big", "reg", "sm", "tiny")
MAX_BULK = 50  # Schoology's limit for every bulk endpoint
MAX_LIMIT = 200  # a larger limit is served as this many


class _In(Schema):
    class Meta:
        unknown = EXCLUDE  # Schoology ignores fields it does not know


class _Body(_In):
    numbers_as_text = True  # ids and flags come as numbers or as their digits


class EnrollmentCreate(_Body):
    uid = Id(required=True)
    admin = Flag(required=True)
    status = Status(required=True)


class EnrollmentUpdate(_Body):
    uid = Id()
    admin = Flag()
    status = Status()


class PageQuery(_In):
    """The paging of every Schoology list."""
    start = Count(load_default=0)
    limit = Id(load_default=20, metadata={"maximum": MAX_LIMIT})


class ListQuery(PageQuery):
    uid = CommaList(Id())
    enrollment_status = CommaList(Status())
    type = CommaList(fields.String(validate=validate.OneOf(("admin", "member"))))
    picture_size = CommaList(fields.String(validate=validate.OneOf(PICTURE_SIZES)))


class EnrollmentQuery(_In):
    """The query of a single enrollment."""
    picture_size = CommaList(fields.String(validate=validate.OneOf(PICTURE_SIZES)))


class UserQuery(PageQuery):
    role_ids = CommaList(Id())
    school_uids = CommaList(Code(),
                            metadata={"description": f"comma-delimited, at most {MAX_BULK}"})
    building_id = Id()


class BuildingQuery(PageQuery):
    building_id = Id()


class DeleteQuery(_In):
    enrollment_ids = CommaList(Id(), required=True,
                               metadata={"description": f"comma-delimited, at most {MAX_BULK}"})


class BulkUpdateItem(EnrollmentUpdate):
    """One row of a bulk update. id names the enrollment; the docs' XML example
    sends uid instead, which names the user's enrollment in the realm."""
    id = Id()


class MultiRealmItem(EnrollmentCreate):
    realm = fields.String(required=True, validate=validate.OneOf(("section", "group")))
    section_id = Id()
    group_id = Id()


class CourseImportItem(_Body):
    course_code = Code(required=True)
    section_code = Code(required=True)
    school_uid = Code(required=True)
    admin = Flag()
    delete = Flag()


class SchoolCodeImportItem(_Body):
    section_school_code = Code(required=True)
    school_uid = Code(required=True)
    section_code = Code()  # echoed back as given, as Schoology does
    admin = Flag()
    delete = Flag()


class AccessCodeBody(_Body):
    access_code = Code(required=True)


class MultiRealmQuery(_In):
    update_existing = Flag(load_default=0)
