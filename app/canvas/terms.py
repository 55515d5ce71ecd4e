"""The school's enrollment terms: Canvas's Default Term (no dates), and a
term for each grading period, of the period's id, title and days (from the
first day's midnight to the last day's end, in the school's time zone).
A course's term is the one its fixture names (canvas.enrollment_term_id).
GET /accounts/:account_id/terms lists them, as TermsApiController#index."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Optional
from zoneinfo import ZoneInfo

from marshmallow import Schema, fields, validate

from ..api.context import store
from ..api.contract import Operation, Reply, Sample
from ..store.records import DEFAULT_TERM, time_text
from . import contract as c
from . import schemas as s
from .auth import caller, rights
from .errors import forbidden
from .ids import find_account, parse_id
from .jsonfmt import answer
from .paging import paginate_numbered, per_page
from .params import params, strings
from .render import DEFAULT_TIME, TIME_ZONE


@dataclass(frozen=True)
class Term:
    id: int
    name: str
    start_at: Optional[str] = None
    end_at: Optional[str] = None


DEFAULT = Term(DEFAULT_TERM, "Default Term")


def _at(day, end=False):
    """A grading period's day (YYYY-MM-DD) as a time: its first or last second, at school."""
    try:
        when = date.fromisoformat(day)
    except (TypeError, ValueError):
        return None  # a period with no day given has no date
    moment = datetime.combine(when + timedelta(days=1) if end else when, time(),
                              ZoneInfo(TIME_ZONE))
    return time_text(moment - timedelta(seconds=1) if end else moment)


def of_period(period):
    return Term(period.id, period.title, _at(period.start), _at(period.end, end=True))


def school_terms():
    return [DEFAULT] + [of_period(p) for p in store().grading_periods.values()]


def term_of(course):
    period = store().grading_periods.get(course.enrollment_term_id)
    return DEFAULT if period is None else of_period(period)


def find_term(value):
    """enrollment_term_id as Canvas takes it: an id, `default`, `current` (the
    term whose dates hold the server's now, the latest to start of those; else
    the Default Term), or a sis_term_id (none here: the periods have none);
    None when it names no term."""
    if value == "default":
        return DEFAULT
    if value == "current":
        now = store().now()
        held = [t for t in school_terms() if t.start_at and t.end_at
                and t.start_at <= now <= t.end_at]
        return max(held, key=lambda t: (t.start_at, t.id), default=DEFAULT)
    column, given = parse_id(value) or ("?", None)
    if column is None:
        return next((t for t in school_terms() if t.id == given), None)
    return None


def term_json(term, sis=False):
    out = {"id": term.id, "name": term.name, "start_at": term.start_at, "end_at": term.end_at,
           "created_at": DEFAULT_TIME, "workflow_state": "active",
           "grading_period_group_id": None}
    if sis:
        out["sis_term_id"] = None
    return out


class Terms(Schema):
    enrollment_terms = s.req(fields.List(fields.Nested(s.EnrollmentTerm)))


class TermsQuery(s.Paged):
    workflow_state = s.listed("workflow_state", fields.String(), "active (the default), "
                              "deleted or all; other values are passed over")
    include = s.listed("include", fields.String(validate=validate.OneOf(("course_count",
                                                                         "overrides"))),
                       "course_count: the courses of each term; overrides: none are held "
                       "here, so none is added")
    page = s.described("a page number", fields.String())


TERMS = Operation(
    "List the account's enrollment terms", "Accounts", query=TermsQuery,
    replies={200: Reply("A page of the terms: the Default Term, then a term for each "
                        "grading period, latest start first", Terms, headers=c.LINK),
             403: c.FORBIDDEN},
    description="For account admins, and for teachers and TAs of the school (Canvas lets "
                "them read term dates). Wrapped in `enrollment_terms`, as Canvas answers.",
    sample=Sample({"account_id": "self"}, "include[]=course_count"))


def _reads_terms():
    """Admins, and teachers and TAs with an active enrollment (read_terms)."""
    me = caller()
    if me.administrator:
        return True
    courses = {store().sections[e.realm_id].course_id
               for e, _ in store().user_enrollments(me.uid) if e.visible and e.realm == "section"}
    return any(rights(course).types & {"TeacherEnrollment", "TaEnrollment"} for course in courses)


def index(account_id):
    find_account(account_id)
    if not _reads_terms():
        raise forbidden()
    given = params()
    states = set(strings(given.get("workflow_state"))) & {"all", "active", "deleted"}
    terms = [] if states == {"deleted"} else school_terms()
    # start_at DESC, end_at DESC (no date first, as PostgreSQL sorts nulls), then id
    terms.sort(key=lambda t: (_desc(t.start_at), _desc(t.end_at), t.id))
    shown, links = paginate_numbered(terms, given.get("page"), per_page(given.get("per_page")))
    includes = set(strings(given.get("include")))
    counts = {}
    if "course_count" in includes:
        for course in store().course_list():
            if course.workflow_state != "deleted":
                term = course.enrollment_term_id or DEFAULT_TERM
                counts[term] = counts.get(term, 0) + 1
    rows = []
    for term in shown:
        out = term_json(term, sis=True)  # who reads terms reads SIS ids (read_sis)
        if "course_count" in includes:
            out["course_count"] = counts.get(term.id, 0)
        rows.append(out)
    return answer(Terms, {"enrollment_terms": rows}, headers={"Link": links})


def _desc(text):
    """A sort key putting null first and later times before earlier ones."""
    if text is None:
        return (0, "")
    return (1, "".join(chr(0x10FFFF - ord(ch)) for ch in text))
