"""Content negotiation: one Python structure out as JSON or XML, request
bodies in from either. Every /v1 answer is built here, so every one carries
Schoology's headers."""
from functools import lru_cache

from flask import g, request
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from ...api.response import Response
from . import jsonfmt, xmlfmt
from .prepared import Prepared

JSON_TYPE = "application/json; charset=UTF-8"
XML_TYPE = "text/xml; charset=UTF-8"
OFFERED = ("application/json", "text/xml", "application/xml")
SCHOOLOGY_HEADERS = {
    "X-Schoology": "API",
    "Cache-Control": "no-cache, no-store, must-revalidate, post-check=0, pre-check=0",
}


class BodyError(ValueError):
    """The request body cannot be read as the document the endpoint needs."""


def wants_xml():
    """Accept decides, q-values honoured; none, */* or nothing we offer: JSON."""
    return _prefers_xml(request.headers.get("Accept", ""))


@lru_cache(maxsize=256)
def _prefers_xml(accept):
    # A client sends the same Accept on every request; weighing it is costly.
    if not accept:
        return False
    offer = parse_accept_header(accept, MIMEAccept).best_match(OFFERED)
    return offer in ("text/xml", "application/xml")


def render(data, status=200):
    if wants_xml():
        return Response(xmlfmt.dumps(data), status, SCHOOLOGY_HEADERS,
                                 content_type=XML_TYPE)
    return Response(jsonfmt.dumps(data), status, SCHOOLOGY_HEADERS,
                             content_type=JSON_TYPE)


def empty(status):
    """No body, yet the negotiated Content-Type, as Schoology answers 204s,
    403s and 404s."""
    content_type = XML_TYPE if wants_xml() else JSON_TYPE
    return Response(b"", status, SCHOOLOGY_HEADERS, content_type=content_type)


def parse_body():
    """The request body as a dict, read as its Content-Type says; with no
    Content-Type, as whichever of JSON or XML it looks like. Read once a
    request (the notes read it before the view): treat it as read-only."""
    parsed = g.get("schoology_body")
    if parsed is None:
        parsed = g.schoology_body = _parse_body()
    return parsed


def _parse_body():
    body = request.get_data(cache=True)
    if not body.strip():
        raise BodyError("The request body is empty.")
    mimetype = request.mimetype
    if mimetype.endswith("json"):
        kind = "json"
    elif mimetype.endswith("xml"):
        kind = "xml"
    elif not mimetype:
        kind = "xml" if body.lstrip()[:1] == b"<" else "json"
    else:
        raise BodyError(f"Content-Type {mimetype} is not supported; send "
                        "application/json or text/xml.")
    try:
        data = jsonfmt.loads(body) if kind == "json" else xmlfmt.loads(body)
    except xmlfmt.XMLError as e:
        raise BodyError(str(e)) from None
    except ValueError as e:
        raise BodyError(f"malformed JSON: {e}") from None
    except RecursionError:
        raise BodyError("malformed JSON: nested too deeply") from None
    if not isinstance(data, dict):
        raise BodyError("The request body must be an object of fields.")
    return data
