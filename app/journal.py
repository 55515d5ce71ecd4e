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


class Journal:
    def __init__(self, size=5000):
        self.entries = deque(maxlen=size)
        self._ids = itertools.count(1)

    def add(self, entry):
        entry["id"] = next(self._ids)
        self.entries.append(entry)

    def clear(self):
        self.entries.clear()

    def select(self, method=None, path=None, status=None, since=None, until=None):
        """Entries matching every filter given: method (any case), path prefix,
        status, and time (seconds since the epoch) from since to until."""
        method = method.upper() if method else None
        return [e for e in list(self.entries)
                if (method is None or e["method"] == method)
                and (path is None or e["path"].startswith(path))
                and (status is None or e["status"] == status)
                and (since is None or e["time"] >= since)
                and (until is None or e["time"] <= until)]


def _text(data):
    text = data[:BODY_LIMIT].decode("utf-8", "replace")
    return text + ("…" if len(data) > BODY_LIMIT else "")


def _request_body():
    if not request.content_length and "Transfer-Encoding" not in request.headers:
        return ""  # no body: reading the empty stream still costs werkzeug's setup
    try:
        return _text(request.get_data(cache=True))
    except RequestEntityTooLarge:
        return f"({request.content_length} bytes: over the limit, not read)"


def start():
    g.journal_started = time.perf_counter()


def record(response):
    journal = current_app.extensions.get("schoology_journal")
    dialect = dialect_of(request.path)
    if journal is None or dialect is None:
        return response
    identity = g.get("identity")
    started = g.get("journal_started", time.perf_counter())
    journal.add({
        "time": current_app.extensions["schoology_clock"](),
        "dialect": dialect,
        "method": request.method,
        "path": request.path,
        "query": request.query_string.decode("utf-8", "replace"),
        "identity": None if identity is None else {
            "uid": identity.uid, "consumer_key": getattr(identity, "consumer_key", None),
            "token": getattr(identity, "token", None)},
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 3),
        "request_body": _request_body(),
        "response_body": _text(response.get_data()) if not response.is_streamed else "",
    })
    return response


def register(app):
    size = app.config["JOURNAL_SIZE"]
    if size:
        app.extensions["schoology_journal"] = Journal(size)
        app.before_request(start)
        app.after_request(record)
