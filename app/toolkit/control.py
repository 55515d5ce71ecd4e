"""The control API under /_mock/, for tests and demos: never part of
Schoology's /v1 API and never reached with Schoology credentials. Open to
clients on this machine, or behind a token (ADMIN_TOKEN). JSON in and out.

    POST /_mock/reset   back to the fixtures the server started with
    GET  /_mock/state   the whole state, as a fixture document
    POST /_mock/load    replace the state: a fixture document, or {"path": FILE}
    POST /_mock/seed    {"seed": N}: ids issued from here on follow seed N
    GET  /_mock/requests        the request journal, filtered by the query:
                                method, path (a prefix), status, since, until,
                                notes (1: only requests with contract notes)
    POST /_mock/requests/count  how many match the filters in the body
    DELETE /_mock/requests      empty the journal
    POST /_mock/faults  add a fault rule (see faults.py); GET lists them, DELETE clears
    POST /_mock/clock   {"freeze": true|false, "at": EPOCH or ISO 8601, "advance": SECONDS}: move or
                        freeze the server's time; DELETE /_mock/clock: back to real time
"""
import hmac
import ipaddress
import os
import stat
from urllib.parse import urlsplit

from flask import Blueprint, current_app, jsonify, request

from ..api.context import install, store
from ..store import (FixtureError, NotFixtures, build_store, json_pieces, read_file, read_open,
                     store_of)
from ..store.fixtures import KINDS
from .clock import seconds
from .faults import RuleError

MAX_LOAD_BYTES = 512 * 1024 * 1024  # a fixture file larger than this is a mistake


def _loopback(name):
    try:
        return ipaddress.ip_address((name or "").strip("[]")).is_loopback
    except ValueError:
        return False


def _hostname(netloc):
    try:
        return (urlsplit("//" + netloc).hostname or "").lower()
    except ValueError:
        return ""


def _own_names():
    """The names the server answers to: localhost, and its own address."""
    names = {"localhost"}
    url = current_app.extensions.get("schoology_server_url")
    if url:
        names.add(_hostname(urlsplit(url).netloc))
    if current_app.config.get("HOST") not in (None, "0.0.0.0", "::", ""):
        names.add(current_app.config["HOST"].lower())
    return names


def cross_site():
    """A browser's request from another site's page: a form or script there
    aimed at this server (the server's own pages are same-origin)."""
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return True
    origin = request.headers.get("Origin")
    return origin is not None and urlsplit(origin).netloc.lower() != request.host.lower()


SESSION_COOKIE = "schoology_mock_admin"  # the dashboard's sign-in (dashboard/access.py)


def session_value(token):
    """What the sign-in cookie holds: derived from the admin token, so that a
    cookie read off a browser does not give the token itself away."""
    return hmac.new(token.encode(), b"schoology-mock dashboard sign-in", "sha256").hexdigest()


def admitted(token):
    """Whether this request carries the admin token: in X-Mock-Admin-Token,
    or as the cookie the dashboard's sign-in sets."""
    given = request.headers.get("X-Mock-Admin-Token")
    if given is not None:
        return hmac.compare_digest(given.encode(), token.encode())
    cookie = request.cookies.get(SESSION_COOKIE, "")
    return hmac.compare_digest(cookie.encode(), session_value(token).encode())


def refusal():
    """(status, why) when this request may not reach /_mock/; None when it may.
    With ADMIN_TOKEN set, every control request must carry it (admitted);
    without, only clients on this machine may call, and only addressed to
    this machine (a Host of another name is a page's DNS rebinding).
    Requests a browser makes for another site are refused always."""
    if cross_site():
        return 403, "The control API refuses requests from other sites' pages."
    token = current_app.config.get("ADMIN_TOKEN")
    if token:
        if not admitted(token):
            return 401, "The control API needs X-Mock-Admin-Token."
        return None
    if current_app.config.get("BASE_URL"):
        # Behind a proxy every request comes from this machine: where it came
        # from says nothing, so only the token opens the control API.
        return 403, ("Behind a proxy (--base-url), the control API needs "
                     "X-Mock-Admin-Token (serve --admin-token).")
    if not _loopback(request.remote_addr):
        return 403, ("The control API answers only this machine, or requests "
                     "with X-Mock-Admin-Token (serve --admin-token).")
    host = _hostname(request.host)
    if not (_loopback(host) or host in _own_names() or host.endswith(".localhost")):
        return 403, ("The control API answers requests addressed to localhost "
                     "or the server's own address, or with X-Mock-Admin-Token.")
    return None


def guard():
    """before_request of the control API: its refusal, in JSON."""
    refused = refusal()
    return None if refused is None else _answer(refused[0], error=refused[1])


def _answer(status=200, **body):
    return jsonify(body), status


def _json():
    """The JSON body, or None when there is none, or it cannot be read (even
    nested too deeply for Python to walk)."""
    try:
        return request.get_json(silent=True)
    except RecursionError:
        return None


def _object():
    """The JSON body when it is an object; else an empty one."""
    given = _json()
    return given if isinstance(given, dict) else {}


def _swap(new):
    install(current_app, new)


def reset_state(app):
    """Back to the document the app started from (its snapshot, if it started
    from one; else its fixtures)."""
    install(app, store_of(app.extensions["schoology_fixtures"], seed=app.config["SEED"]))


def reset():
    """{"to": "start"} (the default): back to what the server started from;
    {"to": "fixtures"}: back to the fixture file (or the demo school), even
    when the server started from a snapshot."""
    to = _object().get("to", "start")
    if to == "start":
        reset_state(current_app)
        source = current_app.extensions["schoology_source"]
    elif to == "fixtures":
        fixtures = current_app.config["FIXTURES"]
        records = read_file(current_app.extensions["schoology_demo_fixtures"]
                            if fixtures is None else fixtures)
        install(current_app, store_of(records, seed=current_app.config["SEED"]))
        source = "the demo school" if fixtures is None else str(fixtures)
    else:
        return _answer(400, error='Send {"to": "start"} or {"to": "fixtures"}, or no body.')
    return _answer(reset=True, to=to, source=source)


def state():
    """Sent as it is written, a piece at a time (a district's is 500 MB)."""
    return current_app.response_class(json_pieces(store().export_rows()),
                                      mimetype="application/json")


def load():
    """A whole new store is built first: a bad document changes nothing."""
    document = _json()
    if not isinstance(document, dict):
        return _answer(400, error="Send a fixture document (JSON) or {\"path\": FILE}.")
    try:
        if set(document) == {"path"}:
            loaded = _load_path(document["path"])
        else:
            loaded = build_store(document, source="the loaded document",
                                 seed=current_app.config["SEED"])
    except FixtureError as e:
        return _answer(400, error=str(e))
    _swap(loaded)
    return _answer(loaded=True, users=len(loaded.users), enrollments=len(loaded.enrollments))


def _folders():
    """Where /_mock/load may read files: the fixtures' folder and DATA_DIR."""
    fixtures = current_app.config.get("FIXTURES")
    folders = [current_app.config.get("DATA_DIR")]
    if isinstance(fixtures, (str, os.PathLike)):
        folders.append(os.path.dirname(os.path.abspath(fixtures)))
    return [os.path.realpath(f) for f in folders if f]


def _load_path(given):
    """A store from a fixture file in one of _folders(). What a refusal says
    names the path given and never what a file holds, unless it is a fixture
    document (a JSON object of the fixture lists)."""
    if not isinstance(given, str) or not given.strip():
        raise FixtureError('"path" must name a file.')
    folders = _folders()
    try:
        path = os.path.realpath(os.path.join(folders[0] if folders else ".", given))
    except ValueError:  # a NUL in it
        raise FixtureError(f"{given!r}: not a file's path") from None
    if not any(os.path.commonpath([path, f]) == f for f in folders):
        raise FixtureError(f"{given}: /_mock/load reads files only under "
                           f"{' or '.join(folders) or 'the fixtures folder (none here)'}; "
                           "start the server with --data-dir DIR for another folder.")
    # Opened without waiting (a FIFO would wait for a writer) and without
    # following a last link, then checked on what was opened: a file swapped
    # after the checks above is still refused.
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        raise FixtureError(f"{given}: no such file") from None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise FixtureError(f"{given}: not a regular file")
        if info.st_size > MAX_LOAD_BYTES:
            raise FixtureError(f"{given}: larger than {MAX_LOAD_BYTES // 2**20} MiB")
        try:
            records = read_open(f, given, MAX_LOAD_BYTES + 1)
        except NotFixtures as e:
            if e.not_json:
                raise FixtureError(f"{given}: not a fixture document (a JSON object)") from None
            raise FixtureError(f"{given}: not a fixture document (a JSON object of the "
                               f"fixture lists: {', '.join(KINDS)})") from None
    return store_of(records, seed=current_app.config["SEED"])


def seed():
    given = _object().get("seed")
    if not isinstance(given, int) or isinstance(given, bool):
        return _answer(400, error='Send {"seed": N} with a whole number N.')
    store().reseed(given)
    return _answer(seed=given)


def _journal():
    journal = current_app.extensions.get("schoology_journal")
    if journal is None:
        raise _Off()
    return journal


class _Off(Exception):
    pass


def _filters(given):
    """The journal filters from a dict of strings or JSON values."""
    filters = {}
    try:
        for name, kind in (("method", str), ("path", str), ("status", int), ("since", float),
                           ("until", float), ("notes", _yes_no)):
            if given.get(name) not in (None, ""):
                value = given[name]
                if kind not in (str, _yes_no) and isinstance(value, bool):
                    raise ValueError(value)
                filters[name] = kind(value)
    except (TypeError, ValueError):
        raise _BadFilter(f"bad filter {name}={given[name]!r}") from None
    return filters


def _yes_no(value):
    """notes=1|true|yes (only entries with notes) or 0|false|no (only those without)."""
    if isinstance(value, bool):
        return value
    words = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}
    if isinstance(value, str) and value.strip().lower() in words:
        return words[value.strip().lower()]
    raise ValueError(value)


class _BadFilter(Exception):
    pass


def requests_list():
    entries = _journal().select(**_filters(request.args))
    return jsonify({"requests": entries, "total": len(entries)})


def requests_count():
    return _answer(count=len(_journal().select(**_filters(_object()))))


def requests_clear():
    _journal().clear()
    return _answer(cleared=True)


def faults_add():
    try:
        rule = current_app.extensions["schoology_faults"].add(_json())
    except RuleError as e:
        return _answer(400, error=str(e))
    return jsonify(rule.describe()), 201


def faults_list():
    return jsonify({"faults": current_app.extensions["schoology_faults"].describe()})


def faults_clear():
    current_app.extensions["schoology_faults"].clear()
    return _answer(cleared=True)


def _seconds(value):
    try:
        return seconds(value)
    except ValueError:
        return None


def clock_set():
    given = _json()
    fields = {"freeze": bool, "at": (int, float, str), "advance": (int, float)}
    if isinstance(given, dict) and "at" in given:
        given = dict(given, at=_seconds(given["at"]))
    if not isinstance(given, dict) or not given or set(given) - set(fields) or any(
            not isinstance(v, fields[k]) or (k != "freeze" and isinstance(v, bool))
            for k, v in given.items()):
        return _answer(400, error='Send {"freeze": true|false, "at": EPOCH SECONDS or ISO 8601 '
                                  'TIME, "advance": SECONDS}, any of them.')
    clock = current_app.extensions["schoology_clock"]
    try:
        now = clock.set(**given)
    except ValueError as e:
        return _answer(400, error=str(e))
    return _answer(now=now, frozen=clock.frozen is not None)


def clock_real():
    current_app.extensions["schoology_clock"].real()
    return _answer(now=current_app.extensions["schoology_clock"](), frozen=False)


def control_blueprint():
    bp = Blueprint("control", __name__, url_prefix="/_mock")
    bp.before_request(guard)
    bp.add_url_rule("/reset", view_func=reset, methods=["POST"])
    bp.add_url_rule("/state", view_func=state, methods=["GET"])
    bp.add_url_rule("/load", view_func=load, methods=["POST"])
    bp.add_url_rule("/seed", view_func=seed, methods=["POST"])
    bp.add_url_rule("/requests", view_func=requests_list, methods=["GET"])
    bp.add_url_rule("/requests/count", view_func=requests_count, methods=["POST"])
    bp.add_url_rule("/requests", view_func=requests_clear, methods=["DELETE"],
                    endpoint="requests_clear")
    bp.add_url_rule("/faults", view_func=faults_add, methods=["POST"])
    bp.add_url_rule("/faults", view_func=faults_list, methods=["GET"], endpoint="faults_list")
    bp.add_url_rule("/faults", view_func=faults_clear, methods=["DELETE"],
                    endpoint="faults_clear")
    bp.add_url_rule("/clock", view_func=clock_set, methods=["POST"])
    bp.add_url_rule("/clock", view_func=clock_real, methods=["DELETE"], endpoint="clock_real")
    bp.register_error_handler(_Off, lambda e: _answer(
        404, error="The journal is off (serve --no-journal)."))
    bp.register_error_handler(_BadFilter, lambda e: _answer(400, error=str(e)))
    return bp
