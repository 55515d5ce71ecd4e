"""The enrollment endpoints, written once for every realm. Each view takes
the realm it serves (e.g. Realm("section", "sections")) as its first argument;
urls.py binds one per blueprint."""
from collections import namedtuple
from urllib.parse import parse_qsl, urlencode

from flask import current_app, g, request
from marshmallow import ValidationError

from ..auth import may_manage, may_view
from ...context import store
from ..errors import APIError
from ..formats import BodyError, empty, parse_body, render
from ..schemas import (MAX_LIMIT, EnrollmentCreate, EnrollmentQuery, EnrollmentUpdate,
                       ListQuery, Loader, render_created, render_enrollment)

Realm = namedtuple("Realm", "name plural")
REALMS = (Realm("section", "sections"), Realm("group", "groups"))
REALM = {realm.name: realm for realm in REALMS}  # "section" -> Realm

_list_query = Loader(ListQuery)
_one_query = Loader(EnrollmentQuery)
_create = Loader(EnrollmentCreate)
_update = Loader(EnrollmentUpdate)


def api_base():
    """Where links point: the scheme and Host the request came in on. Clients
    that send Host: api.schoology.com to reach the mock (schoolopy, the Ed-Fi
    extractor) get the server's own address instead, so the links they follow
    come back here rather than going to Schoology."""
    base = current_app.config["BASE_URL"] or current_app.extensions.get("schoology_server_url")
    if base and request.host.split(":")[0].endswith("schoology.com"):
        return base.rstrip("/") + "/v1"
    return f"{request.scheme}://{request.host}/v1"


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


def enrollments_url(realm, realm_id):
    return f"{api_base()}/{realm.plural}/{realm_id}/enrollments"


def enrollment_url(realm, realm_id, enrollment_id):
    """realm: a Realm, or its name ("section")."""
    return f"{enrollments_url(REALM.get(realm, realm), realm_id)}/{enrollment_id}"


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


def list_enrollments(realm, realm_id):
    may_manage(realm.name, realm_id)
    pairs = query_pairs()
    query = load(_list_query, dict(reversed(pairs)))  # as query_fields()
    start, limit = query["start"], min(query["limit"], MAX_LIMIT)
    types = query.get("type")
    admins = None if types is None else sorted({1 if t == "admin" else 0 for t in types})
    total, rows = store().list_enrollments(
        realm.name, realm_id, start=start, limit=limit, uids=query.get("uid"),
        statuses=query.get("enrollment_status"), admins=admins)
    size = (query.get("picture_size") or [None])[0]
    url = enrollments_url(realm, realm_id)
    renderer = render_enrollment(realm.name)
    items = [renderer.prepared(e, user, size, url) for e, user in rows]
    return render({"enrollment": items, "total": str(total),
                   "links": page_links(url, pairs, start, limit, total)})


def page_links(url, pairs, start, limit, total):
    """A list's links: they repeat the caller's own parameters, then start
    and limit; next only while there is more."""
    params = [(k, v) for k, v in pairs if k not in ("start", "limit")]
    page_url = f"{url}?{urlencode(params, safe=',')}&" if params else f"{url}?"
    links = {"self": f"{page_url}start={start}&limit={limit}"}
    if start + limit < total:
        links["next"] = f"{page_url}start={start + limit}&limit={limit}"
    return links


def get_enrollment(realm, realm_id, enrollment_id):
    enrollment, user = store().get_enrollment(realm.name, realm_id, enrollment_id)
    may_view(realm.name, realm_id, enrollment)
    size = (load(_one_query, query_fields()).get("picture_size") or [None])[0]
    return render(render_enrollment(realm.name)(enrollment, user, size))


def acting_uid():
    """The user behind the request: the one its credentials name; with
    authentication off, the configured ACTING_UID or the administrator."""
    identity = g.get("identity")
    if current_app.config["AUTH"] != "off" and identity is not None:
        return identity.uid
    return current_app.config.get("ACTING_UID") or identity.uid


def create_enrollment(realm, realm_id, data):
    may_manage(realm.name, realm_id)
    fields = load(_create, data)
    enrollment, user = store().create_enrollment(realm.name, realm_id, **fields)
    link = enrollment_url(realm, realm_id, enrollment.id)
    return render(render_created(realm.name)(enrollment, user, link=link), 201)


def update_enrollment(realm, realm_id, enrollment_id):
    may_manage(realm.name, realm_id)
    fields = load(_update, body())
    if "admin" not in fields and "status" not in fields:
        raise APIError(400, "Nothing to update: send admin and/or status.")
    store().update_enrollment(realm.name, realm_id, enrollment_id, **fields)
    return empty(204)


def delete_enrollment(realm, realm_id, enrollment_id):
    may_manage(realm.name, realm_id)
    store().delete_enrollment(realm.name, realm_id, enrollment_id)
    return empty(204)


def unsupported_realm(**kwargs):
    """Schoology answers 403 for enrollments under any other realm: courses
    are containers, and nobody is enrolled in a course itself."""
    raise APIError(403)
