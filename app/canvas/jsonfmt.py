"""JSON as Rails writes it, each answer through its schema (answer): compact,
UTF-8, with <, >, & and the line separators U+2028/U+2029 escaped
(ActiveSupport's JSON escaping)."""
import json

from ..api.answers import write
from ..api.response import Response

CONTENT_TYPE = "application/json; charset=utf-8"
HEADERS = {"Cache-Control": "max-age=0, private, must-revalidate"}
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
            "\u2029": "\\u2029"}
_TABLE = str.maketrans(_ESCAPES)


def dumps(data):
    """data as Rails's JSON text (a str). Escaping after encoding is safe: the
    escaped characters occur only inside strings."""
    return _encode(data).translate(_TABLE)


def json_response(data, status=200, headers=None):
    """data, or a JSON text already written (str), as an answer."""
    text = data if isinstance(data, str) else dumps(data)
    return Response(text.encode("utf-8"), status, {**HEADERS, **headers} if headers else HEADERS,
                    content_type=CONTENT_TYPE)


def answer_rows(schema, rows, headers=None):
    """A JSON array of rows, each written through schema, as an answer."""
    return json_response("[" + ",".join(dumps(write(schema, row)) for row in rows) + "]",
                         headers=headers)


def answer(schema, data, status=200, headers=None):
    """data written through schema, the one the OpenAPI document publishes
    for it (answers.py), as an answer."""
    return json_response(write(schema, data), status, headers)
