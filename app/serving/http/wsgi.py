"""The WSGI side of the HTTP/1.1 server: a request's environ, the app's
answer collected (or left to stream past STREAM_AFTER), and its bytes as
HTTP/1.1 sends them; the short plain-text answers the server gives itself."""
import io
import sys
import time
import traceback
from email.utils import formatdate
from urllib.parse import unquote_to_bytes

MiB = 1024 * 1024
# An answer larger than this is sent as the app makes it, not collected first.
STREAM_AFTER = 4 * MiB
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



def environ(conn, request, body, declared, server_name):
    """The WSGI environ of a request read whole (body: its bytes)."""
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
        "SERVER_SOFTWARE": server_name,
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


def serialize(result, method, date, server_name, chunked=None):
    """(head, body): the answer's status line and headers, short of the
    blank line (the loop adds Connection: close when it closes), and the
    body to send (bytes, or a list of them). Content-Length is the server's,
    from the body; a HEAD, 204 or 304 answer keeps the app's and sends no body. For an answer
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
            return serialize((500, [], [b"Internal Server Error\n"]), method, date, server_name)
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
        lines += ("Date: ", date(), "\r\n")
    if not has_server:
        lines += ("Server: ", server_name, "\r\n")
    if "\n" in status or "\r" in status:
        return serialize((500, [], [b"Internal Server Error\n"]), method, date, server_name)
    try:
        head = "".join(lines).encode("latin-1")
    except UnicodeEncodeError:
        traceback.print_exc()
        return serialize((500, [], [b"Internal Server Error\n"]), method, date, server_name)
    return head, body if chunked is not None else b"" if bodiless else body


def _bodiless(method, status):
    """Whether an answer with this status (an int, or "200 OK") to this
    method carries no body: HEAD, 1xx, 204 and 304."""
    code = status if isinstance(status, int) else int(status[:3])
    return method == b"HEAD" or code in (204, 304) or code < 200


HOP_BY_HOP = frozenset(("connection", "keep-alive", "transfer-encoding", "te", "trailer",
                        "upgrade", "proxy-connection"))

