"""Canvas's error shapes (ApplicationController#api_error_json and friends),
registered on the /api/v1 blueprint."""
from werkzeug.exceptions import HTTPException

from ..api.answers import write
from ..store import NotFound, StoreError
from . import schemas as s
from .jsonfmt import answer, json_response
from .params import ParamError

BEARER = {"WWW-Authenticate": 'Bearer realm="canvas-lms"'}
NOT_FOUND = {"errors": [{"message": "The specified resource does not exist."}]}
UNAUTHORIZED = {"status": "unauthorized",
                "errors": [{"message": "user not authorized to perform that action"}]}
# Rails' names for the statuses a generic error reports as its error_code.
STATUS_NAMES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
                422: "unprocessable_entity", 429: "too_many_requests",
                500: "internal_server_error", 502: "bad_gateway", 503: "service_unavailable",
                504: "gateway_timeout"}


class CanvasError(Exception):
    """Answer status with body (a dict, in Canvas's shape for that refusal),
    written through schema, the one the OpenAPI document gives that reply
    (schemas.py; None: an empty object)."""

    def __init__(self, status, body, headers=None, schema=s.Errors):
        super().__init__(body)
        self.status, self.body, self.headers, self.schema = status, body, headers, schema


def not_found():
    return CanvasError(404, NOT_FOUND)


def forbidden():
    """Authenticated, but not permitted: Canvas's 403 (hosted Canvas since
    about 2022; older ones answered 401), without WWW-Authenticate."""
    return CanvasError(403, UNAUTHORIZED)


def bad_request(message=None, error=None):
    """The ad-hoc 400s of the enrollments controller: {"message": ...} or {"error": ...}."""
    if message is not None:
        return CanvasError(400, {"message": message}, schema=s.MessageError)
    return CanvasError(400, {"error": error}, schema=s.ErrorText)


def error(status, message=None, headers=None):
    """Any other status, as api_error_json writes it."""
    if status == 404 and message is None:
        body = NOT_FOUND
    elif message is None:
        body = {"errors": [{"message": "An error occurred.",
                            "error_code": STATUS_NAMES.get(status, str(status))}]}
    else:
        body = {"errors": [{"message": message}]}
    response = answer(s.Errors, body, status)
    if headers:
        response.headers.update(headers)
    return response


def routing_error(e):
    """Rails routes every unknown path and method to a 404; a body too large
    to read keeps its status."""
    if e.code in (404, 405):
        return error(404)
    return error(e.code, e.description)


def register(bp):
    @bp.errorhandler(CanvasError)
    def canvas_error(e):
        response = json_response(e.body if e.schema is None else write(e.schema, e.body),
                                 e.status)
        if e.headers:
            response.headers.update(e.headers)
        return response

    @bp.errorhandler(ParamError)
    def param_error(e):
        return error(400, f"Malformed parameters: {e}")

    @bp.errorhandler(StoreError)
    def store_error(e):
        return error(404) if isinstance(e, NotFound) else error(400, e.message)

    bp.register_error_handler(HTTPException, routing_error)


def unexpected():
    """A bug in the mock (dialects.py logs it): Canvas's generic 500."""
    return error(500)
