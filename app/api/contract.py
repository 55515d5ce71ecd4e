"""The contract of each dialect's endpoints, declared once: what an operation
takes (its query and body schemas) and what it answers, status by status,
and the route table's rows (Route) that pair each operation with its path
and view. fill() serves a table, operations() names its operations as the
document does, link() spells a view's path for an answer's links;
toolkit/openapi.py writes the OpenAPI documents from them, and the notes
below hold each request to them.

A note is something the real API would silently ignore, coerce or cap in a
request: an unknown field, a string where an integer goes, limit=500 served
as 200. Every note of a request goes in its journal entry; with STRICT on,
the first one is refused with a 400 in the dialect's shape instead, before
the request changes anything."""
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Callable
from urllib.parse import quote

from flask import current_app, g, request

from . import dialects

# The kinds of note, in the order they are checked.
UNKNOWN_PARAMETER = "unknown parameter"
UNKNOWN_FIELD = "unknown field"
COERCED = "coerced"
CAPPED = "capped"
IGNORED = "ignored"
KINDS = (UNKNOWN_PARAMETER, UNKNOWN_FIELD, COERCED, CAPPED, IGNORED)
ORDER = {kind: n for n, kind in enumerate(KINDS)}


@dataclass(frozen=True)
class Reply:
    """One status of an operation. schema: a marshmallow schema (class or
    instance), a JSON Schema dict (which may hold schemas), or None for no
    body. mediatype: the one type the body comes in (text/plain for an
    OAuth refusal), where it is not the dialect's negotiated ones."""
    description: str
    schema: object = None
    headers: dict = field(default_factory=dict)  # name -> (description, JSON Schema)
    mediatype: str = None


@dataclass(frozen=True)
class Body:
    """A request body as one media type carries it, where Operation.body
    does not describe it: a form names its parameters otherwise (Rails'
    user_ids[]), or writes an object property in brackets (OpenAPI's
    encoding: {"enrollment": {"style": "deepObject", "explode": True}})."""
    schema: object
    encoding: dict = field(default_factory=dict)


@dataclass(frozen=True, eq=False)  # eq=False: each one is its own key (notes.py's tables)
class Operation:
    """One method on one route. query: a marshmallow schema of the query
    parameters; body: a marshmallow schema of the request body. replies:
    status -> Reply; the dialect adds its common ones (401, 429, ...).
    known_query: query parameters read elsewhere (auth, paging) that the
    schema leaves out; they are never an unknown parameter. parameters:
    path parameter name -> (description, JSON Schema or None), for those
    the dialect's Description does not describe."""
    summary: str
    tag: str
    replies: dict
    query: object = None
    body: object = None
    body_required: bool = True
    description: str = ""
    known_query: tuple = ()
    sample: object = None  # a Sample: the request whose answer is the example
    bodies: dict = field(default_factory=dict)  # media type -> Body, where not body's
    parameters: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Sample:
    """A request to the demo school (auth off) whose answer, and body, are an
    operation's examples in the document: the mock's own bytes, so they
    cannot go stale. values: the path parameters (the route table has the
    path, and operations() writes it out as path); query, if any; body is
    sent as JSON (and as XML, where the dialect speaks it)."""
    values: dict = field(default_factory=dict)
    query: str = ""
    body: object = None
    path: str = None  # the request's path and query, from its route


@dataclass(frozen=True)
class Route:
    """One row of a dialect's route table: the path (Flask's syntax, under
    the dialect's prefix), the methods, the view and the operation the
    contract describes it with. notes: the dialect's own rule for what the
    real API passes over in such a request, (given, found) -> None. nest:
    the nested blueprint that serves it, where the dialect has them."""
    path: str
    methods: tuple
    view: Callable
    operation: Operation
    notes: Callable = None
    nest: str = None


@dataclass(frozen=True)
class Description:
    """What a dialect tells openapi.py about itself. operations: "get
    /v1/sections/{realm_id}/enrollments" -> Operation, written from the
    dialect's route table (operations()); common: status ->
    Reply that every operation may answer; not_found: the 404 of an
    operation with path parameters; parameters: path parameter name ->
    (description, JSON Schema or None for its converter's)."""
    title: str
    version: str
    summary: str
    security: dict
    media: tuple  # the media types of the answers
    encoders: dict  # request media type -> function writing a sample's body in it
    common: dict
    not_found: Reply
    parameters: dict = field(default_factory=dict)
    tags: tuple = ()
    servers: list = field(default_factory=list)
    operations: dict = field(default_factory=dict)
    prefix: str = ""  # where the dialect serves, with its slash: /v1/; from its route table


RULE_PARAMETER = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")


@lru_cache(maxsize=1024)
def openapi_path(rule):
    """/v1/sections/<id:realm_id>/enrollments -> /v1/sections/{realm_id}/enrollments"""
    return RULE_PARAMETER.sub(lambda m: "{" + m.group(3) + "}", rule)


def fill(app, bp, routes, nested=None):
    """Add each route of the table to bp, or to the blueprint of nested
    (name -> Blueprint) its row names, and tell link() where each view is
    served. Returns {full endpoint name: route}."""
    found = {}
    links = app.extensions.setdefault("schoology_links", {})
    for number, route in enumerate(routes):
        view = getattr(route.view, "func", route.view)  # a realm's rows bind one view
        name = f"{view.__name__}_{number}"  # its view's, and its row in the table
        target = bp if route.nest is None else nested[route.nest]
        target.add_url_rule(route.path, endpoint=name, view_func=route.view,
                            methods=list(route.methods))
        found[".".join(filter(None, (bp.name, route.nest, name)))] = route
        links.setdefault((view, route.nest), openapi_path((bp.url_prefix or "") + route.path))
    return found


def link(view, nest=None, **values):
    """The path of view's route (its first row, where it has several; nest:
    the nested blueprint of the row, for a view several serve) with values
    for its parameters: where an answer points, spelled by the route table
    rather than typed again. Formatted from the route's path, as url_for
    would build it at a fraction of the cost (a list page asks for one)."""
    return current_app.extensions["schoology_links"][(view, nest)].format_map(
        {name: quote(value, safe="") if isinstance(value, str) else value
         for name, value in values.items()})


def operations(prefix, routes):
    """"get /api/v1/courses/{course_id}/enrollments" -> Operation, as the
    document names them, each sample's path written from its route."""
    out = {}
    for route in routes:
        path = openapi_path(prefix + route.path)
        op = route.operation
        if op.sample is not None:
            url = path.format(**op.sample.values)
            url += f"?{op.sample.query}" if op.sample.query else ""
            op = replace(op, sample=replace(op.sample, path=url))
        for method in route.methods:
            out[f"{method.lower()} {path}"] = op
    return out


def holding(routes, check):
    """The chain's contract step of a dialect (after authentication: a
    refusal needs a caller): check(route) notes what the real API would
    ignore, coerce or cap, before the view changes anything. routes:
    {endpoint: route}, as fill() returns them."""
    def before():
        rule = request.url_rule
        if rule is None or request.method == "OPTIONS":
            return
        route = routes.get(rule.endpoint)
        if route is not None:
            check(route)
    return before


class StrictRefusal(Exception):
    """A note, refused because STRICT is on."""


def note(kind, message):
    """Record what the real API would silently do with this request: kind
    is one of KINDS, message names the parameter or field. With STRICT on,
    refuses the request instead (call it before changing anything)."""
    text = f"{kind}: {message}"
    notes = g.get("contract_notes")
    if notes is None:
        notes = g.contract_notes = []
    notes.append(text)
    if current_app.config.get("STRICT"):
        raise StrictRefusal(text)


def report(found):
    """Note each (kind, message) of found, in the order of KINDS: with STRICT
    on, the first is the one refused."""
    for kind, message in sorted(found, key=lambda f: ORDER[f[0]]):
        note(kind, message)


def once(work):
    """work(operation, *more), worked out once per operation: a dialect's
    notes read its contract the same way on every request, and the contract
    never changes while the app runs."""
    kept = {}

    def get(operation, *more):
        found = kept.get(operation)
        if found is None:
            found = kept[operation] = work(operation, *more)
        return found
    return get


def refuse(e):
    """A StrictRefusal as a 400 in the request's dialect."""
    dialect = dialects.current()
    message = f"Strict mode: {e} (the real API would accept the request)"
    return dialect.error(400, message)
