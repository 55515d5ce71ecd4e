"""The request journal: every API request (Schoology's /v1, Canvas's /api/v1)
as it was answered, newest last,
kept in a bounded deque so a long run never grows memory without bound (the
oldest entries go first; bodies are kept up to BODY_LIMIT bytes)."""
import itertools
import time
from collections import deque

from flask import current_app, g, request
from werkzeug.exceptions import RequestEntityTooLarge

from .dialects import dialect_of

BODY_LIMIT = 4096


class Entry:
    """One request as it was answered. Kept as received (bodies and query as
    bytes, up to BODY_LIMIT): decoding them is left to whoever reads the
    journal, which is seldom, rather than done on every request."""
    __slots__ = ("id", "time", "dialect", "method", "path", "query", "identity", "status",
                 "duration_ms", "request_body", "response_body", "notes")

    def __init__(self, time, dialect, method, path, query, identity, status, duration_ms,
                 request_body, response_body, notes=()):
        self.time, self.dialect, self.method, self.path = time, dialect, method, path
        self.query, self.identity, self.status = query, identity, status
        self.duration_ms, self.request_body = duration_ms, request_body
        self.response_body, self.id = response_body, None
        self.notes = notes

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
                _text(self.response_body), "notes": list(self.notes), "id": self.id}


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


def record(response):
    """After each request: its entry, if it was an API request."""
    path = request.path
    dialect = dialect_of(path)
    if dialect is None:
        return response
    app = current_app._get_current_object()
    environ = request.environ
    started = environ.get(STARTED) or time.perf_counter()
    app.extensions["schoology_journal"].add(Entry(
        app.extensions["schoology_clock"](), dialect, environ["REQUEST_METHOD"], path,
        environ.get("QUERY_STRING", "").encode("latin-1"), g.get("identity"),
        response.status_code, (time.perf_counter() - started) * 1000, _request_body(environ),
        "" if response.is_streamed else _kept(response.get_data()),
        tuple(g.get("contract_notes") or ())))
    return response


STARTED = "schoology.journal_started"


def _timed(wsgi_app):
    """The app, noting when each request came in (for duration_ms): a plain
    WSGI wrapper costs less than a before_request hook."""
    def app(environ, start_response):
        environ[STARTED] = time.perf_counter()
        return wsgi_app(environ, start_response)
    return app


def register(app):
    size = app.config["JOURNAL_SIZE"]
    if size:
        app.extensions["schoology_journal"] = Journal(size)
        app.wsgi_app = _timed(app.wsgi_app)
        app.after_request(record)
