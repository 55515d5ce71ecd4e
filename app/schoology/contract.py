"""The operations of the /v1 endpoints (api/contract.py's Operation): what
each takes and answers, from the schemas the views load and dump with, and
the document's description of the dialect. The route table (routes.py)
pairs each with its path; toolkit/openapi.py writes the Schoology document
from them; notes.py holds each request to them."""
import json

from ..api.contract import Description, Operation, Reply, Sample
from .formats import xmlfmt
from .schemas import documents as d
from .schemas import inputs

SECTION, GROUP = "3719526", "1530027713"  # of the demo school
TEACHER, NEWCOMER = "45552101", 45552145  # NEWCOMER: in neither realm

MESSAGE = {"type": "string", "description": "what was wrong"}
EMPTY_403 = Reply("Not permitted (empty body)")
EMPTY_404 = Reply("No such object (empty body)")
NO_CONTENT = Reply("Done (empty body)")


def see_other(what):
    return Reply(f"See Other: {what} (empty body; clients sign again before following)",
                 headers={"Location": ("the user's own URL", {"type": "string",
                                                              "format": "uri"})})


def bad(what):
    return Reply(f"Bad request: {what}", MESSAGE)


TOO_LARGE = {413: Reply("The body is larger than the server reads (1 MiB)", MESSAGE)}
MULTI = "Multi-Status: one row per item, in order; each row has its own response_code"


def realm_operations(realm):
    """The enrollment operations of one realm (sections or groups), by name."""
    section = realm.name == "section"
    one = d.SectionEnrollment if section else d.GroupEnrollment
    created = d.SectionEnrollmentCreated if section else d.GroupEnrollmentCreated
    page = d.SectionEnrollmentPage if section else d.GroupEnrollmentPage
    realm_id = {"realm_id": SECTION if section else GROUP}
    code = "M9GKB-BMZWT" if section else "R6Q9K-ZMPJQ"
    tag = f"{realm.name.capitalize()} enrollments"
    sample_id = "54302505" if section else "54303065"
    item = dict(realm_id, enrollment_id=sample_id)
    return {
        "list": Operation(
            f"List a {realm.name}'s enrollments", tag, query=inputs.ListQuery,
            replies={200: Reply("A page of enrollments", page), 403: EMPTY_403},
            description="Filters take comma lists. A limit over 200 is served as 200.",
            sample=Sample(realm_id, "limit=2")),
        "create": Operation(
            f"Enroll a user in a {realm.name}, or up to 50 at once", tag,
            body={"oneOf": [d.BulkCreate, inputs.EnrollmentCreate]},
            replies={201: Reply("The enrollment", created),
                     207: Reply(MULTI, d.BulkCreateRows), 403: EMPTY_403, **TOO_LARGE},
            description="One enrollment answers 201 with it; the bulk envelope answers 207.",
            sample=Sample(realm_id, body={"uid": NEWCOMER, "admin": 0, "status": 1})),
        "update_many": Operation(
            f"Update up to 50 of a {realm.name}'s enrollments", tag, body=d.BulkUpdate,
            replies={207: Reply(MULTI, d.UpdateRows), 403: EMPTY_403, **TOO_LARGE},
            sample=Sample(realm_id, body={"enrollments": {"enrollment": [
                {"id": int(sample_id), "status": 1}]}})),
        "view": Operation(
            "View an enrollment", tag, query=inputs.EnrollmentQuery,
            replies={200: Reply("The enrollment", one), 403: EMPTY_403},
            sample=Sample(item)),
        "update": Operation(
            "Update an enrollment", tag, body=inputs.EnrollmentUpdate,
            replies={204: NO_CONTENT, 403: EMPTY_403, **TOO_LARGE},
            sample=Sample(item, body={"status": 1})),
        "delete": Operation(
            "Delete an enrollment", tag, replies={204: NO_CONTENT, 403: EMPTY_403}),
        "join": Operation(
            f"Join a {realm.name} with its access code, as the caller", tag,
            body=inputs.AccessCodeBody,
            replies={201: Reply("The caller's new enrollment", one), 403: EMPTY_403,
                     **TOO_LARGE},
            sample=Sample(realm_id, body={"access_code": code})),
    }


OTHER_REALM = Operation(
    "Enrollments under a realm that holds none", "Other realms",
    replies={403: Reply("Always: courses, users, schools, districts and buildings hold no "
                        "enrollments (empty body)")})

ACROSS_REALMS = Operation(
    "Enroll up to 50 users, each in the section or group it names", "Bulk enrollments",
    query=inputs.MultiRealmQuery, body=d.MultiRealmCreate,
    replies={207: Reply(MULTI, d.MultiRealmRows), **TOO_LARGE},
    description="update_existing=1 makes an existing enrollment of the user an update.",
    sample=Sample(body={"enrollments": {"enrollment": [
        {"uid": NEWCOMER, "admin": 0, "status": 1, "realm": "section",
         "section_id": int(SECTION)}]}}))
DELETE_MANY = Operation(
    "Delete up to 50 enrollments by id", "Bulk enrollments", query=inputs.DeleteQuery,
    replies={207: Reply(MULTI, d.DeleteRows)},
    sample=Sample(query="enrollment_ids=54302505"))
IMPORT_BY_GRADING_PERIODS = Operation(
    "Import enrollments by course code, section code and school uid", "Imports",
    body=d.CourseImport,
    replies={207: Reply(MULTI, d.CourseImportRows), **TOO_LARGE},
    description="The sections are those of the course and section code whose grading "
                "periods include every one in the path (comma-delimited); an unknown "
                "grading period is a 404.",
    sample=Sample({"grading_period_ids": "812202"}, body={"enrollments": {"enrollment": [
        {"course_code": "MATH-101", "section_code": "P1", "school_uid": "T1003"}]}}))
IMPORT_BY_SCHOOL_CODE = Operation(
    "Import enrollments by section school code and school uid", "Imports",
    body=d.SchoolCodeImport,
    replies={207: Reply(MULTI, d.SchoolCodeImportRows), **TOO_LARGE},
    sample=Sample(body={"enrollments": {"enrollment": [
        {"section_school_code": "MATH101-P1-2026", "school_uid": "T1002"}]}}))


def realm_views(kind, realm_id, schema):
    """A section or a group ("view"), and any other path under it ("rest"),
    which Schoology answers with the realm too."""
    tag = f"{kind.capitalize()}s"
    one = Reply(f"The {kind}", schema)
    return {
        "view": Operation(f"View a {kind}", tag, replies={200: one},
                          sample=Sample({"realm_id": realm_id})),
        "rest": Operation(f"Any other path under a {kind}: the {kind}, as Schoology answers",
                          tag, replies={200: one}),
    }


REALM_VIEWS = {"section": realm_views("section", SECTION, d.Section),
               "group": realm_views("group", GROUP, d.Group)}
USERS = Operation(
    "List users", "Users", query=inputs.UserQuery,
    replies={200: Reply("A page of users", d.UserPage)},
    sample=Sample(query="limit=2"))
ME = Operation(
    "Who is calling", "Users", replies={303: see_other("the caller's /v1/users/{uid}")},
    sample=Sample())
USER = Operation(
    "View a user", "Users",
    replies={200: Reply("The user", d.User), 401: Reply(
        "Not authenticated: the OAuth reason; or another user's record, through a "
        "personal key (then an empty body)", mediatype="text/plain")},
    sample=Sample({"uid": TEACHER}))
BY_SCHOOL_UID = Operation(
    "Find a user by school uid", "Users",
    replies={303: see_other("the user's /v1/users/{uid}")},
    sample=Sample({"school_uid": "T1001"}))
USER_SECTIONS = Operation(
    "The sections a user is enrolled in", "Users", query=inputs.PageQuery,
    description="Answered whole: start and limit are taken, and change nothing.",
    replies={200: Reply("The sections", d.UserSections), 401: Reply(
        "Not authenticated: the OAuth reason; or another user's sections, to a "
        "non-administrator (then an empty body)", mediatype="text/plain")},
    sample=Sample({"uid": TEACHER}))
ROLES = Operation(
    "List roles", "Roles", query=inputs.PageQuery,
    description="Answered whole: start and limit are taken, and change nothing.",
    replies={200: Reply("Every role", d.Roles)},
    sample=Sample())
ROLE = Operation(
    "View a role", "Roles", replies={200: Reply("The role", d.Role)},
    sample=Sample({"role_id": "783211"}))
COURSES = Operation(
    "List courses", "Courses", query=inputs.BuildingQuery,
    replies={200: Reply("A page of courses", d.CoursePage),
             403: Reply("To anyone but an administrator (empty body)")},
    sample=Sample(query="limit=2"))
COURSE = Operation(
    "View a course", "Courses", replies={200: Reply("The course", d.Course)},
    sample=Sample({"course_id": "2091834501"}))
COURSE_SECTIONS = Operation(
    "List a course's sections", "Courses", query=inputs.PageQuery,
    replies={200: Reply("A page of sections", d.SectionPage)},
    sample=Sample({"course_id": "2091834501"}, "limit=2"))
GROUPS = Operation(
    "List groups", "Groups", query=inputs.BuildingQuery,
    replies={200: Reply("A page of groups (its total an integer, as Schoology sends it)",
                        d.GroupPage)},
    sample=Sample(query="limit=2"))

FORM = "application/x-www-form-urlencoded"
REQUEST_TOKEN = Operation(
    "Get a request token (three-legged OAuth)", "OAuth",
    replies={200: Reply("The token, form-encoded", d.TokenAnswer, mediatype=FORM)},
    description="Signed with the consumer key alone. The user approves the token at "
                "/oauth/authorize?oauth_token=...&oauth_callback=...")
ACCESS_TOKEN = Operation(
    "Trade an approved request token for an access token", "OAuth",
    replies={200: Reply("The token, form-encoded", d.TokenAnswer, mediatype=FORM)},
    description="Signed with the consumer key and the approved request token.")

ID = {"type": "integer", "minimum": 0}
DESCRIPTION = Description(
    title="Schoology REST API v1: enrollments and roster (schoology-mock)",
    version="1",
    summary=(
        "Schoology's enrollment endpoints (sections and groups, bulk, across realms, "
        "imports, access codes) and the roster around them, as schoology-mock serves "
        "them over its demo school.\n\n"
        "Every request is signed with OAuth 1.0a (two-legged with a consumer key, or "
        "three-legged with an access token): the `Authorization: OAuth ...` header of "
        "RFC 5849, HMAC-SHA1 or PLAINTEXT. The demo school's keys are in the README. "
        "Answers are JSON or XML, as Accept asks (`application/json`, `text/xml`); request "
        "bodies are JSON or XML (`<body>` root), as Content-Type says. JSON escapes "
        "slashes (`http:\\/\\/`), as PHP's json_encode does.\n\n"
        "Where Schoology ignores or coerces part of a request (an unknown field, a "
        "numeric string where an integer goes, limit over 200), the mock does too, and "
        "notes it in its journal (`GET /_mock/requests?notes=1`); `serve --strict` "
        "refuses such a request with a 400 instead."),
    security={"OAuth1": {
        "type": "apiKey", "in": "header", "name": "Authorization",
        "description": (
            "OAuth 1.0a (RFC 5849): `OAuth realm=\"Schoology API\", oauth_consumer_key=..., "
            "oauth_token=... (empty or absent when two-legged), oauth_nonce=..., "
            "oauth_timestamp=..., oauth_signature_method=\"HMAC-SHA1\"|\"PLAINTEXT\", "
            "oauth_version=\"1.0\", oauth_signature=...`. The query string is signed; a "
            "JSON or XML body is not. A replayed nonce, a timestamp out of sequence or a "
            "bad signature is a 401 with a text/plain reason.")}},
    media=("application/json", "text/xml"),
    encoders={"application/json": json.dumps,
              "text/xml": lambda body: xmlfmt.dumps(body, root="body")},
    common={
        400: bad("a malformed body or parameter; with the mock's strict mode on, also a "
                 "request the real API would silently take (see the journal's notes)"),
        401: Reply("Not authenticated: the OAuth reason", mediatype="text/plain"),
        405: Reply("The method is not one the path takes: a path parameter that is not a "
                   "number can make the path another resource's (empty body)"),
        429: Reply("Over the consumer key's rate limit", MESSAGE,
                   headers={"Retry-After": ("seconds to wait", {"type": "string"})}),
    },
    not_found=EMPTY_404,
    parameters={
        "realm_id": ("The section's or group's id", ID),
        "enrollment_id": ("The enrollment's id", ID),
        "uid": ("The user's id", ID),
        "role_id": ("The role's id", ID),
        "course_id": ("The course's id", ID),
        "school_uid": ("The user's id in the school's own system", {"type": "string"}),
        "grading_period_ids": ("Grading period ids, comma-delimited",
                               {"type": "string", "pattern": r"^[0-9]+(,[0-9]+)*$"}),
        "realm": ("A realm that holds no enrollments", None),
    },
    tags=(("Section enrollments", "Who is in a course section"),
          ("Group enrollments", "Who is in a group"),
          ("Bulk enrollments", "Many enrollments across realms in one request"),
          ("Imports", "Enrollments by the school's own codes"),
          ("Other realms", "Realms without enrollments"),
          ("Users", ""), ("Roles", ""), ("Courses", ""), ("Sections", ""), ("Groups", ""),
          ("OAuth", "The three-legged OAuth token endpoints")),
    servers=[{"url": "https://api.schoology.com", "description": "the real API"}],
)
