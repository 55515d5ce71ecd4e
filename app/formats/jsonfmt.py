"""JSON as Schoology writes it: PHP json_encode defaults, so compact, ASCII
only (\\uXXXX escapes) and with every slash escaped (http:\\/\\/...)."""
import json

_encode = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode


def dumps(data):
    # "/" only ever occurs inside strings in JSON text, so this touches no syntax.
    return _encode(data).replace("/", "\\/").encode("ascii")


def loads(body):
    return json.loads(body)
