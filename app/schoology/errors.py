"""Errors in Schoology's shapes, negotiated like any other answer: a 400 carries
its message (a JSON string, or the text of <result>); 403, 404 and 405 have
empty bodies. Registered on the /v1 blueprint; the app sends what no view
took (an unknown path, a wrong method) to routing_error."""
from werkzeug.exceptions import HTTPException

from ..store import NotFound, StoreError
from .auth.permissions import Forbidden
from .formats import empty, render

EMPTY_BODY = {403, 404, 405}


class APIError(Exception):
    def __init__(self, status, message=None):
        super().__init__(message or status)
        self.status = status
        self.message = message


def error_response(status, message=None, headers=None):
    response = empty(status) if status in EMPTY_BODY or not message else render(message, status)
    if headers:
        response.headers.update(headers)
    return response


def http_error(e):
    # Keep the framework's own headers (Allow on a 405) but not its HTML page.
    headers = {k: v for k, v in e.get_headers() if k != "Content-Type"}
    message = e.description if e.code not in EMPTY_BODY else None
    return error_response(e.code, message, headers)


def register(bp):
    @bp.errorhandler(APIError)
    def api_error(e):
        return error_response(e.status, e.message)

    @bp.errorhandler(Forbidden)
    def forbidden(e):
        return error_response(403)

    @bp.errorhandler(StoreError)
    def store_error(e):
        # What the store refuses: a missing realm or enrollment is a 404 (empty,
        # as Schoology sends it); anything else a 400 that says why.
        return error_response(404) if isinstance(e, NotFound) else error_response(400, e.message)

    bp.register_error_handler(HTTPException, http_error)


def unexpected():
    """A bug in the mock (dialects.py logs it)."""
    return error_response(500, "Internal error in the mock; see the server log.")
