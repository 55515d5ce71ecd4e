"""What Canvas would silently ignore, coerce or cap in a request, noted
before the view runs (contract.note): parameters the endpoint neither
declares nor reads, enrollment[...] fields it drops, JSON values of another
type than the document says, per_page and limit out of range, and what the
controller passes over (type[] beside role[], a task it does not know, a
course_section_id on a section's path, ...).

Rails gives a controller the query and the body merged, so a parameter is
known wherever it comes; form and query values are all text, so only a
JSON body's values can be coerced (and a form's boolean that is none of
Canvas's spellings, which Canvas reads as false). The bulk enrollment's
unknown users are noted by its view, which alone looks them up."""
import json

from flask import request
from marshmallow import fields

from ..api.contract import CAPPED, COERCED, IGNORED, UNKNOWN_FIELD, UNKNOWN_PARAMETER, once, report
from ..store.records import ENDING_STATES
from .ids import number
from .paging import from_bookmark, numbered, per_page
from .params import FALSE, TRUE, ParamError, json_body, params
from .schemas import INCLUDES, TASKS
from .temporary import users_limit

# Never a note: the token may travel as a parameter of any request.
ALWAYS = frozenset(("access_token",))
BOOLEANS = TRUE | FALSE  # Canvas's spellings of a boolean


def check(route):
    """The chain's contract step: the notes of this request to route."""
    operation = route.operation
    environ = request.environ
    body = bool(environ.get("CONTENT_TYPE")) and (
        environ.get("CONTENT_LENGTH", "") not in ("", "0") or "HTTP_TRANSFER_ENCODING" in environ)
    if not body and not request.query_string:
        return  # no parameters: nothing to note (most requests)
    try:
        given = params()
    except ParamError:
        return  # the view answers its 400
    rules = _rules(operation, route.notes)
    found = []
    _declared(rules, given, json_body() if body else {}, found)
    if rules.paged:
        _paging(given, found)
    if rules.extra is not None:
        rules.extra(given, found)
    report(found)


# --- what the document declares -------------------------------------------------------
class Rules:
    """One operation's parameters, worked out once: top-level name -> kind,
    and the fields of each hash (name -> {field: kind})."""

    def __init__(self, operation, extra):
        self.names, self.hashes = {}, {}
        for schema in (operation.query, operation.body):
            if schema is not None:
                self._add(schema() if isinstance(schema, type) else schema)
        self.paged = "per_page" in self.names
        self.extra = extra

    def _add(self, schema):
        for name, field in schema.fields.items():
            top = (field.data_key or name).split("[", 1)[0]
            self.names[top] = _kind(field)
            if isinstance(field, fields.Nested):
                self.hashes[top] = {n: _kind(f) for n, f in field.schema.fields.items()}


def _kind(field):
    for cls, kind in ((fields.Nested, "hash"), (fields.List, "list"),
                      (fields.Boolean, "boolean"), (fields.Integer, "integer"),
                      (fields.String, "string")):
        if isinstance(field, cls):
            return kind
    return "id"  # a number or a string: nothing to coerce


_rules = once(Rules)


def _declared(rules, given, typed, found):
    for name, value in given.items():
        kind = rules.names.get(name)
        if kind is None:
            if name == "_json":
                found.append((UNKNOWN_PARAMETER, "_json: the JSON body is not an object; "
                                                 "Canvas reads no parameters from it"))
            elif name not in ALWAYS:
                label = f"{name}[]" if isinstance(value, list) else name
                found.append((UNKNOWN_PARAMETER, f"{label}: not a parameter of this "
                                                 "endpoint; Canvas ignores it"))
        elif kind == "hash":
            if isinstance(value, dict):
                inner = typed.get(name) if isinstance(typed.get(name), dict) else {}
                known = rules.hashes[name]
                for key, item in value.items():
                    label = f"{name}[{key}]"
                    if key not in known:
                        found.append((UNKNOWN_FIELD, f"{label}: not a field Canvas takes; "
                                                     "it ignores it"))
                    else:
                        _typed(known[key], label, item, key in inner, found)
        else:
            _typed(kind, name, value, name in typed, found)


def _typed(kind, label, value, from_json, found):
    """A JSON value of another type than kind, or a form's boolean that is
    not one. Lists and hashes where one value goes are the view's 400."""
    if value is None or isinstance(value, (list, dict)):
        return
    if not from_json:
        if kind == "boolean" and isinstance(value, str) and value.strip() \
                and value.strip().lower() not in BOOLEANS:
            found.append((COERCED, f"{label}: {value!r} is not a boolean Canvas knows; it "
                                   "is read as false"))
        return
    if kind == "boolean" and not isinstance(value, bool):
        read = str(value).strip().lower() in TRUE if isinstance(value, (str, int)) else False
        found.append((COERCED, f"{label}: {json.dumps(value)} is read as "
                               f"{'true' if read else 'false'}"))
    elif kind == "string" and isinstance(value, (int, float)) and not isinstance(value, bool):
        found.append((COERCED, f"{label}: the number {json.dumps(value)} is read as the "
                               f"text {str(value)!r}"))
    elif kind == "integer" and isinstance(value, str):
        found.append((COERCED, f"{label}: the text {value!r} is read as a number"))


# --- what the views do ----------------------------------------------------------------
def _served(label, value, served, found):
    """A note when what the view serves for a number (served) is not what
    was written (value)."""
    if not _written(value, served):
        shown = value if isinstance(value, str) else json.dumps(value)
        found.append((CAPPED, f"{label}: {shown} is served as {served}"))


def _written(value, served):
    if isinstance(value, str):
        # as text: a number of thousands of digits is more than int() reads
        return value.isascii() and value.isdigit() and (value.lstrip("0") or "0") == str(served)
    return isinstance(value, int) and not isinstance(value, bool) and value == served


def _paging(given, found):
    size = given.get("per_page")
    if isinstance(size, (list, dict)):
        found.append((CAPPED, f"per_page: {_shown(size)} is served as {per_page(size)}"))
    elif size is not None:
        _served("per_page", size, per_page(size), found)
    page = given.get("page")
    if page is not None and not _a_page(page):
        found.append((IGNORED, f"page: {_shown(page)} is not a page of this list; Canvas "
                               "serves the first"))


def _a_page(page):
    if not isinstance(page, str):
        return False
    if page == "first" or numbered(page):
        return True
    return page.startswith("bookmark:") and from_bookmark(page) is not None


def _shown(value):
    return "a list" if isinstance(value, list) else "a hash" if isinstance(value, dict) \
        else repr(value)


def _given(value):
    return value not in (None, "", [], {})


def filters(given, found):
    if _given(given.get("role_id")) and _given(given.get("role")):
        found.append((IGNORED, "role[]: Canvas ignores it, as role_id is given"))
    if (_given(given.get("role_id")) or _given(given.get("role"))) and _given(given.get("type")):
        found.append((IGNORED, "type[]: Canvas ignores it, as role[] or role_id is given"))
    include = given.get("include")
    for value in include if isinstance(include, list) else [include]:
        if isinstance(value, str) and value not in INCLUDES:
            found.append((IGNORED, f"include[]: {value!r} is not one Canvas adds to "
                                   "enrollments; it is ignored"))
    if _given(given.get("created_for_sis_id")) and not _given(given.get("sis_user_id")):
        found.append((IGNORED, "created_for_sis_id[]: Canvas ignores it without "
                               "sis_user_id[]"))


def create(given, found, section_path=False):
    enrollment = given.get("enrollment")
    if not isinstance(enrollment, dict):
        return  # the view's 400
    if section_path and _given(enrollment.get("course_section_id")):
        found.append((IGNORED, "enrollment[course_section_id]: Canvas ignores it on a "
                               "section's path; the enrollment goes to that section"))
    if _given(enrollment.get("role_id")) and _given(enrollment.get("role")):
        found.append((IGNORED, "enrollment[role]: Canvas ignores it, as enrollment[role_id] "
                               "is given"))
    if _given(given.get("root_account")) and not (_given(enrollment.get("sis_user_id"))
                                                  or _given(enrollment.get("integration_id"))):
        found.append((IGNORED, "root_account: Canvas ignores it without "
                               "enrollment[sis_user_id] or enrollment[integration_id]"))


def task(given, found):
    task = given.get("task")
    if isinstance(task, str) and task and task not in TASKS:
        found.append((IGNORED, f"task: {task!r} is not a task Canvas knows; it concludes "
                               "the enrollment"))


def last_attended(given, found):
    user_id = (request.view_args or {}).get("user_id")
    if number(user_id) is None:
        found.append((IGNORED, f"user_id: {user_id!r} is not a numeric user id; Canvas sets "
                               "no date"))


def pairing(given, found):
    ending = given.get("ending_enrollment_state")
    if isinstance(ending, str) and ending and ending not in ENDING_STATES:
        found.append((IGNORED, f"ending_enrollment_state: {ending!r} is not one Canvas takes; "
                               "it stores deleted"))


def limit(given, found):
    limit = given.get("limit")
    if limit not in (None, ""):
        _served("limit", limit, users_limit(limit), found)


def section_create(given, found):
    create(given, found, section_path=True)
