"""Who is calling: OAuth 1.0a on every /v1 request (AUTH "oauth"), or, with
AUTH "off", everyone is the administrator (for curl and demos). Schoology's
rate limit, per consumer key, comes right after."""
import secrets
from urllib.parse import quote

from flask import current_app, g, request
from oauthlib.oauth1.rfc5849.utils import parse_authorization_header
from werkzeug.exceptions import HTTPException

from ...api.context import store as current_store
from ...api.response import Response
from ..errors import error_response
from ..formats import SCHOOLOGY_HEADERS
from .flow import APPROVAL, access_token, approval_blueprint, guard
from .oauth import Identity, Refused, Verifier
from .permissions import Forbidden, may_manage, may_view
from .ratelimit import RateLimiter

__all__ = ["APPROVAL", "Forbidden", "Identity", "Refused", "Verifier", "authenticate", "guard",
           "may_manage", "may_view", "rate_limit", "register"]


def register(app):
    """The approval page, which is on Schoology's site rather than its API
    (its CSRF tokens are keyed by a secret made here), and the rate limiter.
    authenticate and rate_limit are the dialect's steps of the chain (chain.py)."""
    app.extensions["schoology_csrf_key"] = secrets.token_bytes(32)
    app.register_blueprint(approval_blueprint())
    limit = app.config["RATE_LIMIT"]
    if limit:
        app.extensions["schoology_rate_limiter"] = RateLimiter(
            *limit, clock=app.extensions["schoology_clock"])


def authenticate():
    if request.method == "OPTIONS":
        return None  # a browser's preflight carries no credentials: cors.py answers it
    store = current_store()
    if current_app.config["AUTH"] == "off":
        g.identity = Identity(store.administrator_uid(), None, None, True)
        return None
    verifier = current_app.extensions.get("schoology_verifier")
    if verifier is None or verifier.store is not store:
        verifier = current_app.extensions["schoology_verifier"] = Verifier(
            store, clock=current_app.extensions["schoology_clock"])
    try:
        g.identity = verifier.verify(request.method, signed_uris(), dict(request.headers),
                                     form_body(),
                                     request_token=_view() is access_token)
    except Refused as e:
        g.claimed = claimed()
        return Response(e.message, 401, SCHOOLOGY_HEADERS,
                        content_type="text/plain; charset=UTF-8")
    return None


def _view():
    """The view of the request's path, whatever its method (a method the path
    does not take is still checked as a request to that path)."""
    if request.url_rule is not None:
        return current_app.view_functions.get(request.endpoint)
    try:
        endpoint, _ = current_app.url_map.bind_to_environ(request.environ).match(method="GET")
    except HTTPException:
        return None
    return current_app.view_functions.get(endpoint)


def claimed():
    """Who the request says it is from, before that is checked (for the
    journal of a refused request): its consumer key and token; None if it
    names neither."""
    found = dict(request.args.items()) if "oauth_consumer_key" in request.args else {}
    header = request.headers.get("Authorization", "")
    if header[:6].lower() == "oauth ":
        try:
            found = dict(parse_authorization_header(header))
        except (ValueError, IndexError):
            pass
    key, token = found.get("oauth_consumer_key") or None, found.get("oauth_token") or None
    return None if key is None and token is None else Identity(None, key, token, False)


def rate_limit():
    """Schoology's limit per consumer key, counted once the key is verified."""
    limiter = current_app.extensions.get("schoology_rate_limiter")
    identity = g.get("identity")
    if limiter is not None and identity is not None and identity.consumer_key is not None:
        wait = limiter.retry_after(identity.consumer_key)
        if wait is not None:
            return error_response(429, "Too many requests: this consumer key is over its "
                                  f"limit of {limiter.limit} requests every "
                                  f"{limiter.window:g} seconds.", {"Retry-After": str(wait)})
    return None


def signed_uris():
    """Clients sign the URL they called with the Host they send (schoolopy and
    the Ed-Fi client send Host: api.schoology.com to a mock on 127.0.0.1);
    behind TLS termination the scheme they signed is https."""
    query = request.query_string.decode("latin-1")
    # The path as sent, percent-encoded (werkzeug hands it over decoded).
    tail = quote(request.path, safe="/:@!$&'()*+,;=-._~") + (f"?{query}" if query else "")
    other = "https" if request.scheme == "http" else "http"
    return [f"{scheme}://{request.host}{tail}" for scheme in (request.scheme, other)]


def form_body():
    """A form-encoded body is part of what is signed; JSON and XML are not."""
    if request.mimetype == "application/x-www-form-urlencoded":
        return request.get_data(as_text=True)
    return ""
