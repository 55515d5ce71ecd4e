"""The Schoology route table: each row a path under /v1, its methods, the
view that answers it and the operation the contract describes it with
(contract.py). Rows of a realm (sections, groups) are served by that realm's
own blueprint, nested in /v1; one set of views serves both realms. The
blueprints, the OpenAPI document and the notes are all filled from here."""
from dataclasses import replace
from functools import partial

from ..api.contract import Route, operations
from . import bulk, contract as c, enrollments as r, gradingperiods, roster, rostering
from .auth import flow
from .realms import REALMS

PREFIX = "/v1"
GET, ALL = ("GET",), ("GET", "POST", "PUT", "DELETE", "PATCH")
# Schoology's other realms: they exist, but hold no enrollments.
OTHER_REALMS = "/<any(courses, users, schools, districts, buildings):realm>/<id:realm_id>"
REALM_VIEW = {"section": roster.section, "group": roster.group}


def realm_routes(realm):
    """The rows of one realm, served by its blueprint."""
    base, ops, views = (f"/{realm.plural}/<id:realm_id>", c.realm_operations(realm),
                        c.REALM_VIEWS[realm.name])
    item = f"{base}/enrollments/<id:enrollment_id>"
    own = tuple(Route(path, methods, partial(view, realm), op, nest=realm.plural)
                for path, methods, view, op in (
                    (f"{base}/enrollments", GET, r.list_enrollments, ops["list"]),
                    (f"{base}/enrollments", ("POST",), bulk.post_enrollments, ops["create"]),
                    (f"{base}/enrollments", ("PUT",), bulk.update_many, ops["update_many"]),
                    (item, GET, r.get_enrollment, ops["view"]),
                    (item, ("PUT",), r.update_enrollment, ops["update"]),
                    (item, ("DELETE",), r.delete_enrollment, ops["delete"]),
                    (f"{base}/accesscode", ("POST",), bulk.join_with_code, ops["join"]),
                ))
    # Any other path under the realm answers the realm, as Schoology does; a
    # path under one its own rows serve (enrollments/-1) is nobody's: a 404.
    served = ", ".join(dict.fromkeys(row.path[len(base) + 1:].split("/")[0] for row in own))
    changed = (Route(base, ("PUT",), rostering.update_section, rostering.UPDATE_SECTION,
                     nest=realm.plural),) if realm.name == "section" else ()
    return own + changed + (
        Route(base, GET, REALM_VIEW[realm.name], views["view"], nest=realm.plural),
        Route(f"{base}/<rest({served}):rest>", GET, REALM_VIEW[realm.name], views["rest"],
              nest=realm.plural),
    )


ROUTES = (
    *(row for realm in REALMS for row in realm_routes(realm)),
    Route(f"{OTHER_REALMS}/enrollments", ALL, r.unsupported_realm, c.OTHER_REALM),
    Route(f"{OTHER_REALMS}/enrollments/<id:enrollment_id>", ALL, r.unsupported_realm,
          c.OTHER_REALM),
    Route("/enrollments", ("POST",), bulk.create_across_realms, c.ACROSS_REALMS),
    Route("/enrollments", ("DELETE",), bulk.delete_many, c.DELETE_MANY),
    Route("/enrollments/import/course/<grading_period_ids>", ("POST",),
          bulk.import_by_grading_periods, c.IMPORT_BY_GRADING_PERIODS),
    Route("/enrollments/import/course", ("POST",), bulk.import_by_section_school_code,
          c.IMPORT_BY_SCHOOL_CODE),
    Route("/users", GET, roster.users, c.USERS),
    Route("/users/me", GET, roster.me, c.ME),
    Route("/users/<id:uid>", GET, roster.user, c.USER),
    Route("/users/<id:uid>", ("PUT",), rostering.update_user, rostering.UPDATE_USER),
    Route("/users/ext/<school_uid>", GET, roster.by_school_uid, c.BY_SCHOOL_UID),
    Route("/users/<id:uid>/sections", GET, roster.user_sections, c.USER_SECTIONS),
    Route("/roles", GET, roster.roles, c.ROLES),
    Route("/roles/<id:role_id>", GET, roster.role, c.ROLE),
    Route("/courses", GET, roster.courses, c.COURSES),
    Route("/courses", ("POST",), rostering.create_course, rostering.CREATE_COURSE),
    Route("/courses/<id:course_id>", GET, roster.course, c.COURSE),
    Route("/courses/<id:course_id>", ("PUT",), rostering.update_course, rostering.UPDATE_COURSE),
    Route("/courses/<id:course_id>/sections", GET, roster.course_sections, c.COURSE_SECTIONS),
    Route("/courses/<id:course_id>/sections", ("POST",), rostering.create_section,
          rostering.CREATE_SECTION),
    Route("/groups", GET, roster.groups, c.GROUPS),
    Route("/gradingperiods", GET, gradingperiods.grading_periods, gradingperiods.LIST),
    Route("/gradingperiods/<id:grading_period_id>", GET, gradingperiods.grading_period,
          gradingperiods.VIEW),
    Route("/oauth/request_token", ("GET", "POST"), flow.request_token, c.REQUEST_TOKEN),
    Route("/oauth/access_token", ("GET", "POST"), flow.access_token, c.ACCESS_TOKEN),
)


def rest_pattern(routes):
    """What <path:rest> under a realm takes: any path but those its own rows serve."""
    served = dict.fromkeys(route.path.split("/")[3] for route in routes  # in table order
                           if route.nest and route.path.count("/") >= 3
                           and "<" not in route.path.split("/")[3])
    return {"type": "string", "pattern": rf"^(?!({'|'.join(served)})(/|$))[A-Za-z0-9_-]+"
                                         r"(/[A-Za-z0-9_-]+)*$"}


REST = ("Any path Schoology does not serve under the realm", rest_pattern(ROUTES))
DESCRIPTION = replace(c.DESCRIPTION, prefix=PREFIX + "/", operations=operations(PREFIX, ROUTES),
                      parameters=dict(c.DESCRIPTION.parameters, rest=REST))
