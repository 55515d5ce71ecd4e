"""What the /api/v1 endpoints take and answer, as marshmallow schemas for the
OpenAPI document (contract.py) and the notes (notes.py). The answers follow
render.py, bulk.py and pairings.py field for field: a field every answer of
the kind carries is required, one that depends on the caller's rights, on
include[] or on the record is optional, and no other field may appear, so
that a check of an answer against the document means something.

Request bodies are described as JSON. A form body carries the same
parameters with Rails' brackets (enrollment[user_id]=1, user_ids[]=1), as
the query does."""
from marshmallow import Schema, fields, validate

from ..store.records import ENDING_STATES, PAIRING_STATES, PROGRESS_STATES, TYPES

STATES = ("active", "invited", "creation_pending", "inactive", "completed", "rejected", "deleted")
INCLUDES = ("avatar_url", "group_ids", "locked", "observed_users", "can_be_removed", "uuid",
            "current_points", "temporary_enrollment_providers")
# What each task of DELETE /courses/:id/enrollments/:id does to the enrollment
# (gone: the state it leaves for, status: Schoology's status it takes).
TASKS = {"conclude": {"gone": None, "status": 5}, "delete": {"gone": "deleted"},
         "inactivate": {"gone": None, "status": 2}, "deactivate": {"gone": None, "status": 2}}

S, I, B, N = fields.String, fields.Integer, fields.Boolean, fields.Float
TIME = {"description": "UTC, e.g. 2026-08-24T15:00:00Z"}


class CanvasId(fields.Field):
    """An id as Canvas takes it: a number (a JSON integer, or its digits) or
    a string such as `self` or `sis_user_id:T1001`."""

    def openapi(self):
        # anyOf, not a list of types: tools that read a parameter's style
        # (openapi-core) want one type or none
        return {"anyOf": [{"type": "integer", "minimum": 0}, {"type": "string"}]}


def req(field):
    field.required = True
    return field


def time(**kw):
    return S(metadata=TIME, **kw)


def null(field):
    """A field sent always, sometimes null."""
    field.allow_none = field.required = True
    return field


# --- answers ------------------------------------------------------------------
class User(Schema):
    """A user as an enrollment list shows it (user_json)."""
    id = req(I())
    name = req(S())
    created_at = req(time())
    sortable_name = req(S())
    short_name = req(S())
    # to those who read SIS ids (admins, teachers, TAs, designers)
    sis_user_id = S(allow_none=True)
    integration_id = S(allow_none=True)
    sis_import_id = I(allow_none=True)  # to account admins
    # include[]
    avatar_url = S()
    group_ids = fields.List(I())
    uuid = S()


class RosterUser(Schema):
    """A user as the roster lists show one (courses/:id/users, accounts/:id/users)."""
    id = req(I())
    name = req(S())
    created_at = req(time())
    sortable_name = req(S())
    short_name = req(S())
    # to those who read SIS ids
    sis_user_id = S(allow_none=True)
    integration_id = S(allow_none=True)
    sis_import_id = I(allow_none=True)  # to account admins
    login_id = S(allow_none=True, metadata={
        "description": "to those who see logins (teachers, TAs, admins)"})
    # include[]
    avatar_url = S()
    enrollments = fields.List(fields.Nested(lambda: Enrollment()))
    email = S(allow_none=True, metadata={"description": "to those who read email addresses"})
    last_login = time(allow_none=True)
    time_zone = S()
    uuid = S()


class Permissions(Schema):
    can_update_name = req(B())
    can_update_avatar = req(B())
    limit_parent_app_web_access = req(B())


class Profile(User):
    """GET /users/:id: the user, with their names and, to themself, more."""
    avatar_url = req(S())
    last_name = req(S())
    first_name = req(S())
    locale = null(S())
    effective_locale = S()  # the caller's own profile
    permissions = fields.Nested(Permissions)  # the caller's own profile


class Grades(Schema):
    """A student enrollment's grades: its link always; the scores to the
    student, their observers and the course's graders; the unposted ones to
    the graders; points with include[]=current_points."""
    html_url = req(S())
    current_points = N(allow_none=True)
    current_grade = S(allow_none=True)
    current_score = N(allow_none=True)
    final_grade = S(allow_none=True)
    final_score = N(allow_none=True)
    unposted_current_score = N(allow_none=True)
    unposted_current_grade = S(allow_none=True)
    unposted_final_score = N(allow_none=True)
    unposted_final_grade = S(allow_none=True)
    unposted_current_points = N(allow_none=True)


class Enrollment(Schema):
    id = req(I())
    root_account_id = req(I())
    user_id = req(I())
    course_id = req(I())
    course_section_id = req(I())
    associated_user_id = null(I(metadata={"description": "the observed student"}))
    temporary_enrollment_source_user_id = null(I(metadata={
        "description": "a temporary enrollment's provider"}))
    temporary_enrollment_pairing_id = null(I())
    limit_privileges_to_course_section = req(B())
    updated_at = req(time())
    created_at = req(time())
    start_at = null(time())
    end_at = null(time())
    type = req(S(validate=validate.OneOf(TYPES)))
    enrollment_state = req(S(validate=validate.OneOf(STATES)))
    role = req(S())
    role_id = req(I())
    # to the enrollment's user and the course's graders
    last_activity_at = time(allow_none=True)
    last_attended_at = time(allow_none=True)
    total_activity_time = I(metadata={"description": "seconds"})
    sis_import_id = I(allow_none=True)  # to account admins
    grades = fields.Nested(Grades)  # student enrollments
    # to those who read SIS ids
    sis_account_id = S(allow_none=True)
    sis_course_id = S(allow_none=True)
    course_integration_id = S(allow_none=True)
    sis_section_id = S(allow_none=True)
    section_integration_id = S(allow_none=True)
    sis_user_id = S(allow_none=True)
    html_url = req(S())
    user = fields.Nested(User, metadata={"description": "in lists only"})
    # include[]
    temporary_enrollment_provider = fields.Nested(User)
    locked = B()
    can_be_removed = B()
    observed_user = fields.Nested(lambda: ObservedUser())


class ObservedUser(User):
    """include[]=observed_users: an observer's student, with their student
    enrollments in the course."""
    enrollments = req(fields.List(fields.Nested(Enrollment)))


class CourseEnrollment(Schema):
    """The caller's own enrollments, as a course lists them."""
    type = req(S())
    role = req(S())
    role_id = req(I())
    user_id = req(I())
    enrollment_state = req(S(validate=validate.OneOf(STATES)))
    limit_privileges_to_course_section = req(B())


class EnrollmentTerm(Schema):
    id = req(I())
    name = req(S())
    start_at = null(time())
    end_at = null(time())
    created_at = req(time())
    workflow_state = req(S())
    grading_period_group_id = null(I())
    sis_term_id = S(allow_none=True)  # to those who read SIS ids
    course_count = I()  # include[]=course_count


class Teacher(Schema):
    """include[]=teachers: a teacher as user_display_json shows one."""
    id = req(I())
    anonymous_id = req(S(metadata={"description": "the id in base 36"}))
    display_name = req(S())
    avatar_image_url = req(S())
    html_url = req(S())
    pronouns = null(S())


class CourseSection(Schema):
    """include[]=sections: a section of the caller's, with the role they hold there."""
    id = req(I())
    name = req(S())
    start_at = null(time())
    end_at = null(time())
    enrollment_role = S()


class Calendar(Schema):
    ics = req(S())


class Course(Schema):
    id = req(I())
    name = req(S())
    account_id = req(I())
    uuid = req(S())
    start_at = null(time())
    grading_standard_id = null(I())
    is_public = req(B())
    created_at = req(time())
    course_code = req(S())
    default_view = req(S())
    root_account_id = req(I())
    enrollment_term_id = req(I())
    license = req(S())
    grade_passback_setting = null(S())
    end_at = null(time())
    public_syllabus = req(B())
    public_syllabus_to_auth = req(B())
    storage_quota_mb = req(I())
    is_public_to_auth_users = req(B())
    homeroom_course = req(B())
    course_color = null(S())
    friendly_name = null(S())
    apply_assignment_group_weights = req(B())
    calendar = req(fields.Nested(Calendar))
    time_zone = req(S())
    blueprint = req(B())
    template = req(B())
    # to those who read SIS ids
    sis_course_id = S(allow_none=True)
    integration_id = S(allow_none=True)
    sis_import_id = I(allow_none=True)
    enrollments = fields.List(fields.Nested(CourseEnrollment), metadata={
        "description": "the caller's enrollments in it (not in the account's list)"})
    hide_final_grades = req(B())
    workflow_state = req(S(validate=validate.OneOf(("unpublished", "available", "completed",
                                                    "deleted"))))
    restrict_enrollments_to_course_dates = req(B())
    # include[]
    total_students = I(metadata={"description": "its active, invited and pending students"})
    teachers = fields.List(fields.Nested(Teacher))
    term = fields.Nested(EnrollmentTerm)
    sections = fields.List(fields.Nested(CourseSection))
    account_name = S()
    account = fields.Nested(lambda: Account())
    concluded = B()


class Section(Schema):
    id = req(I())
    course_id = req(I())
    name = req(S())
    start_at = null(time())
    end_at = null(time())
    created_at = req(time())
    restrict_enrollments_to_section_dates = req(B())
    nonxlist_course_id = null(I())
    # to those who read SIS ids
    sis_section_id = S(allow_none=True)
    sis_course_id = S(allow_none=True)
    integration_id = S(allow_none=True)
    sis_import_id = I(allow_none=True)


class Account(Schema):
    id = req(I())
    name = req(S())
    workflow_state = req(S())
    parent_account_id = null(I())
    root_account_id = null(I())
    uuid = req(S())
    default_storage_quota_mb = req(I())
    default_user_storage_quota_mb = req(I())
    default_group_storage_quota_mb = req(I())
    default_time_zone = req(S())
    # a sub-account's, to those who read SIS ids; never the root account's
    sis_account_id = S(allow_none=True)
    integration_id = S(allow_none=True)
    sis_import_id = I(allow_none=True)


class ProgressResults(Schema):
    errors = req(fields.Dict(keys=S(), values=S(), metadata={
        "description": "by user id: what failed for that user"}))


class Progress(Schema):
    id = req(I())
    context_id = req(I())
    context_type = req(S())
    user_id = req(I())
    tag = req(S())
    completion = null(N(metadata={"description": "percent; null until the job runs"}))
    workflow_state = req(S(validate=validate.OneOf(PROGRESS_STATES)))
    created_at = req(time())
    updated_at = req(time())
    message = null(S())
    url = req(S())
    results = fields.Nested(ProgressResults, metadata={"description": "once the job is done"})


class PairingFields(Schema):
    id = null(I(metadata={"description": "null on an unsaved pairing (new)"}))
    root_account_id = req(I())
    workflow_state = req(S(validate=validate.OneOf(PAIRING_STATES)))
    created_at = null(time())
    updated_at = null(time())
    created_by_id = null(I())
    deleted_by_id = null(I())
    ending_enrollment_state = null(S(validate=validate.OneOf(ENDING_STATES)))


class Pairing(Schema):
    """Root-wrapped, as ActiveRecord's as_json writes it."""
    temporary_enrollment_pairing = req(fields.Nested(PairingFields))


class TemporaryStatus(Schema):
    is_provider = req(B())
    is_recipient = req(B())
    can_provide = req(B())


class Success(Schema):
    success = req(B())


class LastAttended(Schema):
    date = req(time())


# --- refusals -----------------------------------------------------------------
class ErrorMessage(Schema):
    message = req(S())
    error_code = S()


class Errors(Schema):
    """api_error_json and the authentication refusals (status first, as Canvas
    writes it)."""
    status = S(metadata={"description": "unauthenticated or unauthorized"})
    errors = req(fields.List(fields.Nested(ErrorMessage)))


class MessageError(Schema):
    """The enrollment controller's own 400s: {"message": ...}."""
    message = req(S())


class ErrorText(Schema):
    """The enrollment controller's other 400s: {"error": ...}."""
    error = req(S())


class FieldError(Schema):
    attribute = req(S())
    type = req(S())
    message = req(S())


class InvalidRecord(Schema):
    """A model validation failure: the record's errors, by field."""
    errors = req(fields.Dict(keys=S(), values=fields.List(fields.Nested(FieldError))))


class ErrorString(Schema):
    """bulk_enrollment's refusals: a plain string under errors."""
    errors = req(S())


class PairingInvalid(Schema):
    success = req(B())
    errors = req(fields.List(S()))


# --- requests -------------------------------------------------------------------
def described(text, field):
    field.metadata = dict(field.metadata, description=text)
    return field


def listed(name, item, text):
    return described(text, fields.List(item, data_key=f"{name}[]"))


class Paged(Schema):
    page = described("`first`, a page from a `Link` header (`bookmark:...`), or a number",
                     S())
    per_page = described("rows per page: 10 by default; held to 1..100 (per_page.to_i)",
                         I(validate=validate.Range(1, 100)))


class EnrollmentFilters(Paged):
    type = listed("type", S(), "enrollment types (StudentEnrollment, TeacherEnrollment, "
                  "TaEnrollment, DesignerEnrollment, ObserverEnrollment); ignored when "
                  "role[] or role_id is given")
    role = listed("role", S(validate=validate.OneOf(TYPES)),
                  "role names (the built-in roles are named for their types); an unknown "
                  "one is a 400; ignored when role_id is given")
    role_id = listed("role_id", I(), "role ids: Student 3, Teacher 4, Ta 5, Designer 6, "
                     "Observer 7")
    state = listed("state", S(), "enrollment states (" + ", ".join(STATES) + "); on a user's "
                   "own enrollments also current_and_invited, current_and_future, "
                   "current_and_concluded, current_future_and_restricted. Default: active "
                   "and invited (and creation_pending, and inactive to the course's admins, "
                   "on a course or section)")
    include = listed("include", S(validate=validate.OneOf(INCLUDES)), "more on each row")
    grading_period_id = described("a grading period of the course (an unknown one is a "
                                  "400)", I())
    sis_account_id = listed("sis_account_id", S(), "SIS account ids (to those who read SIS)")
    sis_course_id = listed("sis_course_id", S(), "SIS course ids (course codes)")
    sis_section_id = listed("sis_section_id", S(), "SIS section ids (section school codes)")
    sis_user_id = listed("sis_user_id", S(), "SIS user ids (school uids)")
    created_for_sis_id = listed("created_for_sis_id", B(), "with sis_user_id[]: only "
                                "enrollments a SIS import made for those ids (the mock "
                                "has no SIS imports)")


class CourseEnrollmentQuery(EnrollmentFilters):
    user_id = described("only this user's enrollments: an id, or `self` for the caller's",
                        S())


class UserEnrollmentQuery(EnrollmentFilters):
    enrollment_term_id = described("the school's one term: 1, `default` or `current` "
                                   "(another is a 404)", S())
    temporary_enrollments_for_recipient = described(
        "true: the temporary enrollments the user holds (account admins)", B())
    temporary_enrollment_recipients_for_provider = described(
        "true: the temporary enrollments the user provides (account admins)", B())


class EnrollmentParams(Schema):
    user_id = req(described("the user: an id, `self` or `sis_user_id:...`", CanvasId()))
    type = described("default StudentEnrollment, or the role's type",
                     S(validate=validate.OneOf(TYPES)))
    role = described("a role by name (deprecated); ignored when role_id is given", S())
    role_id = described("a role by id: Student 3, Teacher 4, Ta 5, Designer 6, Observer 7",
                        CanvasId())
    enrollment_state = described("default invited (active for observers)",
                                 S(validate=validate.OneOf(("active", "invited", "inactive"))))
    course_section_id = described("the section, on a course's path (default: the course's "
                                  "first); ignored on a section's path", CanvasId())
    limit_privileges_to_course_section = B()
    notify = described("send the user a notification (the mock sends none)", B())
    self_enrollment_code = described("self-enrollment (the mock's courses have no code: "
                                     "always a 400)", S())
    self_enrolled = B()
    associated_user_id = described("an observer's student", CanvasId())
    start_at = described("ISO 8601 (or RFC 2822, or JavaScript's Date text)", S())
    end_at = described("ISO 8601 (or RFC 2822, or JavaScript's Date text)", S())
    sis_user_id = described("a user of a trusted account, with root_account (the mock "
                            "has one account: use user_id)", S())
    integration_id = described("as sis_user_id", S())
    temporary_enrollment_source_user_id = described("a temporary enrollment's provider",
                                                    CanvasId())
    temporary_enrollment_pairing_id = described("a temporary enrollment's pairing",
                                                CanvasId())


class CreateBody(Schema):
    enrollment = req(fields.Nested(EnrollmentParams))
    root_account = described("the domain of a trusted account, with enrollment[sis_user_id]",
                             S())


class TaskQuery(Schema):
    task = described("conclude (the default, and what an unknown task does), delete, "
                     "inactivate or deactivate; in the query or the body",
                     S(validate=validate.OneOf(tuple(TASKS))))


class TaskBody(TaskQuery):
    pass


class DateBody(Schema):
    date = req(described("the last attended date: ISO 8601, RFC 2822 or JavaScript's "
                         "Date text", S()))


class BulkEnrollmentBody(Schema):
    user_ids = req(described("users to enroll (ids or sis_user_id:...); those not found "
                             "are passed over", fields.List(CanvasId())))
    course_ids = req(described("courses to enroll them in", fields.List(CanvasId())))
    enrollment_type = S(validate=validate.OneOf(TYPES))
    enrollment_role_id = CanvasId()


class BulkEnrollmentForm(Schema):
    """BulkEnrollmentBody as a form sends it: the lists in Rails' brackets."""
    user_ids = req(listed("user_ids", S(), "users to enroll (ids or sis_user_id:...); "
                          "those not found are passed over"))
    course_ids = req(listed("course_ids", S(), "courses to enroll them in"))
    enrollment_type = S(validate=validate.OneOf(TYPES))
    enrollment_role_id = CanvasId()


class PairingBody(Schema):
    workflow_state = described("default active", S(validate=validate.OneOf(("active",
                                                                             "deleted"))))
    ending_enrollment_state = described(
        "what the pairing's enrollments become when they end; anything but completed or "
        "inactive is deleted", S(validate=validate.OneOf(ENDING_STATES)))


class AccountQuery(Schema):
    account_id = described("limit the look to this account's courses (`self`, or its id)",
                           S())


class BulkStatusQuery(AccountQuery):
    user_ids = req(listed("user_ids", S(), "the users (ids); those the caller may not "
                          "see are left out"))
    limit = described("at most this many users (default 10, at most 100)",
                      I(validate=validate.Range(1, 100)))


class IncludeQuery(Schema):
    include = listed("include", S(), "Canvas's extras for this object (the mock adds none)")
