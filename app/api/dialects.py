"""The APIs this server speaks, each a parent blueprint with its own auth,
errors and serializer. The app itself is neutral: it asks
dialect_of(app, path) which API a request belongs to (by the prefixes the
dialects serve under), so that the journal, the faults and the
answers to requests no view takes (404, 405, 413) follow that API.

A dialect registers a Dialect here; error(status, message, headers) answers
in its shape, routing_error(e) answers a request that matched no view,
unexpected() answers a request that hit a bug (logged here, once), and
contract describes its endpoints (contract.py)."""
from dataclasses import dataclass, field
from typing import Callable

from flask import current_app, request
from werkzeug.exceptions import HTTPException, InternalServerError


def dialect_of(app, path):
    """The name of the dialect path belongs to ("canvas", "schoology"), or
    None for the control API and everything else."""
    for prefix, name in app.extensions["schoology_prefixes"]:
        if path.startswith(prefix):
            return name
    return None


@dataclass(frozen=True)
class Dialect:
    """An API, as the chain (chain.py) and the app's error handlers see it.
    authenticate, rate_limit and notes are its steps of the chain, each run
    before the view: () -> None, or an answer (or an exception its
    blueprint's error handlers answer). after: a path, or a prefix ending
    in "/" -> hooks (response -> response), run in order on every answer
    there, and on no other."""
    name: str
    blueprint: object  # the parent Blueprint, filled from the dialect's route table
    prefix: str  # where it serves: /v1, /api/v1
    error: Callable  # (status, message=None, headers=None) -> Response
    routing_error: Callable  # (HTTPException) -> Response
    unexpected: Callable  # () -> Response, a 500
    authenticate: Callable
    rate_limit: Callable = None
    notes: Callable = None
    after: dict = field(default_factory=dict)
    contract: object = None  # a contract.Description, for the OpenAPI document


def add(app, dialect):
    app.extensions.setdefault("schoology_dialects", {})[dialect.name] = dialect
    # Longest prefix first: /api/v1/ is Canvas's, though it begins as no /v1/ does.
    app.extensions["schoology_prefixes"] = tuple(sorted(
        ((d.prefix + "/", d.name) for d in app.extensions["schoology_dialects"].values()),
        key=lambda pair: -len(pair[0])))


def of(app):
    """The dialects the app speaks, by name."""
    return app.extensions.get("schoology_dialects", {})


def admit():
    """The request's dialect steps before its view (authentication, rate
    limit, notes), run as the chain (app/chain.py) runs them: for a path
    under the dialect's prefix that no route takes, from its routing_error.
    None, or the first step's answer."""
    return current_app.extensions["schoology_admit"][dialect_of(current_app, request.path)]()


def current():
    """The Dialect of the request being served, or None."""
    name = dialect_of(current_app, request.path)
    return None if name is None else current_app.extensions["schoology_dialects"].get(name)


def register(app):
    """Answers for what no blueprint handles: a path no view takes, a method
    it does not allow, a body too large to read, and any unexpected error,
    in a view or in the app's own hooks. Each goes to the dialect of its
    path; other paths get Flask's."""

    @app.errorhandler(HTTPException)
    def http_error(e):
        dialect = current()
        return e if dialect is None else dialect.routing_error(e)

    @app.errorhandler(Exception)
    def unexpected(e):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        dialect = current()
        return InternalServerError() if dialect is None else dialect.unexpected()
