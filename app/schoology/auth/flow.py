"""The three-legged flow, as a client meets it on Schoology: a request token
from /v1/oauth/request_token, the user's approval at /oauth/authorize (on
Schoology's site; here a small sign-in page of this server), and an access
token from /v1/oauth/access_token, signed with the approved request token.
Tokens are answered form-encoded, as Schoology does.

The approval proves who approves: the user signs in with their password
(fixtures' users[].password), unless AUTHORIZE_ANY_USER is on, which offers
every user without one. The form carries a CSRF token tied to the request
token, the page cannot be framed, and the user is sent back only to the
consumer's registered callback or domain (with none registered, a loopback
address or this server's own); any other callback is a 400, never a redirect."""
import hashlib
import hmac
import ipaddress
import re
from urllib.parse import urlencode, urlsplit, urlunsplit

from flask import Blueprint, Response, current_app, g, redirect, request
from markupsafe import escape

from ...api.context import store
from ...store import Invalid, NotFound
from ...store.errors import TooManyTries
from ...store.oauth import REQUEST_TOKEN_TTL
from ..formats import SCHOOLOGY_HEADERS

FORM = "application/x-www-form-urlencoded"


def _form(**values):
    return Response(urlencode(values), 200, SCHOOLOGY_HEADERS, content_type=FORM)


def request_token():
    token = store().issue_request_token(g.identity.consumer_key)
    return _form(oauth_token=token.token, oauth_token_secret=token.secret,
                 xoauth_token_ttl=REQUEST_TOKEN_TTL)


def access_token():
    try:
        access = store().exchange_request_token(g.identity.token)
    except Invalid as e:
        return Response(e.message, 401, SCHOOLOGY_HEADERS, content_type="text/plain")
    return _form(oauth_token=access.token, oauth_token_secret=access.secret)


SIGN_IN_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Approve access - schoology-mock</title></head>
<body><h1>Approve access</h1>
<p>The application <b>{consumer}</b> asks to use the API as you.</p>{problem}
<form method="post" action="/oauth/authorize">
<input type="hidden" name="oauth_token" value="{token}">
<input type="hidden" name="oauth_callback" value="{callback}">
<input type="hidden" name="csrf_token" value="{csrf}">
{who}
<button type="submit">Approve</button>
</form></body></html>"""
SIGN_IN = """<p>Sign in to let it.</p>
<p><label>Username (your school ID, or user ID)
 <input name="username" value="{username}" autocomplete="username" required></label></p>
<p><label>Password <input type="password" name="password" autocomplete="current-password"
 required></label></p>"""
PICK = """<p><label>Approve as <select name="uid">{options}</select></label>
(AUTHORIZE_ANY_USER is on: no password is asked)</p>"""

# Sent with every answer of /oauth/authorize: the page is never framed (no
# clickjacking), never cached (it carries a CSRF token) and loads nothing.
APPROVAL = "/oauth/authorize"  # the approval page, on Schoology's site
GUARD_HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
}
DEFAULT_PORTS = {"http": 80, "https": 443}
_HOST_NAME = re.compile(r"[a-z0-9.-]+")
LOOPBACK_ONLY = ("with no callback registered for this application, only a loopback address "
                 "(127.0.0.1, ::1, localhost) or this server's own host is allowed")


def guard(response):
    """The chain's after hook on /oauth/authorize: the headers above,
    whatever answers it (a refusal, a 405, an error)."""
    for name, value in GUARD_HEADERS.items():
        response.headers[name] = value
    return response


def _text(message, status):
    return Response(message, status, content_type="text/plain; charset=utf-8")


class BadCallback(Exception):
    """The callback is malformed or not allowed; message says why (a 400)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def csrf_token(request_token):
    """The approval form's CSRF token: tied to the request token, by a key
    this app made when it started."""
    key = current_app.extensions["schoology_csrf_key"]
    return hmac.new(key, b"oauth-authorize\0" + request_token.encode("utf-8", "surrogatepass"),
                    hashlib.sha256).hexdigest()


def checked_callback(callback, consumer):
    """callback, if the consumer's user may be sent there: under the URL the
    consumer registered, or on its domain; with none registered, a loopback
    address or this server's own. BadCallback otherwise. "" is no callback."""
    if not callback:
        return ""
    malformed = BadCallback(f"Not approved: oauth_callback {callback!r} is not a well-formed "
                            "http or https URL (ASCII, with a host and no user name).")
    if any(not "!" <= c <= "~" or c == "\\" for c in callback):  # spaces, controls, non-ASCII
        raise malformed
    try:
        parts = urlsplit(callback)
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:  # http://[ or a port that is not a number
        raise malformed from None
    host = parts.hostname
    if (parts.scheme not in DEFAULT_PORTS or not host or "@" in parts.netloc
            or not (_HOST_NAME.fullmatch(host) or _ip(host))):
        raise malformed
    registered = consumer.callback
    if registered:
        if _under_registered(parts, port, registered):
            return callback
        raise BadCallback(f"Not approved: oauth_callback {callback} is not under this "
                          f"application's registered callback ({registered}).")
    if host == "localhost" or (_ip(host) and _ip(host).is_loopback) or host in _own_hosts():
        return callback
    raise BadCallback(f"Not approved: oauth_callback {callback} is refused: {LOOPBACK_ONLY}.")


def _ip(host):
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _under_registered(parts, port, registered):
    """A registered domain takes itself and its subdomains (any port); a
    registered URL its scheme, host and port, and paths under its path."""
    if "://" not in registered:
        domain = registered.lower()
        return parts.hostname == domain or parts.hostname.endswith("." + domain)
    home = urlsplit(registered)
    if (parts.scheme, parts.hostname, port) != (home.scheme, home.hostname,
                                                home.port or DEFAULT_PORTS[home.scheme]):
        return False
    segments = parts.path.split("/")
    if any(seg in (".", "..") or "%2e" in seg.lower() for seg in segments):
        return False  # a browser would resolve it elsewhere
    base, path = home.path or "/", parts.path or "/"
    return path == base or path.startswith(base if base.endswith("/") else base + "/")


def _own_hosts():
    """The server's own host names: its BASE_URL's and the address it listens
    on (not the Host a request names: a client chooses that)."""
    return {urlsplit(base).hostname for base in (
        current_app.config["BASE_URL"], current_app.extensions.get("schoology_server_url"))
        if base}


def _page(pending, token, callback, status=200, problem="", username=""):
    if current_app.config["AUTHORIZE_ANY_USER"]:
        options = "".join(f'<option value="{u.uid}">{escape(u.name_display)} ({u.uid})</option>'
                          for u in store().users.values())
        who = PICK.format(options=options)
    else:
        who = SIGN_IN.format(username=escape(username))
    page = SIGN_IN_PAGE.format(
        consumer=escape(pending.consumer_key), token=escape(token),
        callback=escape(callback), csrf=csrf_token(token), who=who,
        problem=f'\n<p role="alert"><b>{escape(problem)}</b></p>' if problem else "")
    return Response(page, status, content_type="text/html; charset=utf-8")


def _pending_and_callback(token, callback):
    """(request token, callback), or the answer refusing them."""
    try:
        pending = store().pending_request_token(token)
    except (NotFound, Invalid) as e:
        return None, _text(f"Not approved: {e.message}.", 404 if isinstance(e, NotFound) else 400)
    try:
        return (pending, checked_callback(callback, store().consumers[pending.consumer_key])), None
    except BadCallback as e:
        return None, _text(e.message, 400)


def authorize_page():
    token = request.args.get("oauth_token", "")
    callback = request.args.get("oauth_callback", "")
    found, refusal = _pending_and_callback(token, callback)
    if refusal is not None:
        return refusal
    return _page(found[0], token, callback)


def approve():
    token, callback = request.form.get("oauth_token", ""), request.form.get("oauth_callback", "")
    if not hmac.compare_digest(request.form.get("csrf_token", "").encode("utf-8", "surrogatepass"),
                               csrf_token(token).encode()):
        return _text("Not approved: the form's CSRF token is missing or wrong. Open the "
                     "approval page from the application again.", 403)
    found, refusal = _pending_and_callback(token, callback)
    if refusal is not None:
        return refusal
    pending, callback = found
    if current_app.config["AUTHORIZE_ANY_USER"]:
        try:
            store().approve_request_token(token, int(request.form.get("uid", "")))
        except ValueError:
            return _text("Not approved: uid must be a user's uid.", 400)
        except (NotFound, Invalid) as e:
            return _text(f"Not approved: {e.message}.", 400)
    else:
        username = request.form.get("username", "").strip()
        try:
            store().sign_in_to_approve(token, username, request.form.get("password", ""))
        except TooManyTries as e:
            return _text(f"Not approved: {e.message}.", 429)
        except Invalid:
            return _page(pending, token, callback, 403, "Wrong username or password.", username)
        except NotFound as e:  # too many wrong passwords (or used meanwhile)
            return _text(f"Not approved: {e.message}.", 403)
    if callback:
        parts = urlsplit(callback)
        query = "&".join(q for q in (parts.query, urlencode({"oauth_token": token})) if q)
        return redirect(urlunsplit(parts._replace(query=query)))
    return _text("Approved. You may return to the application.", 200)


def approval_blueprint():
    bp = Blueprint("oauth_approval", __name__)
    bp.add_url_rule(APPROVAL, view_func=authorize_page, methods=["GET"])
    bp.add_url_rule(APPROVAL, view_func=approve, methods=["POST"], endpoint="approve")
    return bp
