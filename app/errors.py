"""Errors in Schoology's shapes, negotiated like any other answer: a 400 carries
its message (a JSON string, or the text of <result>); 403, 404 and 405 have
empty bodies."""
from flask import request
from werkzeug.exceptions import HTTPException

from .auth.permissions import Forbidden
from .formats import empty, render
from .store import NotFound, StoreError

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


def register(app):
    @app.errorhandler(APIError)
    def api_error(e):
        return error_response(e.status, e.message)

    @app.errorhandler(Forbidden)
    def forbidden(e):
        return error_response(403)

    @app.errorhandler(StoreError)
    def store_error(e):
        # What the store refuses: a missing realm or enrollment is a 404 (empty,
        # as Schoology sends it); anything else a 400 that says why.
        return error_response(404) if isinstance(e, NotFound) else error_response(400, e.message)

    @app.errorhandler(HTTPException)
    def http_error(e):
        # Keep the framework's own headers (Allow on a 405) but not its HTML page.
        headers = {k: v for k, v in e.get_headers() if k != "Content-Type"}
        message = e.description if e.code not in EMPTY_BODY else None
        return error_response(e.code, message, headers)

    @app.errorhandler(Exception)
    def unexpected(e):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "Internal error in the mock; see the server log.")
