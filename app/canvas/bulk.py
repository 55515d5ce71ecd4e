"""Bulk enrollment (EnrollmentsApiController#bulk_enrollment) and the
Progress API that shows its job: the answer is a queued Progress, the
enrollments are made after it, and GET /progress/:id follows the job to
completed, with its results."""
from ..api.context import store
from ..api.contract import IGNORED, link, note
from ..store import NotFound
from ..store.records import STATUS_OF_STATE, TYPES
from ..toolkit import jobs
from . import schemas as s
from .auth import caller, rights
from .errors import CanvasError, forbidden, not_found
from .ids import find_account, find_course, number, parse_id
from .jsonfmt import answer
from .params import params, scalars, strings
from .render import TYPE_OF_ROLE_ID, host

MOST = 500  # users x courses in one request
# The controller's refusals are a plain string under "errors".
INVALID_ROLE, BAD_TYPE = "Invalid role", "Invalid enrollment type."
MISMATCH = "The specified type must match the base type for the role"
TOO_MANY = "Too many users to enroll at once."


def _refuse(message):
    return CanvasError(400, {"errors": message}, schema=s.ErrorString)


def _missing(name):
    """Canvas fails with a 500 when user_ids or course_ids is absent (it calls
    a method on nil); the mock answers Rails' missing-parameter 400."""
    return CanvasError(400, {"errors": [{"message": f"{name} is missing"}]})


def _users(given):
    """The users named (numeric or sis_user_id:); others are passed over, as
    api_find_all does, each with a note (before anything changes)."""
    found = []
    for value in given:
        column, key = parse_id(value) or (None, None)
        uid = store().uid_by_school_uid.get(key) if column == "sis_user_id" else \
            key if column is None else None
        if uid not in store().users:
            note(IGNORED, f"user_ids[]: {value!r} names no user; Canvas passes it over")
        elif uid not in found:
            found.append(uid)
    return found


def bulk_enrollment(account_id):
    account = find_account(account_id)
    p = params()
    given = scalars({name: p.get(name) for name in ("enrollment_type", "enrollment_role_id")})
    kind, role = given["enrollment_type"] or None, None
    if given["enrollment_role_id"] not in (None, ""):
        role = TYPE_OF_ROLE_ID.get(number(given["enrollment_role_id"]))
        if role is None:
            raise _refuse(INVALID_ROLE)
        kind = kind or role
    kind = kind or "StudentEnrollment"
    if role is not None and kind != role:
        raise _refuse(MISMATCH)
    if kind not in TYPES:
        raise _refuse(BAD_TYPE)
    if p.get("user_ids") is None:
        raise _missing("user_ids")
    if p.get("course_ids") is None:
        raise _missing("course_ids")
    user_ids, course_ids = strings(p["user_ids"]), strings(p["course_ids"])
    if user_ids and course_ids and len(user_ids) * len(course_ids) > MOST:
        raise _refuse(TOO_MANY)
    courses = []
    for value in course_ids:
        course = find_course(value)
        if not rights(course.id).may_enroll(kind):
            raise forbidden()
        if course.id not in courses:
            courses.append(course.id)
    school, uids = store(), _users(user_ids)
    progress = school.create_progress("bulk_enrollment", account.id, caller().uid)
    state = STATUS_OF_STATE["active" if kind == "ObserverEnrollment" else "invited"]
    jobs.submit(lambda: school.bulk_enroll(progress.id, uids, courses, kind, state))
    return answer(s.Progress, progress_json(progress))


def progress_json(progress):
    out = {"id": progress.id, "context_id": progress.context_id, "context_type": "Account",
           "user_id": progress.user_id, "tag": progress.tag, "completion": progress.completion,
           "workflow_state": progress.workflow_state, "created_at": progress.created_at,
           "updated_at": progress.updated_at, "message": progress.message,
           "url": host() + link(show_progress, progress_id=progress.id)}
    if progress.workflow_state not in ("queued", "running") and progress.results is not None:
        out["results"] = progress.results
    return out


def show_progress(progress_id):
    """Canvas asks for read on the progress's context, the account: its
    administrators have it, and so (taken here) does the user who started the job."""
    if number(progress_id) is None:
        raise not_found()
    try:
        progress = store().find_progress(number(progress_id))
    except NotFound:
        raise not_found() from None
    if not (caller().administrator or caller().uid == progress.user_id):
        raise forbidden()
    return answer(s.Progress, progress_json(progress))
