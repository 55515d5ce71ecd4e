"""No connection can hold the server: idle, half-sent and slow connections,
bodies declared but never sent, bodies over the limit. Driven with raw
sockets, as such clients are. (A slow client sleeps between its bytes: that
is the client's behaviour; the tests themselves wait on deadlines.)"""
import json
import socket
import threading
import time

import pytest
import requests

from helpers import SECTION, served_url, start_cli
from schoology_mock import create_app
from schoology_mock.serving import MockServer

LIST = f"/v1/sections/{SECTION}/enrollments"
# A slow client's deadline (serve's request_timeout, 10 s by default). A GET
# answered in a small part of it did not wait on anyone's deadline: timings
# are held to the deadline they stand beside, not to a wall-clock figure a
# busy 2-core machine can miss.
DEADLINE = 10.0
QUICK = 1.0  # the deadlines of a server whose tests wait for them to pass
GROUP = 1530027713
MiB = 1024 * 1024


# --- raw clients ------------------------------------------------------------------
def connect(port, receive_buffer=None):
    """A connection to the server; receive_buffer fixes the client's kernel
    buffer (set before connecting, so the window is sized by it), which
    otherwise grows up to net.ipv4.tcp_rmem's maximum, 6 to 32 MiB by machine."""
    if receive_buffer is None:
        return socket.create_connection(("127.0.0.1", port), timeout=10)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.settimeout(10)
    sock.connect(("127.0.0.1", port))
    return sock


class Client:
    """A raw connection that reads answers one at a time, keeping what it
    read past one answer for the next."""

    def __init__(self, port, receive_buffer=None):
        self.sock = connect(port, receive_buffer)
        self.buffer = b""

    def send(self, data):
        self.sock.sendall(data)

    def answer(self, deadline, head_only=False):
        """(status, {lowercased header: value}, body) of the next answer, or
        None if the server closed the connection with no answer.
        AssertionError past the deadline."""
        while b"\r\n\r\n" not in self.buffer:
            chunk = self._recv(deadline)
            if not chunk:
                assert self.buffer == b"", f"closed mid-answer: {self.buffer!r}"
                return None
            self.buffer += chunk
        head, _, rest = self.buffer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = 0 if head_only or status in (100, 204, 304) else int(headers["content-length"])
        while len(rest) < length:
            chunk = self._recv(deadline)
            assert chunk, "closed mid-body"
            rest += chunk
        self.buffer = rest[length:]
        return status, headers, rest[:length]

    def _recv(self, deadline):
        left = deadline - time.monotonic()
        assert left > 0, "no answer before the deadline"
        self.sock.settimeout(left)
        try:
            return self.sock.recv(65536)
        except socket.timeout:
            raise AssertionError("no answer before the deadline") from None
        except ConnectionResetError:
            return b""

    def closed_by_server(self, deadline):
        return closed_by_server(self.sock, deadline)

    def close(self):
        self.sock.close()


def closed_by_server(sock, deadline):
    """Whether the server closes the connection (EOF or reset) before the
    deadline; what it still sends is read and dropped."""
    while time.monotonic() < deadline:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            if sock.recv(65536) == b"":
                return True
        except socket.timeout:
            return False
        except ConnectionResetError:
            return True
    return False


def still_open(sock, unanswered=False):
    """The server has not closed it (nothing to read, no EOF). unanswered:
    nor sent anything yet (peeked: nothing is read)."""
    sock.setblocking(False)
    try:
        return sock.recv(1, socket.MSG_PEEK if unanswered else 0) != b"" and not unanswered
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        sock.setblocking(True)


class Trickle:
    """count connections, each sending `request` one byte at a time, a byte
    each `every` seconds, from one thread, until close()."""

    def __init__(self, port, count, request, every=0.1):
        self.socks = [connect(port) for _ in range(count)]
        self.request, self.every, self.sent = request, every, 0
        self._stop = threading.Event()
        self._going = threading.Event()  # a few bytes are out
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.wait(self.every) and self.sent < len(self.request):
            for sock in self.socks:
                try:
                    sock.send(self.request[self.sent:self.sent + 1])
                except OSError:
                    pass  # closed by the server: the test looks at that itself
            self.sent += 1
            if self.sent >= 3:
                self._going.set()

    def going(self):
        """Returns once each connection has sent a few bytes."""
        assert self._going.wait(10), "the slow clients did not start"
        return self

    def close(self):
        self._stop.set()
        self._thread.join()
        for sock in self.socks:
            sock.close()


def slow_headers(count, port):
    # headers that never end at this pace (the byte cap is far away)
    return Trickle(port, count, f"GET {LIST} HTTP/1.1\r\nHost: x\r\nX-Slow: ".encode()
                   + b"a" * 60000)


def slow_body(count, port):
    return Trickle(port, count, (f"POST /v1/groups/{GROUP}/enrollments HTTP/1.1\r\nHost: x\r\n"
                                 "Content-Type: application/json\r\nContent-Length: 100000\r\n"
                                 "\r\n").encode() + b" " * 100000)


def timed_gets(base, count):
    """The time each of count GETs of the section list took, each on a new
    connection."""
    took = []
    for _ in range(count):
        started = time.perf_counter()
        r = requests.get(f"{base}{LIST}", timeout=30)
        took.append(time.perf_counter() - started)
        assert r.status_code == 200 and r.json()["total"] == "21"
    return took


@pytest.fixture
def quick(start_server):
    """A live server whose deadlines are QUICK (a second), or deadline, so the
    tests can see them end: THREADS 2, so that two held workers would stall it."""
    def start(deadline=QUICK, **config):
        server = MockServer(create_app(dict({"TESTING": True, "AUTH": "off", "THREADS": 2},
                                            **config)),
                            request_timeout=deadline, idle_timeout=deadline)
        server.start()
        started.append(server)
        return server
    started = []
    yield start
    for server in started:
        server.stop()


# --- nothing holds the others --------------------------------------------------------
def test_idle_half_sent_and_slow_connections_delay_no_one(start_server):
    """Two workers, and 50 silent connections, 10 trickling their headers and 10
    their body: every other client is still answered at once. (On a server
    that gave each new connection a worker, the first two held both.)"""
    server = start_server(AUTH="off", THREADS=2)
    idle = [connect(server.port) for _ in range(50)]
    headers, body = slow_headers(10, server.port), slow_body(10, server.port)
    try:
        headers.going(), body.going()
        took = timed_gets(server.url, 20)
        assert max(took) < DEADLINE / 4, f"slowest GET {max(took):.2f}s"
        # they were all still connected while the GETs ran
        assert all(still_open(s) for s in idle + headers.socks + body.socks)
    finally:
        headers.close()
        body.close()
        for sock in idle:
            sock.close()


def test_serve_answers_at_once_beside_50_idle_and_20_slow_connections(capsys):
    """The figure the README states: `serve --auth off` (16 workers), 50 idle
    and 20 slow connections open, the worst of 30 GETs of a section list."""
    proc = start_cli("--auth", "off")
    try:
        base = served_url(proc).removesuffix("/v1")
        port = int(base.rsplit(":", 1)[1])
        idle = [connect(port) for _ in range(50)]
        headers, body = slow_headers(10, port), slow_body(10, port)
        try:
            headers.going(), body.going()
            took = timed_gets(base, 30)
        finally:
            headers.close()
            body.close()
            for sock in idle:
                sock.close()
        with capsys.disabled():
            print(f"\n50 idle + 20 slow connections: worst GET {max(took) * 1000:.1f} ms, "
                  f"median {sorted(took)[len(took) // 2] * 1000:.1f} ms")
        assert max(took) < DEADLINE / 4
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


def test_past_the_connection_cap_the_oldest_waiting_connection_makes_room(live):
    """The cap (4,096, or what the file limit allows) is 10 here: the 11th
    connection is served, and the oldest idle one is closed for it."""
    live.http.max_connections = 10
    idle = [connect(live.port) for _ in range(10)]
    try:
        with requests.Session() as s:
            assert s.get(f"{live.url}{LIST}", timeout=5).status_code == 200
        assert closed_by_server(idle[0], time.monotonic() + 5)
        assert all(still_open(sock) for sock in idle[2:])
    finally:
        for sock in idle:
            sock.close()


# --- each slow client has a deadline -----------------------------------------------
@pytest.mark.parametrize("kind", ["silent", "half-sent headers", "trickled body"])
def test_a_slow_request_ends_within_its_deadline(quick, kind):
    """A request has request_timeout (1 s here) from its first byte to arrive
    whole, however steadily it trickles: then 408, and the connection is
    closed. A connection that sends nothing is closed, silently, after
    idle_timeout."""
    server = quick()
    started = time.monotonic()
    # Ended by its deadline: never before it, and well before a client that
    # trickles forever would stop (10 deadlines: a wait, not a timing).
    ended_by = started + 10 * QUICK
    if kind == "silent":
        sock = connect(server.port)
        assert closed_by_server(sock, ended_by)
        sock.close()
    else:
        trickle = (slow_headers if kind == "half-sent headers" else slow_body)(1, server.port)
        try:
            client = Client.__new__(Client)
            client.sock, client.buffer = trickle.socks[0], b""
            answer = client.answer(ended_by)
            assert answer is not None and answer[0] == 408
            assert answer[1]["connection"] == "close"
            assert trickle.sent >= 5  # it kept sending all along
        finally:
            trickle.close()
    assert time.monotonic() - started > 0.9 * QUICK


def test_a_body_declared_but_never_sent_holds_no_worker(quick):
    """Content-Length 100, 10 bytes sent: 408 after request_timeout, and
    meanwhile the server's only worker answers everyone else."""
    server = quick(THREADS=1, deadline=4 * QUICK)  # room for the GET before it
    client = Client(server.port)
    started = time.monotonic()
    client.send(f"POST /v1/groups/{GROUP}/enrollments HTTP/1.1\r\nHost: x\r\n"
                "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                '{"uid": 1'.encode())
    with requests.Session() as s:  # while it waits
        r = s.get(f"{server.url}{LIST}", timeout=5)
        assert r.status_code == 200
    assert still_open(client.sock, unanswered=True)  # the GET did not wait for its deadline
    answer = client.answer(started + 40 * QUICK)
    assert answer is not None and answer[0] == 408
    assert time.monotonic() - started > 0.9 * 4 * QUICK
    assert client.closed_by_server(started + 5)
    client.close()


def test_a_client_that_does_not_read_its_answers_is_dropped(big_store):
    """Twenty large answers asked for at once and none read: the server writes
    what the socket takes, stops reading that client, and drops it once its
    deadline passes; others are answered meanwhile."""
    deadline = 4 * QUICK  # room for the GETs before it
    server = MockServer(create_app({"TESTING": True, "AUTH": "off", "THREADS": 2},
                                   store=big_store), request_timeout=deadline,
                        idle_timeout=deadline)
    server.start()
    try:
        one = len(requests.get(f"{server.url}/_mock/state", timeout=10).content)
        assert one > 500_000  # well past what socket buffers hold
        sock = connect(server.port)
        sock.sendall(b"GET /_mock/state HTTP/1.1\r\nHost: x\r\n\r\n" * 20)
        assert max(timed_gets(server.url, 3)) < deadline / 2
        connections = server.http.connections
        deadline = time.monotonic() + 3 * deadline
        while connections and time.monotonic() < deadline:
            time.sleep(0.02)  # polling the server's own count, to a deadline
        assert not connections, "the client that does not read is still connected"
        total = 0
        sock.settimeout(5)
        try:
            while chunk := sock.recv(1 << 20):
                total += len(chunk)
        except ConnectionResetError:
            pass
        assert total < 2 * one  # it was never sent the rest
        sock.close()
    finally:
        server.stop()


@pytest.fixture
def narrow(big_store):
    """(a live server of big_store with deadlines of a second, its state as
    a quick client reads it), the server's sockets then given small send
    buffers (accepted sockets take the listener's), so that most of a large
    answer waits in the server for the client to read it."""
    server = MockServer(create_app({"TESTING": True, "AUTH": "off"}, store=big_store),
                        request_timeout=1.0, idle_timeout=1.0)
    server.start()
    try:
        whole = requests.get(f"{server.url}/_mock/state", timeout=10).content
        server.http.socket.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8192)
        yield server, whole
    finally:
        server.stop()


def test_a_slow_reader_still_gets_its_whole_answer(narrow):
    """A client that reads a large last answer (HTTP/1.0: the connection
    closes after it) slowly but steadily gets all of it, though that takes
    longer than every deadline: what counts is that it keeps reading."""
    server, whole = narrow
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
    sock.connect(("127.0.0.1", server.port))
    sock.sendall(b"GET /_mock/state HTTP/1.0\r\n\r\n")
    started, got = time.monotonic(), b""
    pause = 3.5 / (len(whole) / 8192)  # the client's own pace: 3.5 s for the answer
    while chunk := sock.recv(8192):
        got += chunk
        time.sleep(pause)
    sock.close()
    assert got.startswith(b"HTTP/1.1 200") and got.endswith(whole)
    assert time.monotonic() - started > 2.5  # past the deadlines it would have met


def test_a_kept_alive_answer_the_socket_cannot_take_at_once_is_sent_whole(narrow):
    """A worker sends an answer itself when the socket takes it; what the
    socket does not take (a client reading slowly) goes out from the loop,
    whole, and the connection goes on to the next request."""
    server, whole = narrow
    client = Client(server.port)
    client.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
    for _ in range(2):
        client.send(b"GET /_mock/state HTTP/1.1\r\nHost: localhost\r\n\r\n")
        status, headers, body = client.answer(time.monotonic() + 10)
        assert status == 200 and body == whole and "connection" not in headers
    client.send(f"GET {LIST}?limit=1 HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    assert client.answer(time.monotonic() + 10)[0] == 200
    assert still_open(client.sock)
    client.close()


def dechunked(client, deadline):
    """The body of a chunked answer whose head client.answer(head_only=True)
    has read, chunk by chunk from what follows it."""
    body = b""
    while True:
        while b"\r\n" not in client.buffer:
            chunk = client._recv(deadline)
            assert chunk, "closed mid-answer"
            client.buffer += chunk
        size_line, _, client.buffer = client.buffer.partition(b"\r\n")
        size = int(size_line, 16)
        while len(client.buffer) < size + 2:
            chunk = client._recv(deadline)
            assert chunk, "closed mid-chunk"
            client.buffer += chunk
        assert client.buffer[size:size + 2] == b"\r\n"
        body, client.buffer = body + client.buffer[:size], client.buffer[size + 2:]
        if size == 0:
            return body


def test_an_answer_past_stream_after_is_sent_as_it_is_made(big_store, monkeypatch):
    """Past STREAM_AFTER bytes an answer is not collected: HTTP/1.1 clients
    get it chunked (and the connection goes on), HTTP/1.0 ones until the
    connection closes; the bytes are those of the answer collected whole."""
    from schoology_mock.serving.http import wsgi as httpserver
    server = MockServer(create_app({"TESTING": True, "AUTH": "off"}, store=big_store))
    server.start()
    try:
        whole = requests.get(f"{server.url}/_mock/state", timeout=10)
        assert "Content-Length" in whole.headers and len(whole.content) > 400_000
        monkeypatch.setattr(httpserver, "STREAM_AFTER", 100_000)
        streamed = requests.get(f"{server.url}/_mock/state", timeout=10)
        assert streamed.headers.get("Transfer-Encoding") == "chunked"
        assert "Content-Length" not in streamed.headers and streamed.content == whole.content
        client = Client(server.port)
        deadline = time.monotonic() + 10
        for _ in range(2):
            client.send(b"GET /_mock/state HTTP/1.1\r\nHost: localhost\r\n\r\n")
            status, headers, _ = client.answer(deadline, head_only=True)
            assert status == 200 and headers["transfer-encoding"] == "chunked"
            assert dechunked(client, deadline) == whole.content
        client.send(b"HEAD /_mock/state HTTP/1.1\r\nHost: localhost\r\n\r\n")
        status, headers, nothing = client.answer(deadline, head_only=True)
        assert status == 200 and "transfer-encoding" not in headers and nothing == b""
        client.send(f"GET {LIST}?limit=1 HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        assert client.answer(deadline)[0] == 200 and client.buffer == b""
        client.close()
        sock = connect(server.port)
        sock.sendall(b"GET /_mock/state HTTP/1.0\r\nHost: localhost\r\n\r\n")
        got = b""
        while chunk := sock.recv(1 << 20):
            got += chunk
        sock.close()
        head, _, body = got.partition(b"\r\n\r\n")
        assert b"Connection: close" in head and b"Transfer-Encoding" not in head
        assert body == whole.content
    finally:
        server.stop()


def test_a_streamed_answer_waits_for_its_client_and_stops_when_it_is_gone():
    """An answer without end (a WSGI app yielding 1 MiB pieces forever) is
    made only as fast as the client reads it; a client that stops reading is
    dropped at its deadline, and the app's iterable is closed."""
    made, closed = [], threading.Event()

    def endless(environ, start_response):
        start_response("200 OK", [("Content-Type", "application/octet-stream")])

        def pieces():
            try:
                while True:
                    made.append(1)
                    yield b"x" * MiB
            finally:
                closed.set()
        return pieces()

    from schoology_mock.serving.http.server import HTTPServer
    server = HTTPServer(endless, "127.0.0.1", 0, 2, request_timeout=1.0,
                        idle_timeout=1.0).bind()
    serving = threading.Thread(target=server.serve, daemon=True)
    serving.start()
    server.url = f"http://127.0.0.1:{server.port}/"
    try:
        # the client's buffer held to 256 KiB, so what the kernel may hold
        # unread is the server's send buffer (4 MiB at most) and no more
        client = Client(server.port, receive_buffer=256 * 1024)
        client.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        deadline = time.monotonic() + 10
        status, headers, _ = client.answer(deadline, head_only=True)
        assert status == 200 and headers["transfer-encoding"] == "chunked"
        read = 0
        while read < 20 * MiB:
            read += len(client._recv(deadline))
        assert len(made) < 20 + 16  # what was read, and what buffers hold
        assert closed.wait(10), "the app's iterable was never closed"
        assert len(made) < 20 + 16
        assert closed_by_server(client.sock, time.monotonic() + 5)
        client.close()
        with requests.get(server.url, timeout=10, stream=True) as other:
            assert other.status_code == 200 and len(other.raw.read(MiB)) == MiB
        # HEAD of it: the headers alone, not framed as a body, and the connection goes on
        client = Client(server.port)
        for _ in range(2):
            client.send(b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n")
            status, headers, _ = client.answer(time.monotonic() + 10, head_only=True)
            assert status == 200 and "transfer-encoding" not in headers
            assert "connection" not in headers
        client.close()
    finally:
        server.stop()
        serving.join(10)

# --- bodies over the limit ------------------------------------------------------------------
def big_create_body():
    """A valid create, padded past 1 MiB with trailing spaces: cut at 1 MiB it
    would still be valid JSON, and be applied."""
    body = json.dumps({"uid": 45552222, "admin": 0, "status": 1}).encode()
    return body + b" " * (MiB + 1000 - len(body))


def enrolled(server):
    return 45552222 in server.app.extensions["schoology_store"].realms[("group", GROUP)].members()


def test_a_chunked_body_past_the_limit_is_413_and_nothing_is_applied(live):
    body = big_create_body()
    client = Client(live.port)
    client.send(f"POST /v1/groups/{GROUP}/enrollments HTTP/1.1\r\nHost: x\r\n"
                "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".encode())
    try:
        for start in range(0, len(body), 65536):
            piece = body[start:start + 65536]
            client.send(b"%x\r\n%s\r\n" % (len(piece), piece))
        client.send(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server may stop reading once it has answered
    answer = client.answer(time.monotonic() + 10)
    assert answer is not None
    status, headers, text = answer
    assert status == 413 and headers["connection"] == "close"
    assert json.loads(text) == "The data value transmitted exceeds the capacity limit."
    assert client.closed_by_server(time.monotonic() + 5)
    client.close()
    assert not enrolled(live)
    # the journal has the refusal, as it has any other API answer
    journaled = requests.get(f"{live.url}/_mock/requests", params={"status": 413},
                             timeout=10).json()
    assert [e["path"] for e in journaled["requests"]] == [f"/v1/groups/{GROUP}/enrollments"]
    # while a chunked body within the limit is read whole and applied
    small = json.dumps({"uid": 45552222, "admin": 0, "status": 1}).encode()
    r = requests.post(f"{live.url}/v1/groups/{GROUP}/enrollments",
                      data=iter([small[:10], small[10:]]),
                      headers={"Content-Type": "application/json"}, timeout=10)
    assert r.status_code == 201 and r.json()["uid"] == "45552222"


def test_a_declared_length_past_the_limit_is_413_before_the_body(live):
    """With Expect: 100-continue the client is told before it sends anything;
    without, the body it sends is read and dropped, so it can read the 413."""
    client = Client(live.port)
    client.send(f"POST /v1/groups/{GROUP}/enrollments HTTP/1.1\r\nHost: x\r\n"
                f"Content-Type: application/json\r\nContent-Length: {MiB + 1}\r\n"
                "Expect: 100-continue\r\n\r\n".encode())
    status, headers, _ = client.answer(time.monotonic() + 5)
    assert status == 413 and headers["connection"] == "close"
    client.close()
    r = requests.post(f"{live.url}/v1/groups/{GROUP}/enrollments", data=big_create_body(),
                      headers={"Content-Type": "application/json"}, timeout=10)
    assert r.status_code == 413
    assert not enrolled(live)


# --- HTTP/1.1 as clients use it ----------------------------------------------------------------
def test_pipelined_requests_are_answered_in_order_on_one_connection(live):
    client = Client(live.port)
    client.send(f"GET {LIST}?limit=1 HTTP/1.1\r\nHost: x\r\n\r\n"
                f"PUT {LIST}/54302505 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                'Content-Length: 14\r\n\r\n{"status":"2"}'
                f"GET {LIST}/54302505 HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    deadline = time.monotonic() + 10
    first = client.answer(deadline)
    assert first[0] == 200 and json.loads(first[2])["total"] == "21"
    second = client.answer(deadline)
    assert second[0] == 204 and second[1]["content-length"] == "0"
    third = client.answer(deadline)
    assert third[0] == 200 and json.loads(third[2])["status"] == "2"
    assert still_open(client.sock)
    client.close()


def test_expect_100_continue_head_and_http_1_0(live):
    client = Client(live.port)
    body = json.dumps({"uid": 45552222, "admin": 0, "status": 1}).encode()
    client.send(f"POST /v1/groups/{GROUP}/enrollments HTTP/1.1\r\nHost: x\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                "Expect: 100-continue\r\n\r\n".encode())
    deadline = time.monotonic() + 5
    assert client.answer(deadline)[0] == 100
    client.send(body)
    status, _, created = client.answer(deadline)
    assert status == 201 and json.loads(created)["uid"] == "45552222"
    # HEAD: the GET's headers, no body, and the connection goes on
    client.send(f"HEAD {LIST} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    status, headers, nothing = client.answer(deadline, head_only=True)
    get = requests.get(f"{live.url}{LIST}", headers={"Host": "x"}, timeout=10)
    assert status == 200 and nothing == b"" and client.buffer == b""
    assert headers["content-length"] == get.headers["Content-Length"]
    assert headers["server"] == "schoology-mock"
    client.send(f"GET {LIST}?limit=1 HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    assert client.answer(deadline)[0] == 200
    client.close()
    # HTTP/1.0: answered, then closed
    client = Client(live.port)
    client.send(f"GET {LIST}?limit=1 HTTP/1.0\r\n\r\n".encode())
    status, headers, text = client.answer(deadline)
    assert status == 200 and json.loads(text)["enrollment"][0]["id"] == "54302505"
    assert client.closed_by_server(deadline)
    client.close()



def test_expect_100_continue_behind_a_pipelined_request_comes_after_its_answer(live):
    """The 100 for a request sent behind another is written once the answer
    before it is out, never in the middle of the answers."""
    client = Client(live.port)
    body = json.dumps({"uid": 45552222, "admin": 0, "status": 1}).encode()
    client.send(f"GET {LIST}?limit=1 HTTP/1.1\r\nHost: x\r\n\r\n"
                f"POST /v1/groups/{GROUP}/enrollments HTTP/1.1\r\nHost: x\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                "Expect: 100-continue\r\n\r\n".encode())
    deadline = time.monotonic() + 10
    first = client.answer(deadline)
    assert first[0] == 200 and json.loads(first[2])["enrollment"][0]["id"] == "54302505"
    assert client.answer(deadline)[0] == 100
    client.send(body)
    status, _, created = client.answer(deadline)
    assert status == 201 and json.loads(created)["uid"] == "45552222"
    client.close()


def test_an_upgrade_is_answered_as_a_plain_request_and_the_connection_ends(live):
    """Connection: Upgrade (h2c, websocket) or CONNECT: the server never
    switches protocols; the request is answered, then the connection closes."""
    client = Client(live.port)
    client.send(f"GET {LIST}?limit=1 HTTP/1.1\r\nHost: x\r\n\r\n"
                f"GET {LIST}?limit=1 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\n"
                "Upgrade: h2c\r\n\r\n".encode())  # what curl --http2 sends
    deadline = time.monotonic() + 10
    assert client.answer(deadline)[0] == 200
    status, headers, _ = client.answer(deadline)
    assert status == 200 and headers["connection"] == "close"
    assert client.closed_by_server(deadline)
    client.close()


def test_a_chunked_bodys_trailers_are_not_headers_and_have_a_limit(live):
    """Trailers never reach the app as headers, and trailers without end
    are refused (431) once past what the largest body could bring."""
    client = Client(live.port)
    body = json.dumps({"uid": 45552222, "admin": 0, "status": 1}).encode()
    client.send(f"POST /v1/groups/{GROUP}/enrollments HTTP/1.1\r\nHost: x\r\n"
                "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n"
                b"Content-Type: text/plain\r\n\r\n")
    status, _, created = client.answer(time.monotonic() + 10)
    assert status == 201 and json.loads(created)["uid"] == "45552222"
    client.close()
    client = Client(live.port)
    client.send(b"POST /v1/groups/%d/enrollments HTTP/1.1\r\nHost: x\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n0\r\n" % GROUP)
    try:
        for _ in range(40):  # 1.6 MB of trailer lines
            client.send((b"X-T: " + b"y" * 4000 + b"\r\n") * 10)
    except (BrokenPipeError, ConnectionResetError):
        pass
    answer = client.answer(time.monotonic() + 10)
    assert answer is not None and answer[0] == 431
    client.close()


def test_a_100_continue_is_owed_to_its_own_request_only(live):
    """An Expect: 100-continue sent behind another request, with its body,
    owes nothing once answered: a later request that did not ask gets no 100."""
    client = Client(live.port)
    body = json.dumps({"uid": 45552222, "admin": 0, "status": 1}).encode()
    client.send(f"GET {LIST}?limit=1 HTTP/1.1\r\nHost: x\r\n\r\n"
                f"POST /v1/groups/{GROUP}/enrollments HTTP/1.1\r\nHost: x\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                "Expect: 100-continue\r\n\r\n".encode() + body)
    deadline = time.monotonic() + 10
    assert [client.answer(deadline)[0] for _ in range(2)] == [200, 201]
    client.send(f"GET {LIST}?limit=1 HTTP/1.1\r\nHost: x\r\n\r\n"
                f"PUT {LIST}/54302505 HTTP/1.0\r\nContent-Type: application/json\r\n"
                "Content-Length: 14\r\n\r\n".encode())
    assert client.answer(deadline)[0] == 200
    client.send(b'{"status":"2"}')
    assert client.answer(deadline)[0] == 204  # and not a 100 first
    client.close()

def test_malformed_and_oversized_heads_are_refused(live):
    deadline = time.monotonic() + 5
    big = f"GET {LIST} HTTP/1.1\r\nHost: x\r\nX-Big: ".encode() + b"a" * 70000
    for request, status in ((b"NOT HTTP AT ALL\r\n\r\n", 400),
                            (f"GET {LIST} HTTP/2.0\r\nHost: x\r\n\r\n".encode(), 400),
                            (big + b"\r\n\r\n", 431),
                            (big, 431),  # a head that never ends: refused all the same
                            (big[:30000] + b"\r\nX-More: " + b"b" * 40000, 431)):
        client = Client(live.port)
        try:
            client.send(request)
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = client.answer(deadline)
        assert answer is not None and answer[0] == status
        assert client.closed_by_server(deadline)
        client.close()
    assert requests.get(f"{live.url}{LIST}", timeout=10).status_code == 200


def test_a_body_in_tiny_chunks_is_refused_and_holds_no_one_up(live):
    """Each chunk costs the event loop a parse: a body a byte a chunk is
    refused past MAX_BODY_PIECES pieces, while other clients are answered."""
    from schoology_mock.serving.http.connection import MAX_BODY_PIECES
    body = json.dumps({"uid": 45552222, "admin": 0, "status": 1}).encode()
    body += b" " * (MAX_BODY_PIECES + 100)
    clients = []
    for _ in range(4):
        client = Client(live.port)
        client.send(f"POST /v1/groups/{GROUP}/enrollments HTTP/1.1\r\nHost: x\r\n"
                    "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    .encode())
        clients.append(client)
    def trickle(client):
        try:
            client.send(b"".join(b"1\r\n%s\r\n" % body[i:i + 1] for i in range(len(body)))
                        + b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused before the end
    senders = [threading.Thread(target=trickle, args=(c,)) for c in clients]
    for sender in senders:
        sender.start()
    worst = 0
    while any(s.is_alive() for s in senders):
        started = time.monotonic()
        assert requests.get(live.url + LIST, timeout=10).status_code == 200
        worst = max(worst, time.monotonic() - started)
    for sender in senders:
        sender.join(10)
    for client in clients:
        answer = client.answer(time.monotonic() + 10)
        assert answer is not None and answer[0] == 413
        client.close()
    assert not enrolled(live)
    assert worst < DEADLINE / 4, worst


def test_content_length_and_transfer_encoding_together_are_refused(live):
    """A proxy in front that frames by Content-Length and this server, by
    chunks, would read two different requests: refused, and closed."""
    client = Client(live.port)
    smuggled = b"GET /_mock/state HTTP/1.1\r\nHost: localhost\r\n\r\n"
    client.send(b"POST /v1/groups/%d/enrollments HTTP/1.1\r\nHost: x\r\n"
                b"Content-Type: application/json\r\nContent-Length: 5\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n%s" % (GROUP, smuggled))
    status, _, _ = client.answer(time.monotonic() + 10)
    assert status == 400
    assert client.closed_by_server(time.monotonic() + 5)  # the GET behind it is never read
    client.close()


def test_an_answer_of_many_pieces_is_sent_whole_and_alike(big_store, monkeypatch):
    """/_mock/state comes in pieces of BATCH records; past 64 pieces the
    server sends them one by one instead of joining them. Either way the
    client gets the same bytes, with a Content-Length that counts them all."""
    from schoology_mock.store import dump
    server = MockServer(create_app({"TESTING": True, "AUTH": "off"}, store=big_store))
    server.start()
    try:
        answers = []
        for batch in (1000, 10):  # 3 pieces for 1,234 enrollments, then over 120
            monkeypatch.setattr(dump, "BATCH", batch)
            answer = requests.get(f"{server.url}/_mock/state", timeout=10)
            assert int(answer.headers["Content-Length"]) == len(answer.content)
            answers.append(answer.content)
        assert answers[0] == answers[1]
        assert json.loads(answers[1]) == big_store.export()
    finally:
        server.stop()
