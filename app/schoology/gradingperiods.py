"""Grading periods, as Schoology's docs give them: GET /v1/gradingperiods, a
page of the school's grading periods (title filters it: the exact title, or
with startswith=1 the titles that begin with it), and GET
/v1/gradingperiods/{id}. Each has its id, title, start and end (YYYY-MM-DD),
active ("1" while the school's today is within them) and a link to itself;
ids and flags are text, as in the docs' example. Both are for administrators
only (others get an empty 403, as the course list gives them). Their
answers, their contract and their views are all here; the route table
(routes.py) names them."""
from flask import g
from marshmallow import Schema, fields

from ..api.context import store
from ..api.contract import Operation, Reply, Sample
from ..api.fields import Flag
from .formats import empty, render
from .links import link, page_links
from .reading import load, query_pairs
from .roster import school_now
from .schemas import MAX_LIMIT, Loader, PageQuery
from .schemas.documents import PageLinks, SelfLink, answer
from .schemas.roster import dumper

S = fields.String

GradingPeriodOut = Schema.from_dict({
    "id": S(), "title": S(), "start": S(), "end": S(), "active": S(), "links": fields.Raw(),
}, name="GradingPeriodOut")


class GradingPeriodQuery(PageQuery):
    title = S(metadata={"description": "only the grading period of this title"})
    startswith = Flag(metadata={"description": "1: the titles that begin with title"})


# --- what the OpenAPI document publishes ---------------------------------------------
GradingPeriod = answer("GradingPeriod", dict(GradingPeriodOut._declared_fields,
                                             links=fields.Nested(SelfLink)))
GradingPeriodPage = answer("GradingPeriodPage", {
    "gradingperiods": fields.List(fields.Nested(GradingPeriod)), "total": S(),
    "links": fields.Nested(PageLinks)})
ADMINS_ONLY = Reply("To anyone but an administrator (empty body)")
LIST = Operation(
    "List grading periods", "Grading periods", query=GradingPeriodQuery,
    replies={200: Reply("A page of grading periods, by id", GradingPeriodPage),
             403: ADMINS_ONLY},
    description="For school administrators. A limit over 200 is served as 200.",
    sample=Sample(query="limit=2"))
VIEW = Operation(
    "View a grading period", "Grading periods",
    replies={200: Reply("The grading period", GradingPeriod), 403: ADMINS_ONLY},
    description="For school administrators.",
    parameters={"grading_period_id": ("The grading period's id",
                                      {"type": "integer", "minimum": 0})},
    sample=Sample({"grading_period_id": "812202"}))

# --- the views --------------------------------------------------------------------------
_query = Loader(GradingPeriodQuery)
_dump = dumper(GradingPeriodOut)


def _today():
    """The school's date now, on the server's clock, as the periods write theirs."""
    return school_now().date().isoformat()


def _json(period, today):
    return _dump({"id": period.id, "title": period.title, "start": period.start,
                  "end": period.end, "active": "1" if period.start <= today <= period.end
                  else "0", "links": {"self": link(grading_period, grading_period_id=period.id)}})


def grading_periods():
    if not g.identity.administrator:
        return empty(403)
    pairs = query_pairs()
    query = load(_query, dict(reversed(pairs)))
    start, limit = query["start"], min(query["limit"], MAX_LIMIT)
    title = query.get("title")
    found = sorted(store().grading_periods.values(), key=lambda p: p.id)
    if title:
        found = [p for p in found if (p.title.startswith(title) if query.get("startswith")
                                      else p.title == title)]
    today = _today()
    url = link(grading_periods)
    return render({"gradingperiods": [_json(p, today) for p in found[start:start + limit]],
                   "total": str(len(found)),
                   "links": page_links(url, pairs, start, limit, len(found))})


def grading_period(grading_period_id):
    if not g.identity.administrator:
        return empty(403)
    found = store().grading_periods.get(grading_period_id)
    if found is None:
        return empty(404)
    return render(_json(found, _today()))
