"""Fixture documents: JSON with lists of records in the API's own field names.
The schemas of the records, and the order of the kinds; load.py reads
documents with them."""
import re
from datetime import datetime, timezone
from urllib.parse import urlsplit

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate

from ..api.fields import Count, Flag, Id, Status
from .records import (CANVAS_STATE, COURSE_STATES, DEFAULT_TERM, ENDING_STATES, GONE_STATES,
                      NO_EXTRAS, PAIRING_STATES, REALMS, TYPES, AccessCode, Building,
                      CanvasAccount, CanvasToken, Consumer, Course,
                      Enrollment, GradingPeriod, Group, Pairing, Role, Section, Token, User,
                      admin_of, default_type, display_name, time_text)

REALM_NAMES = {name: name for name in REALMS}
# Characters XML 1.0 cannot carry: a fixture holding one could never be served as XML.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Text(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if _NOT_XML.search(text):
            raise ValidationError("Contains a control character that XML cannot carry.")
        return text


class Time(fields.Field):
    """An ISO 8601 time (2026-08-24T15:00:00Z, or with an offset; a date alone
    is midnight UTC), kept as UTC text to the second; null is no time."""

    def _deserialize(self, value, attr, data, **kwargs):
        if value is None:
            return None
        if not isinstance(value, str):
            raise ValidationError("Not an ISO 8601 time.")
        try:
            when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValidationError("Not an ISO 8601 time, e.g. 2026-08-24T15:00:00Z.") from None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        try:
            return time_text(when)
        except OverflowError:
            raise ValidationError("Not a time before the year 10000.") from None


class Grades(fields.Dict):
    KEYS = ("current_score", "final_score", "current_grade", "final_grade")

    def _deserialize(self, value, attr, data, **kwargs):
        grades = super()._deserialize(value, attr, data, **kwargs)
        for key, grade in grades.items():
            if key not in self.KEYS:
                raise ValidationError(f"Unknown grade {key!r} (expected {', '.join(self.KEYS)}).")
            if grade is not None and (isinstance(grade, bool)
                                      or not isinstance(grade, (int, float, str))):
                raise ValidationError(f"{key}: a number, a letter grade or null.")
        return {key: grades.get(key) for key in self.KEYS}


class FixtureError(Exception):
    pass


class _RecordSchema(Schema):
    class Meta:
        unknown = RAISE

    record_class = None
    # Fields whose values many records repeat, kept once each (quick.py).
    shared = ()
    # For quick.py: the names quick_fields' expressions use.
    quick_names = {}

    @post_load
    def make(self, data, **kwargs):
        return self.record_class(**data)

    def quick_fields(self, given):
        """For quick.py, which makes records as make() does from fields
        given in their final form: {slot: a Python expression of the record
        r} for what make() sets itself, for records giving the fields named
        in given. r's other slots hold what was given, else their defaults;
        keep(value, value) gives the one object kept of each value."""
        return {}


class UserSchema(_RecordSchema):
    record_class = User
    # Values many records repeat, kept once each (quick.py): a district's
    # users share first and last names, years, roles and buildings.
    shared = ("uid", "name_title", "name_first", "name_middle", "name_last", "name_display",
              "role_id", "building_id", "position", "gender", "grad_year")
    uid = Id(required=True)
    school_uid = Text()
    name_title = Text()
    name_title_show = Flag()
    name_first = Text()
    name_first_preferred = Text()
    name_middle = Text()
    name_middle_show = Flag()
    name_last = Text()
    name_display = Text()
    picture_url = Text()
    role = Text(validate=validate.OneOf(("", "administrator")))
    password = Text()  # what /oauth/authorize asks for; "" or absent: none
    role_id = Id()
    building_id = Id()
    username = Text()
    primary_email = Text()
    position = Text()
    gender = Text(validate=validate.OneOf(("", "M", "F", "X")))
    grad_year = Text()

    quick_names = {"display_name": display_name}

    @post_load
    def make(self, data, **kwargs):
        user = User(display_fixed="name_display" in data, **data)
        user.refresh_display()
        return user

    def quick_fields(self, given):
        if "name_display" in given:
            return {"display_fixed": "True"}
        # kept once each, as a given one is (shared): a school's names repeat
        return {"display_fixed": "False", "name_display": "keep(d := display_name(r), d)"}


class RoleSchema(_RecordSchema):
    record_class = Role
    id = Id(required=True)
    title = Text()
    faculty = Flag()
    role_type = fields.Integer(validate=validate.OneOf((1, 2)), strict=True)
    administrator = fields.Boolean(truthy={True}, falsy={False})


class BuildingSchema(_RecordSchema):
    record_class = Building
    id = Id(required=True)
    title = Text()
    building_code = Text()
    school_id = Id()
    address1 = Text()
    city = Text()
    state = Text()
    postal_code = Text()
    country = Text()
    website = Text()
    phone = Text()


class CourseCanvasSchema(Schema):
    """What Canvas knows of a course beyond Schoology's fields; each absent
    one takes Canvas's value for a published course of the Default Term."""
    class Meta:
        unknown = RAISE

    workflow_state = Text(validate=validate.OneOf(COURSE_STATES))
    start_at = Time(allow_none=True)
    end_at = Time(allow_none=True)
    enrollment_term_id = Id(allow_none=True)  # a grading period's id; null: the Default Term


class CourseSchema(_RecordSchema):
    record_class = Course
    id = Id(required=True)
    course_code = Text()
    title = Text()
    department = Text()
    description = Text()
    credits = Count()
    subject_area = Count()
    grade_level_range_start = Count()
    grade_level_range_end = Count()
    building_id = Id()
    canvas = fields.Nested(CourseCanvasSchema)

    @post_load
    def make(self, data, **kwargs):
        canvas = data.pop("canvas", {})
        if canvas.get("enrollment_term_id") in (None, DEFAULT_TERM):
            canvas["enrollment_term_id"] = 0
        start, end = canvas.get("start_at"), canvas.get("end_at")
        if start and end and end < start:
            raise ValidationError("ends before it starts", "canvas.end_at")
        return Course(**data, **canvas)


class GradingPeriodSchema(_RecordSchema):
    record_class = GradingPeriod
    id = Id(required=True)
    title = Text()
    start = Text()
    end = Text()


class SectionSchema(_RecordSchema):
    record_class = Section
    shared = ("id", "course_id")
    id = Id(required=True)
    course_id = Id(required=True)
    title = Text()
    section_code = Text()
    section_school_code = Text()
    grading_periods = fields.List(Id())
    description = Text()
    location = Text()
    active = Flag()


class GroupSchema(_RecordSchema):
    record_class = Group
    id = Id(required=True)
    title = Text()
    description = Text()
    website = Text()
    category = Text()
    group_code = Text()
    building_id = Id()


class CanvasSchema(Schema):
    """What Canvas knows of an enrollment beyond Schoology's fields."""
    class Meta:
        unknown = RAISE

    type = Text(validate=validate.OneOf(TYPES))
    enrollment_state = Text(validate=validate.OneOf((*CANVAS_STATE.values(), *GONE_STATES)))
    associated_user_id = Id(allow_none=True)
    limit_privileges_to_course_section = fields.Boolean(truthy={True}, falsy={False})
    start_at = Time(allow_none=True)
    end_at = Time(allow_none=True)
    last_activity_at = Time(allow_none=True)
    last_attended_at = Time(allow_none=True)
    total_activity_time = Count()
    grades = Grades(allow_none=True)
    temporary_enrollment_source_user_id = Id(allow_none=True)
    temporary_enrollment_pairing_id = Id(allow_none=True)
    created_at = Time(allow_none=True)
    updated_at = Time(allow_none=True)


class EnrollmentSchema(_RecordSchema):
    record_class = Enrollment
    shared = ("uid", "realm_id")
    id = Id(required=True)
    uid = Id(required=True)
    realm = Text(required=True, validate=validate.OneOf(REALMS))
    realm_id = Id(required=True)
    admin = Flag(required=True)
    status = Status(required=True)
    canvas = fields.Nested(CanvasSchema)

    quick_names = {"REALM_NAMES": REALM_NAMES, "default_type": default_type,
                   "NO_EXTRAS": NO_EXTRAS}

    def quick_fields(self, given):
        # without canvas (a nested object, never given in final form)
        return {"realm": "REALM_NAMES[r.realm]", "type": "default_type(r.admin)",
                "extras": "NO_EXTRAS"}

    @post_load
    def make(self, data, **kwargs):
        # The realm's name is the one constant, not a copy per enrollment.
        realm = REALM_NAMES[data["realm"]]
        if "canvas" not in data:  # the usual case, and a million of them take a while
            return Enrollment(data["id"], data["uid"], realm, data["realm_id"], data["admin"],
                              data["status"], default_type(data["admin"]))
        canvas = dict(data["canvas"])
        data = {key: value for key, value in data.items() if key != "canvas"}
        state = canvas.pop("enrollment_state", None)
        kind = canvas.setdefault("type", default_type(data["admin"]))
        if admin_of(kind) != data["admin"]:
            raise ValidationError(f"{kind} is {'not ' if data['admin'] else ''}a teaching type, "
                                  f"but admin is {data['admin']}", "canvas.type")
        if state in GONE_STATES:
            canvas["gone"] = state
        elif state is not None and state != CANVAS_STATE[data["status"]]:
            raise ValidationError(f"{state!r} disagrees with status {data['status']} "
                                  f"({CANVAS_STATE[data['status']]!r})", "canvas.enrollment_state")
        if canvas.get("associated_user_id") is not None and kind != "ObserverEnrollment":
            raise ValidationError("only an ObserverEnrollment observes a user",
                                  "canvas.associated_user_id")
        return Enrollment(**dict(data, realm=realm), **canvas)


class AccessCodeSchema(_RecordSchema):
    record_class = AccessCode
    realm = Text(required=True, validate=validate.OneOf(REALMS))
    realm_id = Id(required=True)
    code = Text(required=True, validate=validate.Length(min=1))


# A domain as an app registers it (school.example, lms.school.example).
_DOMAIN = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*", re.I)


def registered_callback(value):
    """A consumer's callback: an http(s) URL with a host and no user name, or
    a bare domain; "" is none."""
    if value == "" or _DOMAIN.fullmatch(value):
        return
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (raises ValueError for a bad port)
    except ValueError:
        parts = None
    if (parts is None or parts.scheme not in ("http", "https") or not parts.hostname
            or "@" in parts.netloc or any(c.isspace() or c == "\\" for c in value)):
        raise ValidationError("Must be an http or https URL (https://app.example/oauth/done) "
                              "or a domain (app.example).")


class ConsumerSchema(_RecordSchema):
    record_class = Consumer
    key = Text(required=True, validate=validate.Length(min=1))
    secret = Text(required=True, validate=validate.Length(min=1))
    uid = Id(required=True)
    callback = Text(validate=registered_callback)


class TokenSchema(_RecordSchema):
    record_class = Token
    token = Text(required=True, validate=validate.Length(min=1))
    secret = Text(required=True, validate=validate.Length(min=1))
    consumer_key = Text(required=True)
    uid = Id(required=True)


class CanvasAccountSchema(_RecordSchema):
    record_class = CanvasAccount
    id = Id(required=True)
    name = Text()


class CanvasTokenSchema(_RecordSchema):
    record_class = CanvasToken
    token = Text(required=True, validate=validate.Length(min=1))
    uid = Id(required=True)


class PairingSchema(_RecordSchema):
    record_class = Pairing
    id = Id(required=True)
    workflow_state = Text(validate=validate.OneOf(PAIRING_STATES))
    ending_enrollment_state = Text(allow_none=True, validate=validate.OneOf(ENDING_STATES))
    created_by_id = Id(allow_none=True)
    deleted_by_id = Id(allow_none=True)
    created_at = Time(allow_none=True)
    updated_at = Time(allow_none=True)


# In load order: a record may only refer to kinds listed before it (enrollments
# name pairings, which come later, so that is checked apart).
KINDS = {
    "buildings": BuildingSchema(),
    "roles": RoleSchema(),
    "users": UserSchema(),
    "courses": CourseSchema(),
    "grading_periods": GradingPeriodSchema(),
    "sections": SectionSchema(),
    "groups": GroupSchema(),
    "enrollments": EnrollmentSchema(),
    "access_codes": AccessCodeSchema(),
    "consumers": ConsumerSchema(),
    "tokens": TokenSchema(),
    "canvas_accounts": CanvasAccountSchema(),
    "canvas_tokens": CanvasTokenSchema(),
    "temporary_enrollment_pairings": PairingSchema(),
}
