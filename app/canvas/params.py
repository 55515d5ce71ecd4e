"""Request parameters as Rails reads them: the query string, then a form body
(urlencoded or multipart, DELETE too) or a JSON body, merged into one nested
dict. `a[b]=1` nests, `a[]=1&a[]=2` is a list, a repeated plain name keeps its
last value, and the body wins over the query."""
import json
import re
from urllib.parse import parse_qsl

from flask import g, request

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
MAX_DEPTH = 32  # Rack's param_depth_limit: deeper is a 400 there too
TRUE = frozenset(("true", "t", "yes", "y", "on", "1"))
FALSE = frozenset(("false", "f", "no", "n", "off", "0"))


class ParamError(ValueError):
    """The parameters cannot be read; Canvas answers 400."""


def boolean(value):
    """Canvas's value_to_boolean: True, False, or None for anything else."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if isinstance(value, (str, int)) else ""
    return True if text in TRUE else False if text in FALSE else None


def _put(params, name, value):
    if "[" not in name and "]" not in name and name:
        params[name] = value  # the common case, a plain name
        return
    match = _KEY.match(name)
    if not match:
        return  # Rails drops names it cannot parse, e.g. "[x]"
    parts = [match.group(1)] + re.findall(r"\[([^\[\]]*)\]", match.group(2))
    if len(parts) > MAX_DEPTH:
        raise ParamError(f"{name.split('[')[0]}: nested more than {MAX_DEPTH} deep")
    here = params
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        following = None if last else parts[i + 1]
        if last:
            if part == "":
                raise ParamError(f"{name}: a list needs a name")
            here[part] = value
        elif following == "" and i + 1 == len(parts) - 1:
            held = here.setdefault(part, [])
            if not isinstance(held, list):
                raise ParamError(f"expected a list for {name.split('[')[0]}, got {held!r}")
            held.append(value)
            return
        else:
            held = here.setdefault(part, {})
            if not isinstance(held, dict):
                raise ParamError(f"expected a hash for {name.split('[')[0]}, got {held!r}")
            here = held


def _nesting(value, limit):
    """How deep lists and hashes nest in a JSON body, counted no further
    than limit + 1. A loop, not recursion: Python 3.13's json module loads
    bodies nested deeper than a recursive walk of them can go."""
    deepest, waiting = 0, [(value, 1)]
    while waiting and deepest <= limit:
        item, level = waiting.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue  # a scalar nests nothing
        deepest = max(deepest, level)
        waiting.extend((child, level + 1) for child in item)
    return deepest


def parse_pairs(pairs):
    params = {}
    for name, value in pairs:
        _put(params, name, value)
    return params


def _merge(into, extra):
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value
    return into


def query_pairs():
    if "canvas_query" not in g:
        g.canvas_query = parse_qsl(request.query_string.decode("utf-8", "replace"),
                                   keep_blank_values=True)
    return g.canvas_query


def _body():
    if not request.environ.get("CONTENT_TYPE"):
        return {}  # the mimetype below would be "": no parameters (most GETs)
    mimetype = request.mimetype
    if mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        # Read (and keep) the body before the form is parsed from it: parsing
        # alone consumes it, and the journal then could not show what was sent.
        request.get_data(cache=True)
        return parse_pairs(request.form.items(multi=True))
    if mimetype == "application/json" or mimetype.endswith("+json"):
        data = request.get_data(cache=True)
        if not data.strip():
            return {}
        try:
            document = json.loads(data)
        except ValueError as e:
            raise ParamError(f"the body is not valid JSON: {e}") from None
        except RecursionError:
            raise ParamError("the body is not valid JSON: nested too deeply") from None
        if _nesting(document, MAX_DEPTH) > MAX_DEPTH:
            raise ParamError(f"parameters nested more than {MAX_DEPTH} deep")
        # Rails keeps a JSON body that is not an object under _json.
        return document if isinstance(document, dict) else {"_json": document}
    return {}  # Rails reads no parameters from other bodies (XML, text)


def params():
    """The request's parameters, read once per request."""
    if "canvas_params" not in g:
        g.canvas_body = _body()
        g.canvas_params = _merge(parse_pairs(query_pairs()), g.canvas_body)
    return g.canvas_params


def json_body():
    """The parameters of a JSON body, with their JSON types (the rest of
    params() is text); {} when the body is not JSON."""
    params()
    mimetype = request.mimetype if request.environ.get("CONTENT_TYPE") else ""
    if mimetype == "application/json" or mimetype.endswith("+json"):
        return g.canvas_body
    return {}


_LEADING = re.compile(r"\s*([+-]?[0-9]+(?:_[0-9]+)*)")


def to_i(value):
    """Ruby's to_i of a parameter: a string's leading whole number ("12abc" is
    12, "abc" 0), a JSON number truncated (an infinite one is taken as
    the largest there is, where Ruby would fail), anything else 0."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value != value:
            return 0
        return int(value) if abs(value) < 1e300 else (10 ** 300 if value > 0 else -10 ** 300)
    if isinstance(value, str):
        match = _LEADING.match(value)
        if not match:
            return 0
        digits = match.group(1).replace("_", "")
        if len(digits) > 300:  # past what Python reads (4,300 digits) and any use: as large
            return -10 ** 300 if digits.startswith("-") else 10 ** 300
        return int(digits)
    return 0


def scalars(given):
    """A hash of parameters with each value a string (or a JSON boolean);
    a list or hash where one value belongs is a 400, as Rails' strong
    parameters refuse it. JSON numbers become their text."""
    out = {}
    for name, value in given.items():
        if isinstance(value, (list, dict)):
            raise ParamError(f"{name}: expected a single value")
        out[name] = value if value is None or isinstance(value, (str, bool)) else str(value)
    return out


def strings(value):
    """A parameter Canvas takes as "array or string": a list of strings."""
    if value is None or value == "":
        return []
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in items):
        raise ParamError("expected a string or a list of strings")
    return [str(v) for v in items]
