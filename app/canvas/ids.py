"""The school as Canvas names it: ids in Canvas's forms (numbers, `self`,
`sis_user_id:T1001`, `hex:sis_user_id:5431303031`), and users' names.
Canvas ids are the Schoology ids; sis_user_id is a user's school_uid,
sis_course_id a course's course_code, sis_section_id a section's
section_school_code. An id that names nothing is a 404."""
import hashlib
import re

from ..api.context import store
from ..api.fields import whole
from .auth import caller
from .errors import not_found

_SIS = re.compile(r"^(hex:)?(sis_[a-z_]+|uuid|lti_[a-z0-9_]+):(.+)$", re.S)
def number(value):
    """An id (or count) given as ASCII digits (fields.whole) or a JSON integer;
    None for anything else: other digits (², ٣), signs, bools, or too many digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value >= 0 else None
    return whole(value)


def parse_id(value):
    """(column, value) of a SIS-style id, or (None, int) of a numeric one;
    None when value is neither."""
    if number(value) is not None:
        return None, number(value)
    text = value.strip() if isinstance(value, str) else ""
    match = _SIS.match(text)
    if not match:
        return None
    hexed, column, given = match.groups()
    if hexed:
        try:
            given = bytes.fromhex(given).decode("utf-8")
        except ValueError:
            return None
    return column, given


def find_user(value):
    if value == "self":
        return store().get_user(caller().uid)
    parsed = parse_id(value) or (None, None)
    column, given = parsed
    uid = given if column is None else None
    if column == "sis_user_id":
        uid = store().uid_by_school_uid.get(given)
    elif column == "uuid":
        uid = next((u for u in list(store().users) if uuid_of("user", u) == given), None)
    user = store().users.get(uid)
    if user is None:
        raise not_found()
    return user


def find_course(value):
    column, given = parse_id(value) or (None, None)
    if column == "sis_course_id":
        return store().course_by_code(given)  # NotFound is the blueprint's 404
    found = store().courses.get(given) if column is None else None
    if found is None:
        raise not_found()
    return found


def find_section(value, course=None):
    """A section; with course, only one of that course's."""
    column, given = parse_id(value) or (None, None)
    if column == "sis_section_id":
        given, column = store().section_by_school_code.get(given), None
    found = store().sections.get(given) if column is None else None
    if found is None or (course is not None and found.course_id != course.id):
        raise not_found()
    return found


def find_account(value):
    """The school's root account: `self` or `default`, its id, or nothing."""
    account = store().canvas_account()
    column, given = parse_id(value) or (None, None)
    if value in ("self", "default") or (column is None and given == account.id):
        return account
    raise not_found()


def first_name(user):
    return user.name_first_preferred or user.name_first


def sortable_name(user):
    return ", ".join(p for p in (user.name_last, first_name(user)) if p)


def short_name(user):
    return " ".join(p for p in (first_name(user), user.name_last) if p)


def uuid_of(kind, record_id):
    """A stable 40-character uuid, as Canvas gives every user and course."""
    return hashlib.sha1(f"schoology-mock:{kind}:{record_id}".encode()).hexdigest()[:40]
