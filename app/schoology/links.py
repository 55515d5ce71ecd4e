"""Where an answer's links point: the server as the client reached it, and
the path of a view's route (the route table spells it: contract.link), with
a list page's links after it."""
from urllib.parse import urlencode

from flask import current_app, request

from ..api import contract


def site():
    """Where links point: the scheme and Host the request came in on. Clients
    that send Host: api.schoology.com to reach the mock (schoolopy, the Ed-Fi
    extractor) get the server's own address instead, so the links they follow
    come back here rather than going to Schoology."""
    base = current_app.config["BASE_URL"] or current_app.extensions.get("schoology_server_url")
    if base and request.host.split(":")[0].endswith("schoology.com"):
        return base.rstrip("/")
    return f"{request.scheme}://{request.host}"


def link(view, nest=None, **values):
    """The URL of view's route with values (nest: the realm's blueprint, for
    the views every realm shares), on the server as the client reached it."""
    return site() + contract.link(view, nest, **values)


def page_links(url, pairs, start, limit, total):
    """A list's links: they repeat the caller's own parameters, then start
    and limit; next only while there is more."""
    params = [(k, v) for k, v in pairs if k not in ("start", "limit")]
    page_url = f"{url}?{urlencode(params, safe=',')}&" if params else f"{url}?"
    links = {"self": f"{page_url}start={start}&limit={limit}"}
    if start + limit < total:
        links["next"] = f"{page_url}start={start + limit}&limit={limit}"
    return links
