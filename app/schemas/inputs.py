"""What the enrollment endpoints take in."""
from marshmallow import EXCLUDE, Schema, fields, validate

from ..fields import CommaList, Count, Flag, Id, Status

PICTURE_SIZES = ("big", "reg", "sm", "tiny")
MAX_BULK = 50  # Schoology's limit for every bulk endpoint


class _In(Schema):
    class Meta:
        unknown = EXCLUDE  # Schoology ignores fields it does not know


class EnrollmentCreate(_In):
    uid = Id(required=True)
    admin = Flag(required=True)
    status = Status(required=True)


class EnrollmentUpdate(_In):
    uid = Id()
    admin = Flag()
    status = Status()


class ListQuery(_In):
    start = Count(load_default=0)
    limit = Id(load_default=20)
    uid = CommaList(Id())
    enrollment_status = CommaList(Status())
    type = CommaList(fields.String(validate=validate.OneOf(("admin", "member"))))
    picture_size = CommaList(fields.String(validate=validate.OneOf(PICTURE_SIZES)))
