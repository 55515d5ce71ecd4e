"""The request journal: every API request (Schoology's /v1, Canvas's /api/v1)
as it was answered (or dropped by a fault), newest last,
kept in a bounded deque so a long run never grows memory without bound (the
oldest entries go first; bodies are kept up to BODY_LIMIT bytes)."""
import itertools
import time
from collections import deque

from flask import g, request
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge

from ..api.dialects import dialect_of
from .faults import FAULT

BODY_LIMIT = 4096


class Entry:
    """One request as it was answered. Kept as received (bodies and query as
    bytes, up to BODY_LIMIT): decoding them is left to whoever reads the
    journal, which is seldom, rather than done on every request."""
    __slots__ = ("id", "time", "dialect", "method", "path", "query", "identity", "status",
                 "duration_ms", "request_body", "response_body", "notes", "fault", "dropped")

    def __init__(self, time, dialect, method, path, query, identity, status, duration_ms,
                 request_body, response_body, notes=(), fault=None, dropped=False):
        self.time, self.dialect, self.method, self.path = time, dialect, method, path
        self.query, self.identity, self.status = query, identity, status
        self.duration_ms, self.request_body = duration_ms, request_body
        self.response_body, self.id = response_body, None
        self.notes, self.fault, self.dropped = notes, fault, dropped

    def as_dict(self):
        identity = self.identity
        return {"time": self.time, "dialect": self.dialect, "method": self.method,
                "path": self.path, "query": self.query.decode("utf-8", "replace"),
                "identity": None if identity is None else {
                    "uid": identity.uid,
                    "consumer_key": getattr(identity, "consumer_key", None),
                    "token": getattr(identity, "token", None)},
                "status": self.status, "duration_ms": round(self.duration_ms, 3),
                "request_body": _text(self.request_body), "response_body":
                _text(self.response_body), "notes": list(self.notes), "fault": self.fault,
                "dropped": self.dropped, "id": self.id}


class Journal:
    def __init__(self, size=5000):
        self.entries = deque(maxlen=size)
        self._ids = itertools.count(1)

    def add(self, entry):
        entry.id = next(self._ids)
        self.entries.append(entry)

    def clear(self):
        self.entries.clear()

    def select(self, method=None, path=None, status=None, since=None, until=None, notes=None):
        """Entries matching every filter given, as dicts: method (any case),
        path prefix, status, time (seconds since the epoch) from since to
        until, and notes (True: only entries with contract notes; False:
        only those without)."""
        method = method.upper() if method else None
        return [e.as_dict() for e in list(self.entries)
                if (notes is None or bool(e.notes) == notes)
                and (method is None or e.method == method)
                and (path is None or e.path.startswith(path))
                and (status is None or e.status == status)
                and (since is None or e.time >= since)
                and (until is None or e.time <= until)]


def _text(data):
    """Bytes kept (up to BODY_LIMIT, and whether there were more) as text."""
    if isinstance(data, str):
        return data
    kept, more = data
    return kept.decode("utf-8", "replace") + ("…" if more else "")


def _kept(data):
    return (data[:BODY_LIMIT], len(data) > BODY_LIMIT)


def _request_body(environ):
    if environ.get("CONTENT_LENGTH", "0") in ("", "0") \
            and "HTTP_TRANSFER_ENCODING" not in environ:
        return ""  # no body: reading the empty stream still costs werkzeug's setup
    try:
        return _kept(request.get_data(cache=True))
    except RequestEntityTooLarge:
        return f"({request.content_length} bytes: over the limit, not read)"
    except ClientDisconnected:
        return f"(the body ended before its {request.content_length} bytes)"


def capture(response):
    """The chain's last step inside the app (chain.py): what the answer was,
    who sent the request and what the contract noted, left in the environ
    for Layer, which times and records the request once the app returns."""
    environ = request.environ
    if ANSWER in environ:
        environ[ANSWER] = (response.status_code, g.get("identity") or g.get("claimed"),
                           _request_body(environ),
                           "" if response.is_streamed else _kept(response.get_data()),
                           tuple(g.get("contract_notes") or ()))
    return response


ANSWER = "schoology_mock.journal_answer"
UNANSWERED = (None, None, "", "", ())


class Layer:
    """The outermost layer of the chain: every API request is timed and
    recorded here, whatever happens inside, a fault's latency included and a
    dropped connection too (recorded as dropped, then passed on)."""

    def __init__(self, wsgi_app, app):
        self.wsgi_app, self.app = wsgi_app, app
        self.journal = app.extensions.get("schoology_journal")
        if self.journal is None:
            self.journal = app.extensions["schoology_journal"] = Journal(
                app.config["JOURNAL_SIZE"])

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        dialect = dialect_of(self.app, path)
        if dialect is None:
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        environ[ANSWER] = UNANSWERED
        try:
            return self.wsgi_app(environ, start_response)
        finally:
            status, identity, sent, answer, notes = environ[ANSWER]
            rule = environ.get(FAULT)
            dropped = rule is not None and rule.drop
            if status is None and not dropped:
                status = 500  # the app failed past its own error handlers: the server's 500
            self.journal.add(Entry(
                self.app.extensions["schoology_clock"](), dialect, environ["REQUEST_METHOD"],
                # the path as the app reads it: WSGI hands it over as latin-1
                path.encode("latin-1").decode("utf-8", "replace"),
                environ.get("QUERY_STRING", "").encode("latin-1"), identity, status,
                (time.perf_counter() - started) * 1000, sent, answer, notes,
                None if rule is None else rule.id, dropped))


def around(app, wsgi_app):
    """wsgi_app, an answer of app's given outside its chain (the server's 413
    to a body it will not read), journaled as the chain journals; as it is
    when the app keeps no journal."""
    return Layer(wsgi_app, app) if "schoology_journal" in app.extensions else wsgi_app
