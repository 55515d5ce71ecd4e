"""Run the app on a real HTTP server in this process: one process, a pool of
threads, the store shared by all of them. Used by `schoology-mock serve`, by
the tests, and by anyone who wants a live mock inside their own test run:

    with MockServer(create_app()) as server:
        requests.get(server.url + "/v1/sections/3719526/enrollments")

Host, port, threads and base URL come from the app's config (HOST, PORT,
THREADS, BASE_URL) unless given here; when the app has a SNAPSHOT file, the
state is written to it when the server stops.
"""
import threading

from cheroot import wsgi

from .settings import DEFAULTS
from .snapshot import write_snapshot


class BindError(Exception):
    """The address cannot be listened on (in use, not this machine's, unknown)."""


class MockServer:
    def __init__(self, app, host=None, port=None, threads=None, base_url=None):
        def setting(given, key):
            return given if given is not None else app.config.get(key, DEFAULTS[key])

        self.app = app
        self.host = setting(host, "HOST")
        self._server = wsgi.Server((self.host, setting(port, "PORT")), app,
                                   numthreads=setting(threads, "THREADS"),
                                   server_name="schoology-mock")
        self._thread = None
        self._base_url = setting(base_url, "BASE_URL")
        self.snapshot_written = None
        self._stopped = False

    @property
    def port(self):
        return self._server.bind_addr[1]

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
            self._server.prepare()
        except (OSError, ValueError) as e:  # ValueError: a name getaddrinfo cannot encode
            raise BindError(f"cannot listen on {self.host} port {self._server.bind_addr[1]}: "
                            f"{getattr(e, 'strerror', None) or e}") from None
        # Where links lead clients that sent Host: api.schoology.com.
        self.app.extensions["schoology_server_url"] = self.url
        return self

    def serve_forever(self):
        if not self._server.ready:
            self.bind()
        self._server.serve()

    def start(self):
        """Serve from a background thread; returns once the port is open."""
        if not self._server.ready:
            self.bind()
        self._thread = threading.Thread(target=self._server.serve, name="schoology-mock",
                                        daemon=True)
        self._thread.start()
        return self

    @property
    def serving(self):
        """Whether the thread start() began is still serving."""
        return self._thread is not None and self._thread.is_alive()

    def stop(self):
        """Stop serving, then write the snapshot if the app has one (SnapshotError
        if it cannot be written)."""
        if self._stopped:
            return
        self._stopped = True
        self._server.stop()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if "schoology_store" in self.app.extensions:  # not for a plain Flask app
            self.snapshot_written = write_snapshot(self.app)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
