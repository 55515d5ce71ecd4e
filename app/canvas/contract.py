"""The operations of the /api/v1 endpoints (api/contract.py's Operation):
what each takes and answers, status by status, from the schemas in
schemas.py, and the document's description of the dialect. The route table
(routes.py) pairs each with its path; toolkit/openapi.py writes the Canvas
document from them; notes.py holds each request to them."""
import json
from urllib.parse import urlencode

from ..api.contract import Body, Description, Operation, Reply, Sample
from . import schemas as s

FORM = "application/x-www-form-urlencoded"
# enrollment[user_id]=...: the hash in brackets, as Rails reads a form
CREATE_FORM = {FORM: Body(s.CreateBody, {"enrollment": {"style": "deepObject",
                                                        "explode": True}})}


def rails_form(body):
    """A body as Rails reads a form: a[b]=1 for a hash, a[]=1&a[]=2 for a list."""
    pairs = []

    def put(name, value):
        if isinstance(value, dict):
            for key, item in value.items():
                put(f"{name}[{key}]", item)
        elif isinstance(value, list):
            for item in value:
                put(f"{name}[]", item)
        elif value is not None:  # a form has no null: left out
            pairs.append((name, str(value).lower() if isinstance(value, bool) else value))
    for name, value in body.items():
        put(name, value)
    return urlencode(pairs)


ALGEBRA, ENGLISH, SECTION = "2091834501", "2091834577", "3719526"  # of the demo school
TEACHER, DYLAN, NEWCOMER = "45552101", "45552222", "45552145"  # NEWCOMER: in no section
DYLAN_P1, INACTIVE = "54302506", "54302600"  # Dylan's Period 1; an inactive one in Algebra I

FORBIDDEN = Reply("Not permitted: `{\"status\":\"unauthorized\",\"errors\":[...]}`", s.Errors)
LINK = {"Link": ("The pages: rel current, next (while there is more), first and last; "
                 "each the request's URL with page and per_page set", {"type": "string"})}


def any_of(*schemas):
    return {"anyOf": list(schemas)}


def bad(what, *shapes):
    """A 400: what, in its shapes, or a malformed parameter (and, in strict
    mode, a note refused) in Canvas's {"errors": [...]}."""
    return Reply(f"Bad request: {what}; or a malformed parameter", any_of(s.Errors, *shapes))


def enrollments(summary, query, sample, description):
    return Operation(
        summary, "Enrollments", query=query, sample=sample, description=description,
        replies={200: Reply("A page of enrollments, sorted by type, sortable name and id",
                            {"type": "array", "items": s.Enrollment}, headers=LINK),
                 400: bad("an unknown role[] (`{\"errors\":[...]}`), SIS filters without the "
                          "right to read SIS ids (`{\"message\":...}`), an unknown state[] on "
                          "the caller's own enrollments or an unknown grading period "
                          "(`{\"error\":...}`)", s.MessageError, s.ErrorText),
                 403: FORBIDDEN})


LISTS = "Rows carry the user; grades, activity and SIS ids as the caller may see them."
ONE = Reply("The enrollment", s.Enrollment)
CREATE_400 = bad("what Canvas checks of enrollment[...] (`{\"message\":\"Invalid type, ...\"}`)"
                 ", or a field the record refuses (`{\"errors\":{\"end_at\":[...]}}`)",
                 s.MessageError, s.InvalidRecord)
INVITATION_400 = bad("not an invitation to take (`{\"error\":\"no current invitation\"}`, "
                     "`{\"error\":\"membership not activated\"}`)", s.ErrorText)

COURSE_ENROLLMENTS = enrollments(
    "List a course's enrollments", s.CourseEnrollmentQuery,
    Sample({"course_id": ALGEBRA}, "per_page=2"), LISTS)
SECTION_ENROLLMENTS = enrollments(
    "List a section's enrollments", s.CourseEnrollmentQuery,
    Sample({"section_id": SECTION}, "per_page=2"), LISTS)
USER_ENROLLMENTS = enrollments(
    "List a user's enrollments", s.UserEnrollmentQuery,
    Sample({"user_id": DYLAN}),
    LISTS + " Other users' enrollments are for account admins. The temporary "
    "enrollment lists answer 403 when they have nothing to show, as Canvas does.")
SHOW = Operation(
    "Get an enrollment by id", "Enrollments", replies={200: ONE, 403: FORBIDDEN},
    description="Deleted enrollments too. For account admins and the enrollment's user.",
    sample=Sample({"account_id": "self", "enrollment_id": DYLAN_P1}))
COURSE_CREATE = Operation(
    "Enroll a user in a course", "Enrollments", body=s.CreateBody, bodies=CREATE_FORM,
    replies={200: Reply("The enrollment (200, not 201, as Canvas answers)", s.Enrollment),
             400: CREATE_400, 403: FORBIDDEN},
    description="In enrollment[course_section_id], or the course's first section. A "
                "user already enrolled there as that type (and observed user) gets that "
                "enrollment back, with the dates, provider and pairing given.",
    sample=Sample({"course_id": ALGEBRA}, body={"enrollment": {
        "user_id": NEWCOMER, "type": "StudentEnrollment", "enrollment_state": "active"}}))
SECTION_CREATE = Operation(
    "Enroll a user in a section", "Enrollments", body=s.CreateBody, bodies=CREATE_FORM,
    replies={200: Reply("The enrollment (200, not 201, as Canvas answers)", s.Enrollment),
             400: CREATE_400, 403: FORBIDDEN},
    description="enrollment[course_section_id] is ignored here.",
    sample=Sample({"section_id": SECTION},
                  body={"enrollment": {"user_id": NEWCOMER, "type": "StudentEnrollment"}}))
DESTROY = Operation(
    "Conclude, deactivate or delete an enrollment", "Enrollments",
    query=s.TaskQuery, body=s.TaskBody, body_required=False,
    replies={200: Reply("The enrollment, changed", s.Enrollment), 403: FORBIDDEN},
    description="task: conclude (completed), delete (deleted), inactivate or deactivate "
                "(inactive); without one, or with one Canvas does not know, the "
                "enrollment is concluded. canvasapi sends task in a form body.",
    sample=Sample({"course_id": ALGEBRA, "enrollment_id": DYLAN_P1},
                  body={"task": "conclude"}))
ACCEPT = Operation(
    "Accept a course invitation (the caller's own)", "Enrollments",
    replies={200: Reply("Taken: `{\"success\":true}` (also when already active)", s.Success),
             400: INVITATION_400, 403: FORBIDDEN})
REJECT = Operation(
    "Reject a course invitation (the caller's own)", "Enrollments",
    replies={200: Reply("Rejected: `{\"success\":true}` (also when already rejected)",
                        s.Success),
             400: INVITATION_400, 403: FORBIDDEN})
REACTIVATE = Operation(
    "Reactivate an inactive enrollment", "Enrollments",
    replies={200: Reply("The enrollment, active", s.Enrollment),
             400: bad("not inactive (`{\"error\":\"enrollment not inactive\"}`)",
                      s.ErrorText),
             403: FORBIDDEN},
    sample=Sample({"course_id": ALGEBRA, "enrollment_id": INACTIVE}))
LAST_ATTENDED = Operation(
    "Set a user's last attended date in a course", "Enrollments", body=s.DateBody,
    replies={200: Reply("The date, as set (not the Enrollment the docs promise)",
                        s.LastAttended),
             400: bad("no date, or one Canvas cannot read "
                      "(`{\"message\":\"Invalid date time input\"}`)", s.MessageError),
             403: FORBIDDEN},
    description="On every enrollment of the user in the course; for its graders. A "
                "user_id that is not a number sets nothing, as in Canvas.",
    sample=Sample({"course_id": ALGEBRA, "user_id": DYLAN},
                  body={"date": "2026-11-23"}))

BULK_ENROLLMENT = Operation(
    "Enroll users in courses, in the background", "Bulk enrollment",
    body=s.BulkEnrollmentBody, bodies={FORM: Body(s.BulkEnrollmentForm)},
    replies={200: Reply("The job's Progress, queued", s.Progress),
             400: bad("Canvas's checks, a plain string (`{\"errors\":\"Invalid "
                      "enrollment type.\"}`; past 500 users x courses, `Too many users "
                      "to enroll at once.`); or no user_ids or course_ids "
                      "(`{\"errors\":[{\"message\":\"user_ids is missing\"}]}`)",
                      s.ErrorString),
             403: FORBIDDEN},
    description="Each user in each course's first section, reusing an enrollment of the "
                "same type. Without user_ids or course_ids the real service fails with a "
                "500; the mock answers 400.",
    sample=Sample({"account_id": "self"}, body={
        "user_ids": [NEWCOMER], "course_ids": [ENGLISH],
        "enrollment_type": "StudentEnrollment"}))
PROGRESS = Operation(
    "Follow a bulk enrollment's job", "Bulk enrollment",
    replies={200: Reply("The Progress; results once completed", s.Progress),
             403: FORBIDDEN},
    description="For account admins and the user who started the job.")

USER_STATUS = Operation(
    "Whether a user provides or receives temporary enrollments", "Temporary enrollments",
    query=s.AccountQuery, replies={200: Reply("The status", s.TemporaryStatus),
                                   403: FORBIDDEN},
    sample=Sample({"user_id": TEACHER}))
BULK_STATUS = Operation(
    "The temporary enrollment status of several users", "Temporary enrollments",
    query=s.BulkStatusQuery,
    replies={200: Reply("By user id (as text), for the users the caller may see",
                        {"type": "object", "additionalProperties": s.TemporaryStatus}),
             400: Reply("No user_ids (an empty object), or a malformed parameter",
                        {"anyOf": [s.Errors, {"type": "object", "maxProperties": 0}]}),
             404: Reply("No such account_id", s.Errors)},
    sample=Sample(query=f"user_ids[]={TEACHER}&user_ids[]={DYLAN}"))

PAIRING = Reply("The pairing, root-wrapped", s.Pairing)
ADMINS = "For account admins."
PAIRING_INDEX = Operation(
    "List pairings: null, as the real service answers", "Temporary enrollment pairings",
    replies={200: Reply("null: the real controller renders a variable it never sets "
                        "(the docs promise a list)", {"type": "null"}),
             403: FORBIDDEN},
    description=ADMINS, sample=Sample({"account_id": "self"}))
PAIRING_CREATE = Operation(
    "Create a pairing", "Temporary enrollment pairings", body=s.PairingBody,
    body_required=False,
    replies={201: Reply("The pairing", s.Pairing),
             403: FORBIDDEN,
             422: Reply("A workflow_state other than active or deleted",
                        s.PairingInvalid)},
    description=ADMINS + " An ending_enrollment_state other than completed or inactive "
                         "is stored as deleted.",
    sample=Sample({"account_id": "self"},
                  body={"ending_enrollment_state": "completed"}))
PAIRING_NEW = Operation(
    "An unsaved pairing", "Temporary enrollment pairings",
    replies={200: Reply("The pairing, unsaved: id null", s.Pairing), 403: FORBIDDEN},
    description=ADMINS, sample=Sample({"account_id": "self"}))
PAIRING_SHOW = Operation(
    "Get a pairing", "Temporary enrollment pairings",
    replies={200: PAIRING, 403: FORBIDDEN}, description=ADMINS + " Deleted ones too.")
PAIRING_DESTROY = Operation(
    "Delete a pairing", "Temporary enrollment pairings",
    replies={204: Reply("Deleted (no body, no Content-Type); the pairing is kept, with "
                        "deleted_by_id"), 403: FORBIDDEN},
    description=ADMINS)

COURSE = Operation(
    "Get a course", "Lookups", query=s.IncludeQuery,
    replies={200: Reply("The course, with the caller's enrollments in it", s.Course),
             403: FORBIDDEN},
    description="For its members and account admins.",
    sample=Sample({"course_id": ALGEBRA}))
SECTION_LOOKUP = Operation(
    "Get a section", "Lookups", query=s.IncludeQuery,
    replies={200: Reply("The section", s.Section), 403: FORBIDDEN},
    description="For the course's members and account admins.",
    sample=Sample({"section_id": SECTION}))
USER = Operation(
    "Get a user's profile", "Lookups", query=s.IncludeQuery,
    replies={200: Reply("The user", s.Profile), 403: FORBIDDEN},
    description="The caller's own (`self`), or another's to account admins and the "
                "user's teachers.",
    sample=Sample({"user_id": TEACHER}))
ACCOUNT = Operation(
    "Get the account", "Lookups",
    replies={200: Reply("The school's one account", s.Account), 403: FORBIDDEN},
    description="`self`, `default` or its id; for account admins.",
    sample=Sample({"account_id": "self"}))

BEARER = 'Bearer realm="canvas-lms"'

DESCRIPTION = Description(
    title="Canvas LMS Enrollments API (schoology-mock)",
    version="1",
    summary=(
        "Canvas LMS's Enrollments API, its Temporary Enrollment Pairings API and the "
        "roster around them (the accounts, their courses, terms and users; a course's "
        "sections and users; the caller's courses; lookups by id), as "
        "schoology-mock serves them over the same school as its Schoology API: an "
        "enrollment made through one is seen through the other at once.\n\n"
        "Requests bear an access token: `Authorization: Bearer <token>`, or `access_token` "
        "in the query or the body. The demo school's tokens are `demo-canvas-admin-token` "
        "(an account admin), `demo-canvas-teacher-token`, `demo-canvas-student-token`, "
        "`demo-canvas-observer-token` and `demo-canvas-ta-token`. What a caller may do and "
        "see follows Canvas's default roles.\n\n"
        "Parameters are read as Rails reads them: the query, then a form body "
        "(urlencoded or multipart, with Rails' brackets: `enrollment[user_id]=1`, "
        "`type[]=StudentEnrollment`) or a JSON body, merged, the body winning. Bodies are "
        "described here as JSON; a form carries the same names in brackets, as canvasapi "
        "sends them. Booleans read `true/false`, `t/f`, `yes/no`, `y/n`, `on/off`, `1/0`.\n\n"
        "Lists are JSON arrays, paged by the `Link` header (rel current, next, first, "
        "last): `per_page` 10 by default, 1 to 100. Enrollment lists page by bookmark "
        "(`first`, then the `bookmark:...` of the `Link` header; a number works too); the "
        "roster lists by number (`page=2`), with no `last` where Canvas counts no total "
        "(an account's courses and users, a course's users).\n\n"
        "Where the real service and its docs differ, the mock does what the service does: "
        "create answers 200, not 201; `last_attended` answers `{\"date\":...}`; pairings "
        "are root-wrapped, created with 201, deleted with 204 and no body, and their index "
        "answers `null`; a `task` Canvas does not know concludes. Refusals are Canvas's: "
        "401 with `WWW-Authenticate`, 403 `{\"status\":\"unauthorized\",...}` (hosted "
        "Canvas's status), 404 `{\"errors\":[{\"message\":\"The specified resource does not "
        "exist.\"}]}` for unknown ids, paths and methods, and the enrollment controller's "
        "own 400s (`{\"message\":...}`, `{\"error\":...}`).\n\n"
        "Where Canvas ignores, coerces or caps part of a request (an unknown parameter or "
        "enrollment[...] field, a JSON string where a boolean goes, per_page over 100, "
        "type[] beside role[]), the mock does too, and notes it in its journal "
        "(`GET /_mock/requests?notes=1`); `serve --strict` refuses such a request with a "
        "400 instead, before it changes anything."),
    security={
        "bearer": {"type": "http", "scheme": "bearer",
                   "description": "A Canvas access token: `Authorization: Bearer <token>`. "
                                  "Missing or unknown, the answer is a 401 with "
                                  f"`WWW-Authenticate: {BEARER}`."},
        "access_token": {"type": "apiKey", "in": "query", "name": "access_token",
                         "description": "The token as a parameter (the query or the body), "
                                        "where no Authorization header is sent."}},
    media=("application/json",),
    encoders={"application/json": json.dumps, FORM: rails_form},
    common={
        400: Reply("Bad request: a malformed parameter (`a=1&a[b]=2`, a list where one "
                   "value goes, JSON that does not parse); with the mock's strict mode on, "
                   "also a request the real API would silently take (see the journal's "
                   "notes)", s.Errors),
        401: Reply("No token (`{\"status\":\"unauthenticated\",...}`) or an unknown one "
                   "(`{\"errors\":[{\"message\":\"Invalid access token.\"}]}`)", s.Errors,
                   headers={"WWW-Authenticate": (BEARER, {"type": "string"})}),
        413: Reply("The body is larger than the server reads (1 MiB)", s.Errors),
    },
    not_found=Reply("No such object (or path)", s.Errors),
    parameters={
        "course_id": ("The course: its id, or `sis_course_id:` and its course code "
                      "(`hex:sis_course_id:` and the code in hex)", None),
        "section_id": ("The section: its id, or `sis_section_id:` and its section school "
                       "code (`hex:sis_section_id:` and the code in hex)", None),
        "user_id": ("The user: its id, `self` (the caller), `sis_user_id:` and its school "
                    "uid (`hex:sis_user_id:` and the uid in hex), or `uuid:` and its uuid",
                    None),
        "account_id": ("The school's account: `self`, `default` or its id (1 in the demo "
                       "school)", None),
        "enrollment_id": ("The enrollment's id", None),
        "progress_id": ("The Progress's id", None),
        "pairing_id": ("The pairing's id", None),
        "id": ("The section: its id, or `sis_section_id:` and its section school code",
               None),
    },
    tags=(("Enrollments", "Who is in a course or section, and changing it"),
          ("Bulk enrollment", "Many users into many courses, as a background job"),
          ("Temporary enrollments", "Who provides and receives temporary enrollments"),
          ("Temporary enrollment pairings", "The pairings temporary enrollments belong to"),
          ("Accounts", "The school's account: its courses, users, terms and sub-accounts"),
          ("Courses", "The caller's courses, and a course's users"),
          ("Lookups", "What a Canvas client asks first")),
    servers=[{"url": "https://canvas.instructure.com", "description": "a real Canvas (each "
              "school has its own host)"}],
)
