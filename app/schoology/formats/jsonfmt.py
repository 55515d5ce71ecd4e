"""JSON as Schoology writes it: PHP json_encode defaults, so compact, ASCII
only (\\uXXXX escapes) and with every slash escaped (http:\\/\\/...)."""
import json
import re

import orjson

from .prepared import Prepared

_encode = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode
_encode_str = json.encoder.encode_basestring_ascii  # the same escaping, for one string
# What orjson writes raw and ensure_ascii escapes: DEL and everything past ASCII.
_RAW = re.compile("[\x7f-\U0010ffff]")


def _escape(match):
    code = ord(match.group())
    if code > 0xFFFF:  # a surrogate pair, as json writes it
        code -= 0x10000
        return f"\\u{0xD800 | (code >> 10):04x}\\u{0xDC00 | (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def _encoded(value):
    """value as json.dumps(ensure_ascii=True) writes it, compactly. orjson does
    the work (an order of magnitude faster on a row); what it writes as raw
    UTF-8 is escaped after, and what it refuses (a lone surrogate, a type of
    its own rules) goes to the json module."""
    try:
        text = orjson.dumps(value).decode()
    except TypeError:
        return _encode(value)
    return text if text.isascii() and "\x7f" not in text else _RAW.sub(_escape, text)


def _text(value):
    # "/" only ever occurs inside strings in JSON text, so this touches no syntax.
    text = _encode_str(value) if isinstance(value, str) else _encoded(value)
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
