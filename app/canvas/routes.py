"""The Canvas route table: each row a path under /api/v1, its method, the
view that answers it, the operation the contract describes it with
(contract.py), and the rule notes.py adds for what Canvas passes over in it.
The blueprint, the OpenAPI document and the notes are all filled from here."""
from dataclasses import replace

from ..api.contract import Route, operations
from . import accounts, bulk, courses, pairings, roster, temporary, terms, users
from . import contract as c
from . import enrollments as e
from . import notes as n

PAIRINGS = "/accounts/<account_id>/temporary_enrollment_pairings"

ROUTES = (
    Route("/courses/<course_id>/enrollments", ("GET",), e.course_enrollments,
          c.COURSE_ENROLLMENTS, n.filters),
    Route("/sections/<section_id>/enrollments", ("GET",), e.section_enrollments,
          c.SECTION_ENROLLMENTS, n.filters),
    Route("/users/<user_id>/enrollments", ("GET",), e.user_enrollments, c.USER_ENROLLMENTS,
          n.filters),
    Route("/accounts/<account_id>/enrollments/<enrollment_id>", ("GET",), e.show, c.SHOW),
    Route("/courses/<course_id>/enrollments", ("POST",), e.course_create, c.COURSE_CREATE,
          n.create),
    Route("/sections/<section_id>/enrollments", ("POST",), e.section_create, c.SECTION_CREATE,
          n.section_create),
    Route("/courses/<course_id>/enrollments/<enrollment_id>", ("DELETE",), e.destroy,
          c.DESTROY, n.task),
    Route("/courses/<course_id>/enrollments/<enrollment_id>/accept", ("POST",), e.accept,
          c.ACCEPT),
    Route("/courses/<course_id>/enrollments/<enrollment_id>/reject", ("POST",), e.reject,
          c.REJECT),
    Route("/courses/<course_id>/enrollments/<enrollment_id>/reactivate", ("PUT",),
          e.reactivate, c.REACTIVATE),
    Route("/courses/<course_id>/users/<user_id>/last_attended", ("PUT",), e.last_attended,
          c.LAST_ATTENDED, n.last_attended),
    Route("/accounts/<account_id>/bulk_enrollment", ("POST",), bulk.bulk_enrollment,
          c.BULK_ENROLLMENT),
    Route("/progress/<progress_id>", ("GET",), bulk.show_progress, c.PROGRESS),
    Route("/users/<user_id>/temporary_enrollment_status", ("GET",), temporary.user_status,
          c.USER_STATUS),
    Route("/temporary_enrollment_status", ("GET",), temporary.bulk_status, c.BULK_STATUS,
          n.limit),
    Route(PAIRINGS, ("GET",), pairings.index, c.PAIRING_INDEX),
    Route(PAIRINGS, ("POST",), pairings.create, c.PAIRING_CREATE, n.pairing),
    Route(f"{PAIRINGS}/new", ("GET",), pairings.new, c.PAIRING_NEW),
    Route(f"{PAIRINGS}/<pairing_id>", ("GET",), pairings.show, c.PAIRING_SHOW),
    Route(f"{PAIRINGS}/<pairing_id>", ("DELETE",), pairings.destroy, c.PAIRING_DESTROY),
    Route("/courses/<course_id>", ("GET",), roster.course, c.COURSE),
    Route("/courses/<course_id>/sections", ("GET",), roster.course_sections, roster.SECTIONS),
    Route("/courses/<course_id>/sections/<id>", ("GET",), roster.course_section,
          roster.COURSE_SECTION),
    Route("/courses", ("GET",), courses.my_courses, courses.MY_COURSES),
    Route("/courses/<course_id>/users", ("GET",), users.course_users, users.COURSE_USERS),
    Route("/courses/<course_id>/search_users", ("GET",), users.course_users,
          users.COURSE_USERS),
    Route("/courses/<course_id>/students", ("GET",), users.course_students,
          users.COURSE_STUDENTS),
    Route("/accounts", ("GET",), accounts.index, accounts.INDEX),
    Route("/accounts/<account_id>/sub_accounts", ("GET",), accounts.sub_accounts,
          accounts.SUB_ACCOUNTS),
    Route("/accounts/<account_id>/courses", ("GET",), courses.account_courses,
          courses.ACCOUNT_COURSES),
    Route("/accounts/<account_id>/users", ("GET",), users.account_users, users.ACCOUNT_USERS),
    Route("/accounts/<account_id>/terms", ("GET",), terms.index, terms.TERMS),
    Route("/sections/<section_id>", ("GET",), roster.section, c.SECTION_LOOKUP),
    Route("/users/<user_id>", ("GET",), roster.user, c.USER),
    Route("/accounts/<account_id>", ("GET",), roster.account, c.ACCOUNT),
)

PREFIX = "/api/v1"
DESCRIPTION = replace(c.DESCRIPTION, prefix=PREFIX + "/",
                      operations=operations(PREFIX, ROUTES))
