"""The Canvas dialect: the /api/v1 blueprint, filled from the route table
(routes.py), with bearer tokens, Canvas's error shapes and JSON, over the
same school as Schoology's /v1. The Schoology rate limit does not apply here."""
from flask import Blueprint

from ..api import dialects
from ..api.contract import fill, holding
from . import auth, errors, notes
from .routes import DESCRIPTION, PREFIX, ROUTES


def register(app):
    bp = Blueprint("canvas", __name__, url_prefix=PREFIX)
    errors.register(bp)
    routes = fill(app, bp, ROUTES)
    dialects.add(app, dialects.Dialect(
        "canvas", bp, PREFIX, errors.error, errors.routing_error, errors.unexpected,
        authenticate=auth.authenticate, notes=holding(routes, notes.check),
        contract=DESCRIPTION))
