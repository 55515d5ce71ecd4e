"""The Canvas dialect: the /api/v1 blueprint, with bearer tokens, Canvas's
error shapes and JSON, over the same school as Schoology's /v1. The
Schoology rate limit does not apply here."""
from flask import Blueprint

from .. import dialects
from ..contract import hold
from . import auth, bulk, enrollments as e, errors, lookups, notes, pairings, temporary
from .contract import DESCRIPTION

ROUTES = (
    ("/courses/<course_id>/enrollments", e.course_enrollments, "GET"),
    ("/sections/<section_id>/enrollments", e.section_enrollments, "GET"),
    ("/users/<user_id>/enrollments", e.user_enrollments, "GET"),
    ("/accounts/<account_id>/enrollments/<enrollment_id>", e.show, "GET"),
    ("/courses/<course_id>/enrollments", e.course_create, "POST"),
    ("/sections/<section_id>/enrollments", e.section_create, "POST"),
    ("/courses/<course_id>/enrollments/<enrollment_id>", e.destroy, "DELETE"),
    ("/courses/<course_id>/enrollments/<enrollment_id>/accept", e.accept, "POST"),
    ("/courses/<course_id>/enrollments/<enrollment_id>/reject", e.reject, "POST"),
    ("/courses/<course_id>/enrollments/<enrollment_id>/reactivate", e.reactivate, "PUT"),
    ("/courses/<course_id>/users/<user_id>/last_attended", e.last_attended, "PUT"),
    ("/accounts/<account_id>/bulk_enrollment", bulk.bulk_enrollment, "POST"),
    ("/progress/<progress_id>", bulk.show_progress, "GET"),
    ("/users/<user_id>/temporary_enrollment_status", temporary.user_status, "GET"),
    ("/temporary_enrollment_status", temporary.bulk_status, "GET"),
    ("/accounts/<account_id>/temporary_enrollment_pairings", pairings.index, "GET"),
    ("/accounts/<account_id>/temporary_enrollment_pairings", pairings.create, "POST"),
    ("/accounts/<account_id>/temporary_enrollment_pairings/new", pairings.new, "GET"),
    ("/accounts/<account_id>/temporary_enrollment_pairings/<pairing_id>", pairings.show, "GET"),
    ("/accounts/<account_id>/temporary_enrollment_pairings/<pairing_id>", pairings.destroy,
     "DELETE"),
    ("/courses/<course_id>", lookups.course, "GET"),
    ("/sections/<section_id>", lookups.section, "GET"),
    ("/users/<user_id>", lookups.user, "GET"),
    ("/accounts/<account_id>", lookups.account, "GET"),
)


def register(app):
    bp = Blueprint("canvas", __name__, url_prefix="/api/v1")
    bp.before_request(auth.authenticate)
    hold(bp, DESCRIPTION, notes.check)  # after authentication: a refusal needs a caller
    errors.register(bp)
    for rule, view, method in ROUTES:
        module = view.__module__.rsplit(".", 1)[-1]
        bp.add_url_rule(rule, endpoint=f"{module}_{view.__name__}_{method.lower()}",
                        view_func=view, methods=[method])
    app.register_blueprint(bp)
    dialects.add(app, dialects.Dialect("canvas", errors.error, errors.routing_error,
                                           errors.unexpected, contract=DESCRIPTION))
