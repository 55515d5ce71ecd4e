"""The three-legged flow, as a client meets it on Schoology: a request token
from /v1/oauth/request_token, the user's approval at /oauth/authorize (on
Schoology's site; here a small page of this server), and an access token
from /v1/oauth/access_token, signed with the approved request token. Tokens
are answered form-encoded, as Schoology does."""
from urllib.parse import urlencode, urlsplit, urlunsplit

from flask import Blueprint, Response, g, redirect, request
from markupsafe import escape

from ...context import store
from ..formats import SCHOOLOGY_HEADERS
from ...store import Invalid, NotFound

TOKEN_TTL = 3600
FORM = "application/x-www-form-urlencoded"


def _form(**values):
    return Response(urlencode(values), 200, SCHOOLOGY_HEADERS, content_type=FORM)


def request_token():
    token = store().issue_request_token(g.identity.consumer_key)
    return _form(oauth_token=token.token, oauth_token_secret=token.secret,
                 xoauth_token_ttl=TOKEN_TTL)


def access_token():
    try:
        access = store().exchange_request_token(g.identity.token)
    except Invalid as e:
        return Response(e.message, 401, SCHOOLOGY_HEADERS, content_type="text/plain")
    return _form(oauth_token=access.token, oauth_token_secret=access.secret)


PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Approve access - schoology-mock</title></head>
<body><h1>Approve access</h1>
<p>The application <b>{consumer}</b> asks to use the API as you.</p>
<form method="post" action="/oauth/authorize">
<input type="hidden" name="oauth_token" value="{token}">
<input type="hidden" name="oauth_callback" value="{callback}">
<label>Approve as <select name="uid">{options}</select></label>
<button type="submit">Approve</button>
</form></body></html>"""


def authorize_page():
    token = request.args.get("oauth_token", "")
    pending = store().request_tokens.get(token)
    if pending is None:
        return Response("No such request token (it may have been used).", 404,
                        content_type="text/plain")
    options = "".join(f'<option value="{u.uid}">{escape(u.name_display)} ({u.uid})</option>'
                      for u in store().users.values())
    return PAGE.format(consumer=escape(pending.consumer_key), token=escape(token),
                       callback=escape(request.args.get("oauth_callback", "")),
                       options=options)


def approve():
    token, callback = request.form.get("oauth_token", ""), request.form.get("oauth_callback", "")
    try:
        store().approve_request_token(token, int(request.form.get("uid", "0")))
    except (NotFound, ValueError) as e:
        return Response(f"Not approved: {e}", 400, content_type="text/plain")
    if callback:
        parts = urlsplit(callback)
        query = "&".join(q for q in (parts.query, urlencode({"oauth_token": token})) if q)
        return redirect(urlunsplit(parts._replace(query=query)))
    return Response("Approved. You may return to the application.", 200,
                    content_type="text/plain")


def token_blueprint():
    """Nested in the /v1 blueprint."""
    bp = Blueprint("oauth", __name__, url_prefix="/oauth")
    bp.add_url_rule("/request_token", view_func=request_token, methods=["GET", "POST"])
    bp.add_url_rule("/access_token", view_func=access_token, methods=["GET", "POST"])
    return bp


def approval_blueprint():
    bp = Blueprint("oauth_approval", __name__)
    bp.add_url_rule("/oauth/authorize", view_func=authorize_page, methods=["GET"])
    bp.add_url_rule("/oauth/authorize", view_func=approve, methods=["POST"],
                    endpoint="approve")
    return bp
