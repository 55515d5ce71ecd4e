"""The Schoology dialect: the /v1 blueprint, with OAuth 1.0a and the rate
limit, Schoology's error shapes and JSON or XML as the client asks. The realm
blueprints, the user endpoints and the OAuth token endpoints nest in it."""
from flask import Blueprint, request

from .. import dialects
from ..contract import hold
from ..fields import IdConverter
from . import auth, cors, errors, notes, realms
from .contract import DESCRIPTION
from .roster import roster_blueprint
from .users import users_blueprint


def routing_error(e):
    """A /v1 request no view takes is still authenticated first, as Schoology
    checks the signature of every request before it looks at the path."""
    refused = auth.authenticate() if e.code in (404, 405) and request.method != "OPTIONS" \
        else None
    return refused if refused is not None else errors.http_error(e)


def register(app):
    app.url_map.converters["id"] = IdConverter
    bp = Blueprint("schoology", __name__, url_prefix="/v1")
    auth.register(app, bp)
    hold(bp, DESCRIPTION, notes.check)  # after authentication
    errors.register(bp)
    realms.register(bp)
    bp.register_blueprint(users_blueprint())
    bp.register_blueprint(roster_blueprint())
    app.register_blueprint(bp)
    cors.register(app)
    dialects.add(app, dialects.Dialect("schoology", errors.error_response, routing_error,
                                       errors.unexpected, DESCRIPTION))
