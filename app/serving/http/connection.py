"""One connection, as the event loop reads it: httptools parses each request
as it arrives; a complete one goes to the server's workers, one at a time per
connection (what a pipelining client sends meanwhile is kept, up to
MAX_AHEAD); deadlines close a connection that is idle, slow to send or slow
to read; refusals (408, 413, 431) are written here."""
import asyncio
import os
import threading
from collections import deque

import httptools

from .wsgi import DROP, plain

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

