"""Canvas's JSON for enrollments, users, courses, sections and the account
(lib/api/v1/user.rb's enrollment_json and user_json, and their kin), as the
caller may see it: SIS ids for those who read SIS, grades for the student,
their observers and the course's graders, activity for the enrollment's user
and the graders. Rows are written once per version of their records and
kept (records are replaced, never changed, so a kept row is never stale)."""
from functools import lru_cache

from flask import g, request

from ..api.answers import write
from ..api.context import store
from ..store.records import DEFAULT_TERM
from .ids import first_name, short_name, sortable_name, uuid_of
from .jsonfmt import dumps
from .schemas import Enrollment

# When records hold no time of their own: the day the demo school's term was set up.
DEFAULT_TIME = "2026-08-17T16:00:00Z"
TIME_ZONE = "America/Los_Angeles"  # the school's (Schoology gives its users the same)
ROLE_IDS = {"StudentEnrollment": 3, "TeacherEnrollment": 4, "TaEnrollment": 5,
            "DesignerEnrollment": 6, "ObserverEnrollment": 7}
TYPE_OF_ROLE_ID = {v: k for k, v in ROLE_IDS.items()}
SCORES = ("current_grade", "current_score", "final_grade", "final_score")
USER_INCLUDES = ("avatar_url", "group_ids", "uuid")


def host():
    """The scheme and host the request came in on: canvasapi follows only
    links on the very host spelling it was given."""
    if "canvas_host" not in g:  # request.host_url, without its IRI decoding
        g.canvas_host = f"{request.scheme}://{request.host}"
    return g.canvas_host


def user_json(user, sis=False, admin=False, includes=()):
    out = {"id": user.uid, "name": user.name_display, "created_at": DEFAULT_TIME,
           "sortable_name": sortable_name(user), "short_name": short_name(user)}
    if sis:
        out["sis_user_id"] = user.school_uid or None
        out["integration_id"] = None
    if admin:
        out["sis_import_id"] = None
    if "avatar_url" in includes:
        out["avatar_url"] = user.picture_url
    if "group_ids" in includes:
        out["group_ids"] = []  # Canvas groups are not Schoology's; none here
    if "uuid" in includes:
        out["uuid"] = uuid_of("user", user.uid)
    return out


def login_id(user):
    """The user's Canvas login: their Schoology username, else their email."""
    return user.username or user.primary_email or None


def roster_user_json(user, *, sis=False, admin=False, logins=False, emails=False,
                     includes=()):
    """A user as the roster lists show one: SIS ids to those who read them,
    the login and email to those who see them (teachers, TAs and admins)."""
    out = user_json(user, sis, admin)
    if logins:
        out["login_id"] = login_id(user)
    if "avatar_url" in includes:
        out["avatar_url"] = user.picture_url
    if emails:
        out["email"] = user.primary_email or None
    if "last_login" in includes:
        out["last_login"] = None  # no sign-ins are recorded here
    if "time_zone" in includes:
        out["time_zone"] = "Pacific Time (US & Canada)"  # Rails' name of TIME_ZONE
    if "uuid" in includes:
        out["uuid"] = uuid_of("user", user.uid)
    return out


def profile_json(user, sis=False, admin=False, own=False):
    """GET /users/:id and /users/self."""
    out = user_json(user, sis, admin)
    out.update(avatar_url=user.picture_url, last_name=user.name_last,
               first_name=first_name(user), locale=None)
    if own:
        out["effective_locale"] = "en"
        out["permissions"] = {"can_update_name": True, "can_update_avatar": True,
                              "limit_parent_app_web_access": False}
    return out


def _grades(enrollment, base, level, points):
    """level: None (no grades), "own" (the student's or an observer's view),
    "grader" (the course's teachers, TAs and admins)."""
    grades = {"html_url": f"{base}/courses/{_course_id(enrollment)}/grades/{enrollment.uid}"}
    if level is None:
        return grades
    held = enrollment.grades or {}
    if points:
        grades["current_points"] = None
    for name in SCORES:
        grades[name] = held.get(name)
    if level == "grader":
        for name in ("current_score", "current_grade", "final_score", "final_grade"):
            grades[f"unposted_{name}"] = held.get(name)
        if points:
            grades["unposted_current_points"] = None
    return grades


def _course_id(enrollment):
    return store().sections[enrollment.realm_id].course_id


def enrollment_json(enrollment, user=None, *, base, account_id, grades=None, activity=False,
                    sis=False, admin=False, includes=(), can_be_removed=None):
    section = store().sections[enrollment.realm_id]
    course = store().courses[section.course_id]
    out = {
        "id": enrollment.id, "root_account_id": account_id, "user_id": enrollment.uid,
        "course_id": course.id, "course_section_id": section.id,
        "associated_user_id": enrollment.associated_user_id,
        "temporary_enrollment_source_user_id": enrollment.temporary_enrollment_source_user_id,
        "temporary_enrollment_pairing_id": enrollment.temporary_enrollment_pairing_id,
        "limit_privileges_to_course_section": enrollment.limit_privileges_to_course_section,
        "updated_at": enrollment.updated_at or DEFAULT_TIME,
        "created_at": enrollment.created_at or DEFAULT_TIME,
        "start_at": enrollment.start_at, "end_at": enrollment.end_at, "type": enrollment.type,
        "enrollment_state": enrollment.state, "role": enrollment.type,
        "role_id": ROLE_IDS[enrollment.type],
    }
    if activity:
        out.update(last_activity_at=enrollment.last_activity_at,
                   last_attended_at=enrollment.last_attended_at,
                   total_activity_time=enrollment.total_activity_time)
    if admin:
        out["sis_import_id"] = None
    if enrollment.type == "StudentEnrollment":
        out["grades"] = _grades(enrollment, base, grades, "current_points" in includes)
    if sis:
        out.update(sis_account_id=None, sis_course_id=course.course_code or None,
                   course_integration_id=None,
                   sis_section_id=section.section_school_code or None,
                   section_integration_id=None, sis_user_id=store().users[enrollment.uid]
                   .school_uid or None)
    out["html_url"] = f"{base}/courses/{course.id}/users/{enrollment.uid}"
    if user is not None:
        out["user"] = user_json(user, sis, admin, includes)
    provider = store().users.get(enrollment.temporary_enrollment_source_user_id)
    if "temporary_enrollment_providers" in includes and provider is not None:
        out["temporary_enrollment_provider"] = user_json(provider, sis, admin)
    if "locked" in includes:
        out["locked"] = False  # nothing here came from a SIS import
    if can_be_removed is not None:
        out["can_be_removed"] = can_be_removed
    return out


VIEW = ("base", "account_id", "grades", "activity", "sis", "admin", "includes",
        "can_be_removed")


@lru_cache(maxsize=8192)
def _kept(enrollment, user, section, course_code, view):
    """One list row's text: a version of the enrollment and its user (and of
    the names it shows) seen one way: view is enrollment_json's keywords, in
    the order of VIEW."""
    return dumps(write(Enrollment, enrollment_json(enrollment, user, **dict(zip(VIEW, view)))))


def row_text(enrollment, user, view, school):
    """enrollment_json(enrollment, user, **dict(zip(VIEW, view))) as JSON text, kept."""
    section = school.sections[enrollment.realm_id]
    course_code = school.courses[section.course_id].course_code
    return _kept(enrollment, user, section.section_school_code, course_code, view)


def course_json(course, account_id, sis=False, mine=None):
    """mine: the caller's enrollments in it, listed in it; None: no such list
    (the account's course list has none)."""
    out = {
        "id": course.id, "name": course.title, "account_id": account_id,
        "uuid": uuid_of("course", course.id), "start_at": course.start_at,
        "grading_standard_id": None,
        "is_public": False, "created_at": DEFAULT_TIME, "course_code": course.course_code,
        "default_view": "modules", "root_account_id": account_id,
        "enrollment_term_id": course.enrollment_term_id or DEFAULT_TERM, "license": "private",
        "grade_passback_setting": None, "end_at": course.end_at,
        "public_syllabus": False, "public_syllabus_to_auth": False, "storage_quota_mb": 500,
        "is_public_to_auth_users": False, "homeroom_course": False, "course_color": None,
        "friendly_name": None, "apply_assignment_group_weights": False,
        "calendar": {"ics": f"{host()}/feeds/calendars/course_{uuid_of('course', course.id)}.ics"},
        "time_zone": TIME_ZONE, "blueprint": False, "template": False,
    }
    if sis:
        out.update(sis_course_id=course.course_code or None, integration_id=None,
                   sis_import_id=None)
    if mine is not None:
        out["enrollments"] = [
            {"type": e.type.replace("Enrollment", "").lower(), "role": e.type,
             "role_id": ROLE_IDS[e.type], "user_id": e.uid, "enrollment_state": e.state,
             "limit_privileges_to_course_section": e.limit_privileges_to_course_section}
            for e in mine]
    out.update(hide_final_grades=False, workflow_state=api_state(course),
               restrict_enrollments_to_course_dates=False)
    return out


def api_state(course):
    """Canvas's course.api_state: created and claimed courses are unpublished."""
    return "unpublished" if course.workflow_state in ("created", "claimed") else \
        course.workflow_state


def section_json(section, sis=False):
    out = {"id": section.id, "course_id": section.course_id, "name": section.title,
           "start_at": None, "end_at": None, "created_at": DEFAULT_TIME,
           "restrict_enrollments_to_section_dates": False, "nonxlist_course_id": None}
    if sis:
        out.update(sis_section_id=section.section_school_code or None,
                   sis_course_id=store().courses[section.course_id].course_code or None,
                   integration_id=None, sis_import_id=None)
    return out


def account_json(account):
    return {"id": account.id, "name": account.name, "workflow_state": "active",
            "parent_account_id": None, "root_account_id": None,
            "uuid": uuid_of("account", account.id), "default_storage_quota_mb": 500,
            "default_user_storage_quota_mb": 50, "default_group_storage_quota_mb": 50,
            "default_time_zone": TIME_ZONE}  # a root account shows no SIS ids
