"""JSON as Schoology writes it: PHP json_encode defaults, so compact, ASCII
only (\\uXXXX escapes) and with every slash escaped (http:\\/\\/...)."""
import json

from .prepared import Prepared

_encode = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode
_encode_str = json.encoder.encode_basestring_ascii  # the same escaping, for one string


def _text(value):
    # "/" only ever occurs inside strings in JSON text, so this touches no syntax.
    text = _encode_str(value) if isinstance(value, str) else _encode(value)
    return text.replace("/", "\\/")


def _holds_prepared(values):
    for value in values:
        if isinstance(value, Prepared):
            return True
        if isinstance(value, dict) and _holds_prepared(value.values()):
            return True
        if isinstance(value, list) and _holds_prepared(value):
            return True
    return False


def _write(value):
    """value as JSON text, with kept encodings spliced in where they stand."""
    if isinstance(value, Prepared):
        if value.json is None:
            value.json = _text(value.data)
        return value.json
    if isinstance(value, dict):
        return "{" + ",".join(f"{_text(k)}:{_write(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(map(_write, value)) + "]"
    return _text(value)


def dumps(data):
    if _holds_prepared((data,)):
        return _write(data).encode("ascii")
    return _text(data).encode("ascii")  # nothing kept inside: one pass of the C encoder


def loads(body):
    return json.loads(body)
