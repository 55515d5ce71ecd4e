"""The Schoology dialect: the /v1 blueprint, filled from the route table
(routes.py), with OAuth 1.0a and the rate limit, Schoology's error shapes and
JSON or XML as the client asks. Each realm's rows go to a blueprint of its
own (sections, groups), nested in /v1."""
from flask import Blueprint, request

from ..api import dialects
from ..api.contract import fill, holding
from ..api.fields import IdConverter, RestConverter
from . import auth, cors, errors, notes
from .realms import REALMS
from .routes import DESCRIPTION, PREFIX, ROUTES


def routing_error(e):
    """A /v1 request no view takes is still authenticated first, as Schoology
    checks the signature of every request before it looks at the path."""
    refused = dialects.admit() if e.code in (404, 405) and request.method != "OPTIONS" \
        else None
    return refused if refused is not None else errors.http_error(e)


def register(app):
    app.url_map.converters["id"] = IdConverter
    app.url_map.converters["rest"] = RestConverter
    bp = Blueprint("schoology", __name__, url_prefix=PREFIX)
    auth.register(app)
    errors.register(bp)
    realms = {realm.plural: Blueprint(realm.plural, __name__) for realm in REALMS}
    routes = fill(app, bp, ROUTES, realms)
    for nested in realms.values():
        bp.register_blueprint(nested)
    dialects.add(app, dialects.Dialect(
        "schoology", bp, PREFIX, errors.error_response, routing_error, errors.unexpected,
        authenticate=auth.authenticate, rate_limit=auth.rate_limit,
        notes=holding(routes, lambda route: notes.check(route.operation)),
        # The approval page is Schoology's site, not its API: its guard headers
        # go on every answer it gives, errors included.
        after={f"{PREFIX}/": (cors.allow,), auth.APPROVAL: (auth.guard,)},
        contract=DESCRIPTION))
