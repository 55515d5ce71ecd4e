"""What Schoology would silently ignore, coerce or cap in a request, noted
before the view runs (contract.note): query parameters the operation does
not take, body fields its schema does not have, digits padded with spaces
where a number goes, a number where text goes, a limit over 200, and
filters read only in part. XML bodies are all text, so only JSON ones can
be coerced."""
from flask import request
from marshmallow import fields

from ..contract import CAPPED, COERCED, IGNORED, UNKNOWN_FIELD, UNKNOWN_PARAMETER, note
from ..fields import Code, _Whole, whole
from .formats import BodyError, parse_body
from .realms.responses import query_pairs
from .schemas.inputs import MAX_LIMIT


def check(operation):
    pairs = query_pairs() if request.query_string else ()
    if pairs:
        _query(operation, pairs)
    if operation.body is not None and request.content_length:
        try:
            data = parse_body()
        except BodyError:
            return  # the view refuses it with a 400 of its own
        _fields(_schema_for(operation.body, data), data, "", request.mimetype.endswith("json"))


_KNOWN = {}


def _known(operation):
    """The query parameters the operation takes, worked out once."""
    names = _KNOWN.get(id(operation))
    if names is None:
        names = set(operation.known_query)
        if operation.query is not None:
            names.update(f.data_key or name
                         for name, f in _instance(operation.query).fields.items())
        names = _KNOWN[id(operation)] = frozenset(names)
    return names


def _query(operation, pairs):
    known = _known(operation)
    seen = {}
    for name, value in pairs:
        if name.startswith("oauth_"):
            continue  # OAuth 1.0a parameters may travel in the query
        if name not in known:
            note(UNKNOWN_PARAMETER, f"{name}: not a parameter of this endpoint; "
                                    "Schoology ignores it")
        elif name in seen:
            note(IGNORED, f"{name}: given more than once; Schoology reads the first "
                          f"({seen[name]!r})")
        seen.setdefault(name, value)
    limit = whole(seen.get("limit", ""))
    if "limit" in known and limit is not None and limit > MAX_LIMIT:
        note(CAPPED, f"limit: {limit} is served as {MAX_LIMIT}")
    sizes = [s for s in seen.get("picture_size", "").split(",") if s.strip()]
    if "picture_size" in known and len(sizes) > 1:
        note(IGNORED, f"picture_size: only the first size ({sizes[0].strip()}) is used")


def _instance(schema):
    return schema() if isinstance(schema, type) else schema


def _schema_for(body, data):
    """The schema of body that data is meant as: of a oneOf (one enrollment,
    or the bulk envelope), the one whose fields it uses."""
    if isinstance(body, dict):
        choices = [_instance(s) for s in body["oneOf"]]
        return max(choices, key=lambda s: len(set(s.fields) & set(data)))
    return _instance(body)


def _fields(schema, data, where, typed):
    """Notes for data (a dict) against schema; where: the path so far."""
    for key, value in data.items():
        field = schema.fields.get(key)
        name = f"{where}{key}"
        if field is None:
            note(UNKNOWN_FIELD, f"{name}: not a field of this request; Schoology ignores it")
        elif isinstance(field, fields.Nested) and isinstance(value, dict):
            _fields(_instance(field.schema), value, name + ".", typed)
        elif isinstance(field, fields.List) and isinstance(field.inner, fields.Nested):
            items = value if isinstance(value, list) else [value]  # XML: one item
            for i, item in enumerate(items):
                if isinstance(item, dict):
                    _fields(_instance(field.inner.schema), item, f"{name}[{i}].", typed)
        elif typed:
            _coerced(field, name, value)


def _coerced(field, name, value):
    """Digits as a string are as good as the number (Schoology's own examples
    send them); digits padded with spaces, or a number where text goes, are
    read as something else than what was sent."""
    if isinstance(field, _Whole) and isinstance(value, str) and value != value.strip() \
            and whole(value) is not None:
        note(COERCED, f"{name}: {value!r} is read as {whole(value)}")
    elif isinstance(field, Code) and isinstance(value, int) and not isinstance(value, bool):
        note(COERCED, f"{name}: the number {value} is read as the text {str(value)!r}")

