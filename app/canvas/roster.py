"""What a Canvas client asks first: the course, section, user or account it
was given, by any id form Canvas takes."""
from ..api.context import store
from . import schemas as s
from .auth import caller, rights, shows_user, teaches
from .errors import forbidden
from .ids import find_account, find_course, find_section, find_user
from .jsonfmt import answer
from .render import account_json, course_json, profile_json, section_json


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
