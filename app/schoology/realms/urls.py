"""One blueprint per realm, all bound to the same views in responses.py,
nested in the /v1 blueprint."""
from functools import partial

from flask import Blueprint

from . import bulk, responses as r
from .responses import REALMS
ALL = ["GET", "POST", "PUT", "DELETE", "PATCH"]


def realm_blueprint(realm):
    bp = Blueprint(realm.plural, __name__, url_prefix=f"/{realm.plural}")
    collection = "/<id:realm_id>/enrollments"
    item = collection + "/<id:enrollment_id>"
    for rule, view, method in (
        (collection, r.list_enrollments, "GET"),
        (collection, bulk.post_enrollments, "POST"),
        (collection, bulk.update_many, "PUT"),
        (item, r.get_enrollment, "GET"),
        (item, r.update_enrollment, "PUT"),
        (item, r.delete_enrollment, "DELETE"),
        ("/<id:realm_id>/accesscode", bulk.join_with_code, "POST"),
    ):
        bp.add_url_rule(rule, endpoint=view.__name__ + "_" + method.lower(),
                        view_func=partial(view, realm), methods=[method])
    return bp


# Schoology's other realms: they exist, but hold no enrollments.
OTHER_REALMS = "<any(courses, users, schools, districts, buildings):realm>"


def other_realms_blueprint():
    bp = Blueprint("other_realms", __name__)
    bp.add_url_rule(f"/{OTHER_REALMS}/<id:realm_id>/enrollments",
                    view_func=r.unsupported_realm, methods=ALL)
    bp.add_url_rule(f"/{OTHER_REALMS}/<id:realm_id>/enrollments/<id:enrollment_id>",
                    endpoint="unsupported_realm_item", view_func=r.unsupported_realm,
                    methods=ALL)
    return bp


def enrollments_blueprint():
    """The endpoints under /v1/enrollments: across realms, imports, bulk delete."""
    bp = Blueprint("enrollments", __name__, url_prefix="/enrollments")
    bp.add_url_rule("", view_func=bulk.create_across_realms, methods=["POST"])
    bp.add_url_rule("", view_func=bulk.delete_many, methods=["DELETE"])
    bp.add_url_rule("/import/course/<grading_period_ids>",
                    view_func=bulk.import_by_grading_periods, methods=["POST"])
    bp.add_url_rule("/import/course", view_func=bulk.import_by_section_school_code,
                    methods=["POST"])
    return bp


def register(parent):
    """Nest the realm blueprints in parent, the /v1 blueprint."""
    for realm in REALMS:
        parent.register_blueprint(realm_blueprint(realm))
    parent.register_blueprint(other_realms_blueprint())
    parent.register_blueprint(enrollments_blueprint())
