"""Fixture documents: JSON with lists of records in the API's own field names.
Loading validates every record and every cross-reference, and a bad file is
refused whole with a message naming the file, the record and the field."""
import json
import re
from datetime import datetime, timezone
from urllib.parse import urlsplit

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate

from ..fields import Count, Flag, Id, Status
from .records import (CANVAS_STATE, GONE_STATES, REALMS, TYPES, AccessCode, CanvasAccount,
                      Building, CanvasToken, Consumer, Course, Enrollment, GradingPeriod, Group,
                      Pairing, Role, Section, Token, User, admin_of, default_type, time_text)
from .store import Store

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

    @post_load
    def make(self, data, **kwargs):
        return self.record_class(**data)


class UserSchema(_RecordSchema):
    record_class = User
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

    @post_load
    def make(self, data, **kwargs):
        user = User(display_fixed="name_display" in data, **data)
        user.refresh_display()
        return user


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


class GradingPeriodSchema(_RecordSchema):
    record_class = GradingPeriod
    id = Id(required=True)
    title = Text()
    start = Text()
    end = Text()


class SectionSchema(_RecordSchema):
    record_class = Section
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
    id = Id(required=True)
    uid = Id(required=True)
    realm = Text(required=True, validate=validate.OneOf(REALMS))
    realm_id = Id(required=True)
    admin = Flag(required=True)
    status = Status(required=True)
    canvas = fields.Nested(CanvasSchema)

    @post_load
    def make(self, data, **kwargs):
        canvas = dict(data.pop("canvas", {}))
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
        return Enrollment(**data, **canvas)


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
    workflow_state = Text(validate=validate.OneOf(("active", "deleted")))
    ending_enrollment_state = Text(allow_none=True,
                                   validate=validate.OneOf(("completed", "inactive", "deleted")))
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


def read_file(path):
    """The fixture document in the file at path (a path, or a Traversable from
    importlib.resources, which has an open() of its own)."""
    try:
        with (path.open("rb") if hasattr(path, "open") else open(path, "rb")) as f:
            return json.load(f)
    except OSError as e:
        raise FixtureError(f"{path}: cannot read fixture file: {e.strerror}") from None
    except ValueError as e:
        raise FixtureError(f"{path}: not valid JSON: {e}") from None


def load_file(path, seed=0):
    """A Store holding the fixture file at path."""
    return build_store(read_file(path), source=str(path), seed=seed)


def build_store(document, source="fixtures", seed=0):
    records = parse(document, source)
    store = Store(seed=seed)
    store.add_records(**records)
    return store


def parse(document, source):
    """Validated records by kind, or FixtureError."""
    if not isinstance(document, dict):
        raise FixtureError(f"{source}: a fixture document is a JSON object of lists")
    unknown = sorted(set(document) - set(KINDS))
    if unknown:
        raise FixtureError(f"{source}: unknown top-level key {unknown[0]!r} "
                           f"(expected {', '.join(KINDS)})")
    records = {}
    for kind, schema in KINDS.items():
        items = document.get(kind, [])
        if not isinstance(items, list):
            raise FixtureError(f"{source}: {kind!r} must be a list")
        loaded = []
        for n, item in enumerate(items):
            where = f"{source}: {kind}[{n}]"
            if not isinstance(item, dict):
                raise FixtureError(f"{where}: a record must be an object")
            try:
                loaded.append(schema.load(item))
            except ValidationError as e:
                field, message = _first_field(e.normalized_messages())
                raise FixtureError(f"{where}: field {field!r}: {message}") from None
        records[kind] = loaded
    _check_references(records, source)
    return records


def _first_field(messages):
    """('canvas.type', message) for the first problem named, nested or not."""
    path = []
    while isinstance(messages, dict):
        key, messages = next(iter(messages.items()))
        path.append(str(key))
        while isinstance(messages, list):
            messages = messages[0]
    return ".".join(path), messages


def _check_references(records, source):
    def fail(kind, n, field, message):
        raise FixtureError(f"{source}: {kind}[{n}]: field {field!r}: {message}")

    def unique(kind, key, allow_empty=False):
        seen = set()
        for n, record in enumerate(records[kind]):
            value = getattr(record, key)
            if allow_empty and value == "":
                continue
            if value in seen:
                fail(kind, n, key, f"{value!r} is used by an earlier record")
            seen.add(value)
        return seen

    buildings, roles = unique("buildings", "id"), unique("roles", "id")
    users = unique("users", "uid")
    unique("users", "school_uid", allow_empty=True)
    for n, user in enumerate(records["users"]):
        if user.role_id and user.role_id not in roles:
            fail("users", n, "role_id", f"no role {user.role_id}")
        if user.building_id and user.building_id not in buildings:
            fail("users", n, "building_id", f"no building {user.building_id}")
    courses = unique("courses", "id")
    for kind in ("courses", "groups"):
        for n, record in enumerate(records[kind]):
            if record.building_id and record.building_id not in buildings:
                fail(kind, n, "building_id", f"no building {record.building_id}")
    periods = unique("grading_periods", "id")
    realms = {"section": unique("sections", "id"), "group": unique("groups", "id")}
    unique("sections", "section_school_code", allow_empty=True)
    unique("enrollments", "id")
    unique("access_codes", "code")

    for n, section in enumerate(records["sections"]):
        if section.course_id not in courses:
            fail("sections", n, "course_id", f"no course {section.course_id}")
        for period in section.grading_periods:
            if period not in periods:
                fail("sections", n, "grading_periods", f"no grading period {period}")
    pairings = unique("temporary_enrollment_pairings", "id")
    enrolled = set()
    for n, enrollment in enumerate(records["enrollments"]):
        if enrollment.uid not in users:
            fail("enrollments", n, "uid", f"no user {enrollment.uid}")
        if enrollment.realm_id not in realms[enrollment.realm]:
            fail("enrollments", n, "realm_id", f"no {enrollment.realm} {enrollment.realm_id}")
        for name in ("associated_user_id", "temporary_enrollment_source_user_id"):
            if getattr(enrollment, name) not in (None, *users):
                fail("enrollments", n, f"canvas.{name}", f"no user {getattr(enrollment, name)}")
        if enrollment.temporary_enrollment_pairing_id not in (None, *pairings):
            fail("enrollments", n, "canvas.temporary_enrollment_pairing_id",
                 f"no temporary enrollment pairing {enrollment.temporary_enrollment_pairing_id}")
        # A user is enrolled once per realm, and per type and observed user
        # (Canvas allows one of each); rejected and deleted ones do not count.
        key = (enrollment.uid, enrollment.realm, enrollment.realm_id, enrollment.type,
               enrollment.associated_user_id)
        if key in enrolled:
            fail("enrollments", n, "uid", f"user {enrollment.uid} is already enrolled in "
                 f"{enrollment.realm} {enrollment.realm_id} as {enrollment.type}")
        if enrollment.visible:
            enrolled.add(key)
    consumers = unique("consumers", "key")
    unique("tokens", "token")
    for kind, records_of_kind in (("consumers", records["consumers"]),
                                  ("tokens", records["tokens"])):
        for n, credential in enumerate(records_of_kind):
            if credential.uid not in users:
                fail(kind, n, "uid", f"no user {credential.uid}")
    for n, token in enumerate(records["tokens"]):
        if token.consumer_key not in consumers:
            fail("tokens", n, "consumer_key", f"no consumer {token.consumer_key!r}")
    if len(records["canvas_accounts"]) > 1:
        fail("canvas_accounts", 1, "id", "the school has one Canvas root account")
    unique("canvas_tokens", "token")
    for n, token in enumerate(records["canvas_tokens"]):
        if token.uid not in users:
            fail("canvas_tokens", n, "uid", f"no user {token.uid}")
    for n, pairing in enumerate(records["temporary_enrollment_pairings"]):
        for name in ("created_by_id", "deleted_by_id"):
            if getattr(pairing, name) not in (None, *users):
                fail("temporary_enrollment_pairings", n, name, f"no user {getattr(pairing, name)}")
    coded = set()
    for n, code in enumerate(records["access_codes"]):
        if code.realm_id not in realms[code.realm]:
            fail("access_codes", n, "realm_id", f"no {code.realm} {code.realm_id}")
        if (code.realm, code.realm_id) in coded:
            fail("access_codes", n, "realm_id", f"{code.realm} {code.realm_id} already has a code")
        coded.add((code.realm, code.realm_id))
