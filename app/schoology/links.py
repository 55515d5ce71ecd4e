"""Where an answer's links point: the API's base, as the client reached it,
and the URLs Schoology writes in its answers (an enrollment's, a list page's)."""
from urllib.parse import urlencode

from flask import current_app, request

from .realms import REALM


def api_base():
    """Where links point: the scheme and Host the request came in on. Clients
    that send Host: api.schoology.com to reach the mock (schoolopy, the Ed-Fi
    extractor) get the server's own address instead, so the links they follow
    come back here rather than going to Schoology."""
    base = current_app.config["BASE_URL"] or current_app.extensions.get("schoology_server_url")
    if base and request.host.split(":")[0].endswith("schoology.com"):
        return base.rstrip("/") + "/v1"
    return f"{request.scheme}://{request.host}/v1"


def enrollments_url(realm, realm_id):
    return f"{api_base()}/{realm.plural}/{realm_id}/enrollments"


def enrollment_url(realm, realm_id, enrollment_id):
    """realm: a Realm, or its name ("section")."""
    return f"{enrollments_url(REALM.get(realm, realm), realm_id)}/{enrollment_id}"


def page_links(url, pairs, start, limit, total):
    """A list's links: they repeat the caller's own parameters, then start
    and limit; next only while there is more."""
    params = [(k, v) for k, v in pairs if k not in ("start", "limit")]
    page_url = f"{url}?{urlencode(params, safe=',')}&" if params else f"{url}?"
    links = {"self": f"{page_url}start={start}&limit={limit}"}
    if start + limit < total:
        links["next"] = f"{page_url}start={start + limit}&limit={limit}"
    return links
