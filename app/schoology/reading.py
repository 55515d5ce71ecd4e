"""What a /v1 request says: its query (read once), its body and its fields
as a schema loads them (a bad one is Schoology's 400), and who acts."""
from urllib.parse import parse_qsl

from flask import current_app, g, request
from marshmallow import ValidationError

from .errors import APIError
from .formats import BodyError, parse_body


def first_error(e):
    """'field: message' for the first problem a ValidationError names."""
    field, messages = next(iter(e.normalized_messages().items()))
    message = messages[0] if isinstance(messages, list) else messages
    if isinstance(message, dict):  # a CommaList item: {index: [message]}
        message = next(iter(message.values()))[0]
    return f"{field}: {message}"


def load(schema, data):
    try:
        return schema.load(data)
    except ValidationError as e:
        raise APIError(400, first_error(e)) from None


def body():
    try:
        return parse_body()
    except BodyError as e:
        raise APIError(400, str(e)) from None


def query_pairs():
    """The query string's (name, value) pairs, in order, read once a request
    (the notes read them before the view). Plain pairs rather than
    request.args: building werkzeug's MultiDict, and probing it for absent
    keys (each raising an HTTP exception), costs a sizeable share of a list
    request."""
    pairs = g.get("schoology_query")
    if pairs is None:
        pairs = g.schoology_query = parse_qsl(request.query_string.decode("utf-8", "replace"),
                                              keep_blank_values=True)
    return pairs


def query_fields():
    """The query parameters by name; of a repeated name, the first."""
    return dict(reversed(query_pairs()))


def acting_uid():
    """The user behind the request: the one its credentials name; with
    authentication off, the configured ACTING_UID or the administrator."""
    identity = g.get("identity")
    if current_app.config["AUTH"] != "off" and identity is not None:
        return identity.uid
    return current_app.config.get("ACTING_UID") or identity.uid
