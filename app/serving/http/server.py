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
import itertools
import socket
import threading
import traceback
from queue import SimpleQueue

from .connection import CLOSING, _Connection
from .wsgi import DROP, MiB, _bodiless, _Date, call, environ, plain_app, serialize

__all__ = ["HTTPServer", "MiB"]


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
            result = call(app, environ(conn, request, body, declared, self.server_name))
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

    def serialize(self, result, method, chunked=None):
        return serialize(result, method, self.date, self.server_name, chunked)

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
