"""Who may open the dashboard: whoever may call the control API
(control.refusal), told why not in a page rather than JSON. A browser cannot
add X-Mock-Admin-Token to the pages it opens, so when the server has an admin
token (serve --admin-token), a person signs in once with it at
/_mock/sign-in and the browser keeps a cookie derived from it (HttpOnly,
SameSite=Strict, for /_mock/ alone), which the control API takes as the
token: the state's download link works too."""
import hmac

from flask import current_app, redirect, render_template, request, url_for

from ..toolkit.control import SESSION_COOKIE, admitted, cross_site, refusal, session_value


def gate():
    """before_request of the dashboard."""
    if request.endpoint == "dashboard.static":
        return None  # the package's own stylesheet and script
    if request.endpoint == "dashboard.sign_in" and current_app.config.get("ADMIN_TOKEN") \
            and not cross_site():
        return None
    refused = refusal()
    if refused is None:
        return None
    status, why = refused
    if status == 401:
        return render_template("sign_in.html", next=_here(), wrong=False), 401
    return render_template("refused.html", why=why), status


def sign_in():
    token = current_app.config.get("ADMIN_TOKEN")
    wanted = _inside(request.values.get("next"))
    if not token or admitted(token):
        return redirect(wanted)
    if request.method == "GET":
        return render_template("sign_in.html", next=wanted, wrong=False)
    given = request.form.get("token", "")
    if not hmac.compare_digest(given.encode(), token.encode()):
        return render_template("sign_in.html", next=wanted, wrong=True), 401
    answer = redirect(wanted)
    answer.set_cookie(SESSION_COOKIE, session_value(token), path="/_mock/", httponly=True,
                      samesite="Strict", secure=_secure())
    return answer


def sign_out():
    answer = redirect(url_for("dashboard.sign_in"))
    answer.delete_cookie(SESSION_COOKIE, path="/_mock/", httponly=True, samesite="Strict",
                         secure=_secure())
    return answer


def signed_in():
    """For the page's menu: whether a sign-out makes sense."""
    return SESSION_COOKIE in request.cookies


def _here():
    return request.full_path.rstrip("?") if request.method == "GET" else url_for(
        "dashboard.school")


def _inside(path):
    """Where to go after signing in: a page of the dashboard, never elsewhere."""
    if path and path.startswith("/_mock/") and "//" not in path and "\\" not in path:
        return path
    return url_for("dashboard.school")


def _secure():
    return request.is_secure or (current_app.config.get("BASE_URL") or "").startswith("https:")


def register(bp):
    bp.before_request(gate)
    bp.add_app_template_global(signed_in)
    bp.add_url_rule("/sign-in", view_func=sign_in, methods=["GET", "POST"])
    bp.add_url_rule("/sign-out", view_func=sign_out, methods=["POST"])
