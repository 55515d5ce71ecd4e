"""The HTTP/1.1 server under MockServer: no connection can hold it.

One thread runs an asyncio event loop that accepts every connection and reads
each request whole (request line, headers, and the body, by Content-Length or
chunked) with httptools (llhttp, in C) parsing it; only a complete request is
handed to the pool of worker threads that run the WSGI app. A worker sends a
kept-alive answer itself when nothing else is due on its connection, so the
loop is woken only by what clients send. A connection that sends nothing,
sends its headers half, or trickles its body a byte at a time costs a file
descriptor and a little memory, never a worker: other clients do not wait.

Bounds, each enforced by the loop:
- a request must arrive whole within request_timeout of its first byte (else
  408, and the connection is closed); a connection with no request under way
  is closed after idle_timeout; a client that does not read its answers is
  dropped after request_timeout;
- a body over max_body is refused with 413 before the app sees any of it,
  whether Content-Length declares it or a chunked body grows past it (nothing
  of it is applied); headers over max_head are refused with 431;
- at most max_connections are open: past that, the oldest that is not being
  answered is closed to make room.

Keep-alive and pipelining: what a client sends while the app answers a request
is kept, not parsed, until the answer is out (reading stops past MAX_AHEAD),
so a pipelining client is answered in order and cannot queue unbounded data.
`Expect: 100-continue` gets its 100 once the headers are accepted. HEAD is
answered with the headers only. A WSGI app that raises ConnectionError (the
mock's "drop" fault) has its connection closed with no answer at all.
"""
import asyncio
import concurrent.futures
import io
import itertools
import os
import socket
import sys
import threading
import time
import traceback
from email.utils import formatdate
from collections import deque
from queue import SimpleQueue
from urllib.parse import unquote_to_bytes

import httptools

MiB = 1024 * 1024
DROP = object()  # the app asked for the connection to be dropped

REASONS = {400: "Bad Request", 408: "Request Timeout", 413: "Content Too Large",
           431: "Request Header Fields Too Large", 500: "Internal Server Error",
           503: "Service Unavailable"}


class _Date:
    """The Date header, formatted once a second."""

    def __init__(self):
        self.second, self.value = None, None

    def __call__(self):
        now = int(time.time())
        if now != self.second:
            self.value, self.second = formatdate(now, usegmt=True), now
        return self.value


def plain(status, text, *, close=True):
    """The bytes of a short text/plain answer the server gives itself."""
    body = (text + "\n").encode("utf-8")
    head = [f"HTTP/1.1 {status} {REASONS.get(status, 'Error')}",
            "Content-Type: text/plain; charset=utf-8", f"Content-Length: {len(body)}"]
    if close:
        head.append("Connection: close")
    return ("\r\n".join(head) + "\r\n\r\n").encode("ascii") + body


def plain_app(status, text):
    """A WSGI app answering every request with that status and text."""
    def answer(environ, start_response):
        body = (text + "\n").encode("utf-8")
        start_response(f"{status} {REASONS.get(status, 'Error')}",
                       [("Content-Type", "text/plain; charset=utf-8"),
                        ("Content-Length", str(len(body)))])
        return [body]
    return answer


def listening_socket(host, port, backlog=socket.SOMAXCONN):
    """A bound, listening TCP socket on the first of host's addresses that
    takes it (OSError, or ValueError for a name that cannot be encoded, when
    none does)."""
    error = None
    for family, kind, proto, _, address in socket.getaddrinfo(
            host or None, port, socket.AF_UNSPEC, socket.SOCK_STREAM, 0, socket.AI_PASSIVE):
        sock = socket.socket(family, kind, proto)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6 and host in ("::", "::0", "::0.0.0.0"):
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)  # IPv4 as well
            sock.bind(address)
            sock.listen(backlog)
            sock.setblocking(False)
            return sock
        except OSError as e:
            sock.close()
            error = e
        except BaseException:
            sock.close()
            raise
    raise error


class WorkerPool:
    """THREADS daemon threads running the WSGI app, fed complete requests.
    Daemon threads: a request the app is still working on (a fault's latency)
    never keeps the process from exiting."""

    def __init__(self, size):
        self.size = size
        self.queue = SimpleQueue()
        self.threads = []

    def start(self, work):
        for n in range(self.size):
            thread = threading.Thread(target=self._run, args=(work,),
                                      name=f"schoology-mock worker {n + 1}", daemon=True)
            thread.start()
            self.threads.append(thread)

    def _run(self, work):
        while True:
            job = self.queue.get()
            if job is None:
                return
            work(*job)

    def submit(self, *job):
        self.queue.put(job)

    def stop(self):
        for _ in self.threads:
            self.queue.put(None)
        self.threads = []


class HTTPServer:
    def __init__(self, app, host, port, threads, *, server_name="schoology-mock",
                 max_body=MiB, max_head=64 * 1024, request_timeout=10.0, idle_timeout=10.0,
                 linger=2.0, grace=2.0, max_connections=None, too_large_app=None):
        self.app, self.host, self.requested_port, self._port = app, host, port, port
        self.server_name = server_name
        self.max_body, self.max_head = max_body, max_head
        self.request_timeout, self.idle_timeout = request_timeout, idle_timeout
        self.linger, self.grace = linger, grace
        self.max_connections = max_connections or _connection_limit()
        self.too_large_app = too_large_app or plain_app(
            413, f"The request body is over the limit of {max_body} bytes.")
        self.workers = WorkerPool(threads)
        self.socket = None
        self.loop = None
        self.connections = {}  # _Connection -> None, oldest first
        self.date = _Date()
        self._stop_requested = threading.Event()
        self._stopped = None  # the loop's future, set by stop()
        self.serving = False

    # --- life cycle, from any thread -------------------------------------------
    @property
    def bound(self):
        return self.socket is not None

    @property
    def port(self):
        """The port listened on once bound (the one picked, for port 0)."""
        return self._port

    def bind(self):
        if self.socket is None:
            self.socket = listening_socket(self.host, self.requested_port)
            self._port = self.socket.getsockname()[1]
        return self

    def serve(self):
        """Serve until stop(); blocks the calling thread."""
        self.bind()
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(self._serve(loop))
        finally:
            self.serving = False
            try:
                loop.run_until_complete(loop.shutdown_asyncgens())
            finally:
                loop.close()
                self.socket.close()

    def stop(self):
        """Ask the serving loop to stop (it answers what it is answering, for at
        most `grace` seconds, then closes every connection). Returns at once;
        the thread running serve() ends soon after."""
        self._stop_requested.set()
        loop, stopped = self.loop, self._stopped
        if loop is not None and stopped is not None:
            try:
                loop.call_soon_threadsafe(lambda: stopped.done() or stopped.set_result(None))
            except RuntimeError:  # the loop is already closed
                pass

    # --- the loop ----------------------------------------------------------------
    async def _serve(self, loop):
        self.loop = loop
        self._stopped = loop.create_future()
        if self._stop_requested.is_set():
            return
        self.workers.start(self._work)
        listener = await loop.create_server(lambda: _Connection(self), sock=self.socket,
                                            backlog=socket.SOMAXCONN)
        tick = min(0.5, self.request_timeout / 4, self.idle_timeout / 4, self.linger / 2)
        self._sweeper = loop.call_later(tick, self._sweep, tick)
        self.serving = True
        try:
            if self._stop_requested.is_set() and not self._stopped.done():
                self._stopped.set_result(None)  # stop() came before the future existed
            await self._stopped
        finally:
            self.serving = False
            self._sweeper.cancel()
            listener.close()
            await self._drain()
            self.workers.stop()

    async def _drain(self):
        """Let the answers under way go out, for at most `grace` seconds; close
        every other connection now, and what is left at the end."""
        deadline = self.loop.time() + self.grace
        for conn in list(self.connections):
            with conn.lock:  # a worker ending its request now sees it (send_now)
                conn.stopping = True
                busy = conn.busy
            if not busy:
                conn.close()
        while self.connections and self.loop.time() < deadline:
            await asyncio.sleep(0.02)
        for conn in list(self.connections):
            conn.abort()

    def _sweep(self, tick):
        now = self.loop.time()
        for conn in list(self.connections):
            if conn.deadline is not None and conn.deadline <= now:
                conn.expired()
        self._sweeper = self.loop.call_later(tick, self._sweep, tick)

    def opened(self, conn):
        self.connections[conn] = None
        if len(self.connections) > self.max_connections:
            for oldest in self.connections:  # oldest first
                if oldest is not conn and not oldest.busy and oldest.state is not CLOSING:
                    oldest.abort()
                    break

    # --- a worker thread ---------------------------------------------------------
    def _work(self, conn, app, request, body, declared):
        """Run the app on one request; hand the answer's bytes to the loop."""
        try:
            result = self.call(app, self.environ(conn, request, body, declared))
            if result is DROP:
                answer = DROP
            elif result[3] is not None:  # too large to hold: sent as the app makes it
                self._stream(conn, request, result)
                return
            else:
                head, body = self.serialize(result, request.method)
                if request.keep_alive and not isinstance(body, list) \
                        and conn.send_now(head, body):
                    return
                answer = (head, body, request.keep_alive)
        except BaseException:  # a fault of the server itself: never lose the worker
            traceback.print_exc()
            answer = self.serialize((500, [], [b"Internal Server Error\n"]), request.method) \
                + (False,)
        try:
            self.loop.call_soon_threadsafe(conn.respond, answer)
        except RuntimeError:  # the loop is gone: the server stopped
            pass

    def _stream(self, conn, request, result):
        """In a worker: send an answer too large to hold (call) as the app
        makes it, each piece once the client has read enough of the ones
        before it (the loop's write buffer is below its high-water mark): a
        client that stops reading stops the app, and is dropped when its
        deadline passes. HTTP/1.1 clients get it chunked; HTTP/1.0 ones until
        the connection closes."""
        pieces, iterable = result[3]
        chunked = request.version == "1.1"
        ended = None  # the connection is cut: the answer could not be sent whole
        try:
            bodiless = _bodiless(request.method, result[0])
            keep_alive = request.keep_alive and (chunked or bodiless)
            head, body = self.serialize(result, request.method, chunked)
            if body is not None:  # a 500 instead: the app's headers could not be sent
                self._write_drained(conn, head + b"Connection: close\r\n\r\n" + body)
                ended = False
                return
            self._write_drained(conn, head + (b"\r\n" if keep_alive
                                              else b"Connection: close\r\n\r\n"))
            if not bodiless:
                for piece in itertools.chain(result[2], pieces):
                    if piece:
                        self._write_drained(
                            conn, b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
                if chunked:
                    self._write_drained(conn, b"0\r\n\r\n")
            ended = keep_alive
        except ConnectionError:  # the client is gone, or the app dropped it mid-answer
            pass
        except BaseException:  # the app failed mid-answer: its client sees the cut
            traceback.print_exc()
        finally:
            close = getattr(iterable, "close", None)
            if close is not None:
                try:
                    close()
                except Exception:
                    traceback.print_exc()
            try:
                self.loop.call_soon_threadsafe(conn.streamed, ended)
            except RuntimeError:  # the loop is gone: the server stopped
                pass

    def _write_drained(self, conn, data):
        """Have the loop write data on conn, and wait until the client has
        read enough of what it was sent; ConnectionError if it is gone."""
        try:
            future = asyncio.run_coroutine_threadsafe(conn.write_drained(data), self.loop)
        except RuntimeError:  # the loop is closed
            raise ConnectionError("the server stopped") from None
        while True:
            try:
                return future.result(timeout=1.0)
            except concurrent.futures.TimeoutError:
                if not self.loop.is_running():  # stopped before it ran the write
                    future.cancel()
                    raise ConnectionError("the server stopped") from None

    def environ(self, conn, request, body, declared):
        target = request.target
        if not target.startswith(b"/") and b"://" in target:  # absolute form
            target = b"/" + target.split(b"://", 1)[1].partition(b"/")[2]
        path, _, query = target.partition(b"?")
        environ = {
            "REQUEST_METHOD": request.method.decode("ascii"),
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
            "QUERY_STRING": query.decode("latin-1"),
            "REQUEST_URI": request.target.decode("latin-1"),
            "SERVER_NAME": conn.server_host,
            "SERVER_PORT": conn.server_port,
            "SERVER_PROTOCOL": "HTTP/" + request.version,
            "REMOTE_ADDR": conn.peer_host,
            "REMOTE_PORT": conn.peer_port,
            "SERVER_SOFTWARE": self.server_name,
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "wsgi.input_terminated": True,
        }
        for name, value in request.headers:  # names lowercased by _Connection
            if name == b"content-length" or name == b"transfer-encoding":
                continue  # the body is read whole: its length is given below
            if name == b"content-type":
                environ["CONTENT_TYPE"] = value.decode("latin-1")
                continue
            if b"_" in name:  # X_Token would pass for X-Token: dropped, as gunicorn does
                continue
            key = "HTTP_" + name.decode("latin-1").upper().replace("-", "_")
            value = value.decode("latin-1")
            environ[key] = environ[key] + "," + value if key in environ else value
        length = declared if declared is not None else len(body)
        if length or request.method not in (b"GET", b"HEAD"):
            environ["CONTENT_LENGTH"] = str(length)
        return environ

    @staticmethod
    def call(app, environ):
        """(status, headers, chunks, rest) the app answered, or DROP. rest is
        None when the body was collected whole (the mock's answers are small);
        past STREAM_AFTER bytes (/_mock/state of a district: 500 MB) collecting
        stops, and rest is (the app's iterator, its iterable to close) for
        the worker to send the remainder from, a piece at a time."""
        started = []
        chunks = []
        rest = None

        def start_response(status, headers, exc_info=None):
            started[:] = [status, headers]  # nothing is sent yet: a later call replaces it
            return chunks.append  # WSGI's write()

        try:
            iterable = app(environ, start_response)
            try:
                pieces, size = iter(iterable), 0
                for chunk in pieces:
                    if chunk:
                        chunks.append(chunk)
                        size += len(chunk)
                        if size > STREAM_AFTER and started:
                            rest, iterable = (pieces, iterable), None  # closed once sent
                            break
            finally:
                close = getattr(iterable, "close", None)
                if close is not None:
                    close()
        except ConnectionError:  # the app wants no answer sent (a dropped-connection fault)
            return DROP
        except Exception:
            traceback.print_exc()
            return (500, [], [b"Internal Server Error\n"], None)
        if not started:
            return (500, [], [b"Internal Server Error\n"], None)
        status, headers = started
        return (status, headers, chunks, rest)

    def serialize(self, result, method, chunked=None):
        """(head, body): the answer's status line and headers, short of the
        blank line (the loop adds Connection: close when it closes), and the
        body to send (bytes, or a list of them). Content-Length is the server's, from the body; a HEAD,
        204 or 304 answer keeps the app's and sends no body. For an answer
        sent as it comes (chunked is True or False: Transfer-Encoding: chunked,
        or the end of the connection ends it), body is None unless the answer
        had to become a 500."""
        status, headers, chunks = result[:3]
        if isinstance(status, int):
            status = f"{status} {REASONS.get(status, 'Error')}"
        bodiless = _bodiless(method, status)
        lines = ["HTTP/1.1 ", status, "\r\n"]
        has_date = has_server = False
        for name, value in headers:
            lower = name.lower()
            if lower in HOP_BY_HOP or (lower == "content-length" and not bodiless):
                continue
            if lower == "date":
                has_date = True
            elif lower == "server":
                has_server = True
            if "\n" in value or "\r" in value or "\n" in name or "\r" in name or ":" in name:
                traceback.print_stack()
                return self.serialize((500, [], [b"Internal Server Error\n"]), method)
            lines += (name, ": ", value, "\r\n")
        # A body of many pieces (/_mock/state's: 500 MB for a district) is
        # sent piece by piece, never joined into one more copy of itself.
        if chunked is not None:  # sent as it comes, by the worker (_stream)
            body = None
            if chunked and not bodiless:
                lines.append("Transfer-Encoding: chunked\r\n")
        else:
            body = chunks[0] if len(chunks) == 1 else \
                b"".join(chunks) if len(chunks) < 64 else chunks
            if not bodiless:
                lines += ("Content-Length: ", str(sum(map(len, chunks))), "\r\n")
        if not has_date:
            lines += ("Date: ", self.date(), "\r\n")
        if not has_server:
            lines += ("Server: ", self.server_name, "\r\n")
        if "\n" in status or "\r" in status:
            return self.serialize((500, [], [b"Internal Server Error\n"]), method)
        try:
            head = "".join(lines).encode("latin-1")
        except UnicodeEncodeError:
            traceback.print_exc()
            return self.serialize((500, [], [b"Internal Server Error\n"]), method)
        return head, body if chunked is not None else b"" if bodiless else body


def _bodiless(method, status):
    """Whether an answer with this status (an int, or "200 OK") to this
    method carries no body: HEAD, 1xx, 204 and 304."""
    code = status if isinstance(status, int) else int(status[:3])
    return method == b"HEAD" or code in (204, 304) or code < 200


HOP_BY_HOP = frozenset(("connection", "keep-alive", "transfer-encoding", "te", "trailer",
                        "upgrade", "proxy-connection"))


def _connection_limit():
    """Connections kept open at most: well inside the process's file limit."""
    try:
        import resource
        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, OSError, ValueError):
        return 1000
    if soft == resource.RLIM_INFINITY:
        return 4096
    return max(16, min(4096, soft - 64))


# A connection's states, as far as deadlines go.
IDLE, READING, ANSWERING, WRITING, LINGERING, CLOSING = (
    "idle", "reading", "answering", "writing", "lingering", "closing")
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
# A body in more pieces than this is refused (413): each piece costs the event
# loop a call, so a body sent a byte a chunk would hold everyone else up.
# Clients send chunks of kilobytes; 1 MiB in 256-byte chunks is 4,096 of them.
MAX_BODY_PIECES = 8192
# What the chunks of the largest body add to it at most (size lines, CRLFs).
MAX_FRAMING = 16 * MAX_BODY_PIECES
# An answer larger than this is sent as the app makes it, not collected first.
STREAM_AFTER = 4 * MiB
# What a client may send ahead while its request is with the app (pipelining):
# past this, reading stops until the answer is out.
MAX_AHEAD = 256 * 1024


class _Refused(Exception):
    """Raised from a parser callback: the request is refused, reading stops."""

    def __init__(self, status, text=None):
        super().__init__(status, text)
        self.status, self.text = status, text
        self.request = None  # the request refused, as far as it was read


class _Request:
    __slots__ = ("method", "target", "version", "headers", "body", "size", "pieces",
                 "declared", "keep_alive", "expect")

    def __init__(self):
        self.target, self.headers, self.body = b"", [], []
        self.size = self.pieces = 0
        self.declared = None
        self.expect = False  # a 100 Continue is due once the answers before it are out


class _Connection(asyncio.Protocol):
    """One client connection, on the loop. httptools (llhttp) parses what the
    client sends; the answer is written here, not by a library, so that a
    worker can put its bytes together. Requests are handed to the app one at
    a time: what a client pipelines behind one is kept (up to MAX_AHEAD) and
    parsed when that one is answered, so answers go out in order."""

    def __init__(self, server):
        self.server = server
        self.loop = server.loop
        self.parser = httptools.HttpRequestParser(self)
        self.transport = None
        self.state = IDLE
        self.deadline = None
        self.busy = False  # a request is with the app
        self.closed = False  # asyncio has let go of the connection
        self.eof = False  # the client has shut its side
        self.stopping = False  # close after this answer: the server stops, or the body is unread
        self.paused_writing = False
        self.paused_reading = False
        self.pending_seen = 0  # bytes waiting to be sent when a deadline was last checked
        self.request = None  # the request being parsed, from its first byte to its end
        self.fed = 0  # bytes received while the request being parsed was under way
        self.head_began = False  # the request being parsed began in the last read
        self.completed = False  # a request ended in the last read
        self.ready = deque()  # parsed, waiting their turn: _Request, or a _Refused
        self.ahead = bytearray()  # received while busy, not parsed yet
        self.lock = threading.Lock()  # between the loop and a worker answering (send_now)
        self.drained = None  # a future while a streaming worker waits for the client to read
        self.fd = None

    # --- asyncio's callbacks -------------------------------------------------------
    def connection_made(self, transport):
        self.transport = transport
        self.fd = transport.get_extra_info("socket").fileno()
        peer = transport.get_extra_info("peername") or ("", 0)
        own = transport.get_extra_info("sockname") or ("", 0)
        self.peer_host, self.peer_port = str(peer[0]), str(peer[1])
        self.server_host, self.server_port = str(own[0]), str(own[1])
        self._wait(IDLE, self.server.idle_timeout)
        self.server.opened(self)

    def connection_lost(self, exc):
        with self.lock:  # asyncio closes the socket after this: not during a worker's send
            self.closed = True
        self.deadline = None
        self.server.connections.pop(self, None)
        self._wake_writer()

    def data_received(self, data):
        if self.state is LINGERING or self.state is CLOSING:
            return  # the answer is sent: what else comes is dropped
        with self.lock:  # a worker may be ending the request under way (send_now)
            if self.busy or self.ready or self.paused_writing:
                # its turn comes when the answers before it are out
                self.ahead += data
                if len(self.ahead) > MAX_AHEAD and not self.paused_reading:
                    self.paused_reading = True
                    self.transport.pause_reading()
                return
        if self.state is IDLE:  # a request starts: it has request_timeout to arrive whole
            self._wait(READING, self.server.request_timeout)
        self._feed(data)
        self._advance()

    def eof_received(self):
        with self.lock:
            self.eof = True
        if self.state is LINGERING or self.state is CLOSING:
            self.close()
            return False
        self._advance()
        return True  # keep the write side open: the answer may still be due

    def pause_writing(self):
        self.paused_writing = True
        if self.state is IDLE or self.state is READING:
            self._wait(WRITING, self.server.request_timeout)

    def resume_writing(self):
        self.paused_writing = False
        if self.drained is not None:
            self._wake_writer()
        elif self.state is WRITING and not self.busy:
            self._next()

    # --- the parser's callbacks ------------------------------------------------------
    def on_message_begin(self):
        self.request = _Request()
        self.fed, self.head_began = 0, True

    def on_url(self, url):
        self.request.target += url

    def on_header(self, name, value):
        request = self.request
        if not hasattr(request, "method"):  # a chunked body's trailers are not its headers
            request.headers.append((name.lower(), value))

    def on_headers_complete(self):
        request, parser = self.request, self.parser
        request.method = parser.get_method()
        request.version = parser.get_http_version()
        if request.version not in ("1.1", "1.0"):
            raise _Refused(400, "Bad request: HTTP/1.0 or HTTP/1.1 only.")
        if _head_size(request) > self.server.max_head:
            raise _Refused(431, "The request's headers are too large.")
        expect = False
        for name, value in request.headers:
            if name == b"content-length":
                request.declared = int(value)  # the parser has checked it is a number
            elif name == b"expect" and value.lower() == b"100-continue":
                expect = True
        request.keep_alive = _keep_alive(request)
        if request.declared is not None and request.declared > self.server.max_body:
            raise _Refused(413, request.declared)
        if expect and request.version == "1.1":
            if self.busy or self.ready:
                request.expect = True  # after the answers before it (_next)
            else:
                self.transport.write(CONTINUE)

    def on_body(self, body):
        request = self.request
        request.size += len(body)
        request.pieces += 1
        if request.size > self.server.max_body or request.pieces > MAX_BODY_PIECES:
            raise _Refused(413, request.size)
        request.body.append(body)

    def on_message_complete(self):
        self.completed = True
        self.ready.append(self.request)
        self.request = None

    # --- deadlines -------------------------------------------------------------------
    def _wait(self, state, seconds):
        self.state = state
        self.deadline = None if seconds is None else self.loop.time() + seconds

    def expired(self):
        if self.state is WRITING or self.state is LINGERING or self.state is CLOSING:
            pending = self.transport.get_write_buffer_size()
            if pending and (pending < self.pending_seen or not self.pending_seen):
                # the client is reading what it was sent, if slowly: it has more time
                self.pending_seen = pending
                self.deadline = self.loop.time() + self.server.request_timeout
                return
        if self.state is READING:
            self.refuse(408, "The request did not arrive whole in time.")
        elif self.state is IDLE or self.state is LINGERING:
            self.close()
        else:  # a client that does not read its answers, or a close that never ends
            self.abort()

    # --- reading -----------------------------------------------------------------------
    def _feed(self, data):
        """Parse what came: whole requests join `ready`; a refusal joins it
        too, in its turn, and the parser takes nothing more."""
        if self.parser is None:
            return  # a refusal is waiting its turn: nothing after it is read
        self.head_began = self.completed = False
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserCallbackError as e:
            refused = e.__context__
            if not isinstance(refused, _Refused):
                raise
            self._stop_parsing(refused)
            return
        except httptools.HttpParserUpgrade:
            # Upgrade (h2c, websocket) or CONNECT: this server never switches
            # protocols, so the request is answered as it is, and the connection
            # ends with it (what came after it is never read).
            self.parser = None
            if self.request is not None:
                self.on_message_complete()
            if self.ready and isinstance(self.ready[-1], _Request):
                self.ready[-1].keep_alive = False
            return
        except httptools.HttpParserError as e:
            self._stop_parsing(_Refused(400, f"Bad request: {e}"))
            return
        request = self.request
        if request is None:
            return
        # The whole read, unless a request ended in the read this one began in:
        # where it began is not known, so it is counted from the next read (at
        # most one read more than the limits).
        if not (self.head_began and self.completed):
            self.fed += len(data)
        if not hasattr(request, "method"):  # its head is coming
            if self.fed > self.server.max_head:
                self._stop_parsing(_Refused(431, "The request's headers are too large."))
        elif self.fed > self.server.max_head + self.server.max_body + MAX_FRAMING:
            # past its head and the largest body (in the most chunks): trailers without end
            self._stop_parsing(_Refused(431, "The request's trailers are too large."))

    def _stop_parsing(self, refused):
        refused.request, self.request, self.parser = self.request, None, None
        self.ready.append(refused)

    def _advance(self):
        """Hand the next request in turn to the app, or act on its refusal."""
        if self.busy or self.closed or self.paused_writing \
                or self.state is LINGERING or self.state is CLOSING:
            return
        if not self.ready:
            if self.eof:  # the client is gone: nobody to answer, or a request left half
                self.close()
            return
        request = self.ready.popleft()
        if isinstance(request, _Refused):
            if request.status == 413:
                self.too_large(request.request, request.text)
            elif self.eof and request.status == 400:
                self.close()  # the client left mid-request: nobody to answer
            else:
                self.refuse(request.status, request.text)
            return
        self._dispatch(self.server.app, request, b"".join(request.body), None)

    def _dispatch(self, app, request, body, declared):
        self.busy = True
        self.pending_seen = 0  # a new answer: its progress is counted from nothing
        self._wait(ANSWERING, None)  # the app's time is the app's: no deadline
        self.server.workers.submit(self, app, request, body, declared)

    def too_large(self, request, size):
        """413 from the app's own error answer (too_large_app), the body unread;
        then the connection is closed."""
        self.stopping = True  # the rest of the body is never read: the connection ends
        self._dispatch(self.server.too_large_app, request, b"", size)

    # --- writing ------------------------------------------------------------------------
    def send_now(self, head, body):
        """In a worker: send a kept-alive answer straight to the socket and end
        the request, when nothing else is due on the connection (no request
        sent ahead, no refusal, nothing left to write, the client not gone).
        It spares the loop a wake-up and a turn for each request. False when
        the loop must do it (respond); if the socket takes only part of it,
        the loop sends the rest."""
        with self.lock:
            if self.closed or self.eof or self.ahead or self.ready or self.paused_writing \
                    or self.request is not None or self.stopping \
                    or self.state is not ANSWERING or self.transport.get_write_buffer_size():
                return False
            data = head + b"\r\n" + body
            try:
                sent = os.write(self.fd, data)
            except BlockingIOError:
                sent = 0
            except OSError:
                return False  # the loop finds out what became of the connection
            if sent < len(data):
                self.loop.call_soon_threadsafe(self._sent, data[sent:])
                return True
            self.busy = False
            self._wait(IDLE, self.server.idle_timeout)
            return True

    def _sent(self, rest):
        """On the loop: the rest of an answer a worker began to send."""
        self.busy = False
        if self.closed or self.state is CLOSING:
            return
        self.transport.write(rest)
        self._answered(True)

    def _wake_writer(self):
        """A streaming worker waiting for the client to read goes on
        (write_drained): the client read, or is gone."""
        if self.drained is not None and not self.drained.done():
            self.drained.set_result(None)

    async def write_drained(self, data):
        """On the loop, for a streaming worker: write data, then wait while
        the client has more than the high-water mark still to read (with
        request_timeout to make progress, as any slow reader)."""
        if self.closed or self.state is CLOSING:
            raise ConnectionError("the client is gone")
        self.transport.write(data)
        while self.paused_writing and not self.closed:
            self._wait(WRITING, self.server.request_timeout)
            self.drained = self.loop.create_future()
            await self.drained
        self.drained = None
        if self.closed or self.state is CLOSING:
            raise ConnectionError("the client is gone")
        self._wait(ANSWERING, None)

    def streamed(self, keep_alive):
        """On the loop: a streamed answer is sent (keep_alive True or False),
        or was cut short (None)."""
        self.busy = False
        if self.closed or self.state is CLOSING:
            return
        if keep_alive is None:
            self.abort()
        else:
            self._answered(keep_alive)

    def respond(self, answer):
        """On the loop: send what a worker made of the app's answer."""
        self.busy = False
        if self.closed or self.state is CLOSING:  # the client left, or the server is ending
            return
        if answer is DROP:
            self.close()
            return
        head, body, keep_alive = answer
        closing = self.stopping or not keep_alive
        head += b"Connection: close\r\n\r\n" if closing else b"\r\n"
        if isinstance(body, list):
            self.transport.write(head)
            for piece in body:
                self.transport.write(piece)
        else:
            self.transport.write(head + body)
        self._answered(not closing)

    def _answered(self, keep_alive):
        """On the loop, an answer written: the connection ends (the client
        asked, or the server is stopping), or waits for the next request."""
        if self.stopping or not keep_alive:
            self._linger()
        elif self.paused_writing:  # the client is not reading: wait for it, reading nothing
            self._wait(WRITING, self.server.request_timeout)
        else:
            self._next()

    def _next(self):
        """Ready for the next request: what the client sent ahead is parsed now."""
        if self.ahead and not self.ready:
            data, self.ahead = bytes(self.ahead), bytearray()
            self._feed(data)
        if self.paused_reading and len(self.ahead) <= MAX_AHEAD:
            self.paused_reading = False
            self.transport.resume_reading()
        if not self.ready and self.request is not None and self.request.expect:
            self.request.expect = False
            self.transport.write(CONTINUE)
        if self.ready or self.request is not None:
            self._wait(READING, self.server.request_timeout)
        else:
            self._wait(IDLE, self.server.idle_timeout)
        self._advance()

    def refuse(self, status, text):
        """Answer with an error of the server's own, then close."""
        if self.closed or self.state is LINGERING or self.state is CLOSING:
            return
        self.transport.write(plain(status, text))
        self._linger()

    def _linger(self):
        """Close, after the client has had time to read the answer: the write
        side is shut now, what the client still sends is read and dropped, and
        the connection closes when the client closes its side, or after
        `linger` seconds. (Closing at once, with unread data, would reset the
        connection, and the client could lose the answer.)"""
        self._wait(LINGERING, self.server.linger)
        self.parser, self.ahead = None, bytearray()
        try:
            if self.paused_reading:
                self.paused_reading = False
                self.transport.resume_reading()
            if self.eof or not self.transport.can_write_eof():
                self.close()
            else:
                self.transport.write_eof()
        except (OSError, RuntimeError):
            self.abort()

    def close(self):
        """Close once what is written has gone out; abort if that takes too long."""
        if not self.closed and self.state is not CLOSING:
            self._wait(CLOSING, self.server.linger)
            self.transport.close()

    def abort(self):
        if not self.closed:
            self._wait(CLOSING, None)
            self.transport.abort()


def _head_size(request):
    return len(request.target) + sum(len(n) + len(v) + 4 for n, v in request.headers)


def _keep_alive(request):
    """HTTP/1.1 keeps the connection unless the client says close (HTTP/1.0
    clients get one answer a connection)."""
    if request.version != "1.1":
        return False
    for name, value in request.headers:
        if name == b"connection" and b"close" in (t.strip() for t in value.lower().split(b",")):
            return False
    return True
