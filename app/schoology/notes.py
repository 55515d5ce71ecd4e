"""What Schoology would silently ignore, coerce or cap in a request, noted
before the view runs (contract.note): query parameters the operation does
not take, body fields its schema does not have, digits padded with spaces
where a number goes, a number where text goes, a limit over 200, and
filters read only in part. Only JSON has types to coerce: XML is text, and
the text of an element is taken trimmed, as pretty-printed XML needs."""
from flask import request
from marshmallow import fields

from ..api.contract import CAPPED, COERCED, IGNORED, UNKNOWN_FIELD, UNKNOWN_PARAMETER, once, report
from ..api.fields import Code, Whole, whole
from .formats import BodyError, parse_body
from .reading import query_pairs
from .schemas.inputs import MAX_LIMIT


def check(operation):
    found = []
    pairs = query_pairs() if request.query_string else ()
    if pairs:
        _query(_known(operation), pairs, found)
    if operation.body is not None and request.content_length:
        try:
            data = parse_body()
        except BodyError:
            data = None  # the view refuses it with a 400 of its own
        if data is not None:
            _fields(_schema_for(operation, data), data, "", request.mimetype.endswith("json"),
                    found)
    report(found)


# --- worked out once per operation ----------------------------------------------------
@once
def _known(operation):
    """The query parameters the operation takes."""
    names = set(operation.known_query)
    if operation.query is not None:
        names.update(f.data_key or name for name, f in _fields_of(operation.query).items())
    return frozenset(names)


@once
def _bodies(operation):
    """The body's schemas (of a oneOf, each), as instances, in the order the
    view tries them."""
    given = operation.body
    choices = given["oneOf"] if isinstance(given, dict) else [given]
    return [_instance(s) for s in choices]


def _instance(schema):
    return schema() if isinstance(schema, type) else schema


def _fields_of(schema):
    return _instance(schema).fields


def _schema_for(operation, data):
    """The schema the view reads data as: of a oneOf (the bulk envelope, or
    one enrollment), the first whose required fields data has (the view
    takes the envelope whenever it is there); else the last."""
    choices = _bodies(operation)
    for schema in choices:
        if all(name in data for name, f in schema.fields.items() if f.required):
            return schema
    return choices[-1]


# --- the query -------------------------------------------------------------------------
def _query(known, pairs, found):
    seen = {}
    for name, value in pairs:
        if name.startswith("oauth_"):
            continue  # OAuth 1.0a parameters may travel in the query
        if name not in known:
            found.append((UNKNOWN_PARAMETER, f"{name}: not a parameter of this endpoint; "
                                             "Schoology ignores it"))
        elif name in seen:
            found.append((IGNORED, f"{name}: given more than once; only one is read (the "
                                   f"mock reads the first, {seen[name]!r})"))
        seen.setdefault(name, value)
    limit = whole(seen.get("limit", ""))
    if "limit" in known and limit is not None and limit > MAX_LIMIT:
        found.append((CAPPED, f"limit: {limit} is served as {MAX_LIMIT}"))
    sizes = [s for s in seen.get("picture_size", "").split(",") if s.strip()]
    if "picture_size" in known and len(sizes) > 1:
        found.append((IGNORED, f"picture_size: only the first size ({sizes[0].strip()}) "
                               "is used"))


# --- the body --------------------------------------------------------------------------
def _fields(schema, data, where, typed, found):
    """Notes for data (a dict) against schema; where: the path so far."""
    for key, value in data.items():
        field = schema.fields.get(key)
        name = f"{where}{key}"
        if field is None:
            found.append((UNKNOWN_FIELD, f"{name}: not a field of this request; Schoology "
                                         "ignores it"))
        elif isinstance(field, fields.Nested) and isinstance(value, dict):
            _fields(field.schema, value, name + ".", typed, found)
        elif isinstance(field, fields.List) and isinstance(field.inner, fields.Nested):
            items = value if isinstance(value, list) else [value]  # XML: one item
            for i, item in enumerate(items):
                if isinstance(item, dict):
                    _fields(field.inner.schema, item, f"{name}[{i}].", typed, found)
        elif typed:
            _coerced(field, name, value, found)


def _coerced(field, name, value, found):
    """Digits as a string are as good as the number (Schoology's own examples
    send them); digits or a code padded with spaces, or a number where text
    goes, are read as something else than what was sent."""
    if isinstance(value, str) and value != value.strip() and value.strip() and (
            isinstance(field, Code) or (isinstance(field, Whole) and whole(value) is not None)):
        found.append((COERCED, f"{name}: {value!r} is read as {value.strip()!r}"))
    elif isinstance(field, Code) and isinstance(value, int) and not isinstance(value, bool):
        found.append((COERCED, f"{name}: the number {value} is read as the text {str(value)!r}"))
