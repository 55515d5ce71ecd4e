"""Run the app on a real HTTP server in this process: one process, a pool of
threads, the store shared by all of them. Used by `schoology-mock serve`, by
the tests, and by anyone who wants a live mock inside their own test run:

    with MockServer(create_app()) as server:
        requests.get(server.url + "/v1/sections/3719526/enrollments")

Host, port, threads and base URL come from the app's config (HOST, PORT,
THREADS, BASE_URL) unless given here. The HTTP layer is httpserver.py: an
event loop reads every request whole before a worker thread runs the app, so
no client, however slow or silent, holds a worker. When the app has a
SNAPSHOT file, the state is written to it within about a second of each
change while the server runs, and once more when it stops.
"""
import sys
import threading

from werkzeug.exceptions import RequestEntityTooLarge

from ..settings import DEFAULTS
from ..toolkit import journal
from ..toolkit.snapshot import SnapshotKeeper
from .http.server import HTTPServer, MiB


class BindError(Exception):
    """The address cannot be listened on (in use, not this machine's, unknown)."""


class MockServer:
    """request_timeout: seconds a request has to arrive whole once begun (then
    408); idle_timeout: seconds a connection may wait between requests;
    grace: seconds stop() lets answers under way finish."""

    def __init__(self, app, host=None, port=None, threads=None, base_url=None, *,
                 request_timeout=10.0, idle_timeout=10.0, grace=2.0):
        def setting(given, key):
            return given if given is not None else app.config.get(key, DEFAULTS[key])

        self.app = app
        self.host = setting(host, "HOST")
        self.threads = setting(threads, "THREADS")
        # the HTTP/1.1 server (serving/http/): its connections, limits and socket
        self.http = HTTPServer(app, self.host, setting(port, "PORT"), self.threads,
                               max_body=app.config.get("MAX_CONTENT_LENGTH") or MiB,
                               request_timeout=request_timeout, idle_timeout=idle_timeout,
                               grace=grace, too_large_app=_too_large_app(app))
        self._thread = None
        self._base_url = setting(base_url, "BASE_URL")
        self.snapshot_written = None
        self._keeper = SnapshotKeeper(app, report=_report)
        self._stopped = False

    @property
    def port(self):
        return self.http.port

    @property
    def url(self):
        """The base URL clients call: http://host:port (the API is under /v1)."""
        if self._base_url:
            return self._base_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        host = "[::1]" if host == "::" else (f"[{host}]" if ":" in host else host)
        return f"http://{host}:{self.port}"

    def bind(self):
        """Open the listening socket (port 0 picks a free one); BindError if it cannot."""
        try:
            self.http.bind()
        except (OSError, ValueError) as e:  # ValueError: a name getaddrinfo cannot encode
            raise BindError(f"cannot listen on {self.host} port {self.http.port}: "
                            f"{getattr(e, 'strerror', None) or e}") from None
        # Where links lead clients that sent Host: api.schoology.com.
        self.app.extensions["schoology_server_url"] = self.url
        return self

    def serve_forever(self):
        if not self.http.bound:
            self.bind()
        self._keeper.start()
        self.http.serve()

    def start(self):
        """Serve from a background thread; returns once the port is open."""
        if not self.http.bound:
            self.bind()
        self._keeper.start()
        self._thread = threading.Thread(target=self.http.serve, name="schoology-mock",
                                        daemon=True)
        self._thread.start()
        return self

    @property
    def serving(self):
        """Whether the thread start() began is still serving."""
        return self._thread is not None and self._thread.is_alive()

    def stop(self):
        """Stop serving (answers under way get `grace` seconds), then write the
        snapshot if the app has one (SnapshotError if it cannot be written)."""
        if self._stopped:
            return
        self._stopped = True
        self.http.stop()
        if self._thread is not None:
            self._thread.join(timeout=self.http.grace + 2)
        if "schoology_store" in self.app.extensions:  # not for a plain Flask app
            self.snapshot_written = self._keeper.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def _report(message):
    print(f"schoology-mock: {message}", file=sys.stderr, flush=True)


def _too_large_app(app):
    """The answer to a body over the limit, refused before the app reads any
    of it: the app's own 413 (in the API's format, journaled), from its error
    handlers alone, so no view runs and nothing is applied."""
    if not hasattr(app, "request_context") or not hasattr(app, "handle_user_exception"):
        return None  # not a Flask app: the server's plain 413

    def answer(environ, start_response):
        with app.request_context(environ):
            try:
                rv = app.handle_user_exception(RequestEntityTooLarge())
            except Exception:  # no handler for it: Werkzeug's own page
                rv = RequestEntityTooLarge()
            response = app.finalize_request(rv)
            return response(environ, start_response)

    return journal.around(app, answer)
