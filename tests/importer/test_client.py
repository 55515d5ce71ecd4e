"""The importer's HTTP client against a source that answers as told: how it
waits out throttling (Schoology's 429, Canvas's 403 and its remaining
bucket), retries failures a bounded number of times, paces itself, and
stays on the source's host; and how the progress display writes."""
import http.server
import io
import json
import threading
import time
from email.utils import formatdate

import pytest

from schoology_mock.importer.client import Client, ImportFailed, Refused, bearer_signer
from schoology_mock.importer.progress import Progress


class Source(http.server.BaseHTTPRequestHandler):
    """Answers each request with the next of ANSWERS: (status, headers, body)."""
    protocol_version = "HTTP/1.1"
    answers, seen = [], []

    def do_GET(self):  # noqa: N802 (http.server's name)
        type(self).seen.append((self.path, self.headers.get("Authorization")))
        status, headers, body = type(self).answers.pop(0)
        body = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def source():
    Source.answers, Source.seen = [], []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Source)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def client(source, **kw):
    waits = []
    made = Client(source + "/api/v1", bearer_signer("t0k"), sleep=waits.append, **kw)
    return made, waits


def test_429_is_waited_out_for_its_retry_after_in_seconds_or_as_a_date(source):
    Source.answers = [(429, {"Retry-After": "3"}, {}),
                      (429, {"Retry-After": formatdate(time.time() + 3, usegmt=True)}, {}),
                      (429, {}, {}), (200, {}, {"ok": 1})]
    made, waits = client(source)
    assert made.get("courses")[0] == {"ok": 1}
    assert waits[0] == 3 and 1 <= waits[1] <= 3 and waits[2] == 5
    assert made.throttled == 3 and made.requests == 4
    assert Source.seen[0] == ("/api/v1/courses", "Bearer t0k")


def test_canvas_throttling_is_waited_out_and_a_low_bucket_slows_down(source):
    Source.answers = [(403, {"X-Rate-Limit-Remaining": "0.0"}, b"403 Forbidden (Rate Limit "
                                                              b"Exceeded)\n"),
                      (200, {"X-Rate-Limit-Remaining": "20.5"}, []),
                      (200, {"X-Rate-Limit-Remaining": "650"}, [])]
    made, waits = client(source)
    made.get("courses")
    assert made.throttled == 1 and len(waits) == 2 and waits[1] > 1  # 20.5 of 700 left
    made.get("courses")
    assert len(waits) == 2  # plenty left: no pause


def test_a_403_that_is_no_throttling_is_refused(source):
    Source.answers = [(403, {}, {"errors": [{"message": "unauthorized"}]})]
    made, _ = client(source)
    with pytest.raises(Refused) as refused:
        made.get("accounts/1/users")
    assert refused.value.status == 403


def test_5xx_is_retried_a_bounded_number_of_times(source):
    Source.answers = [(503, {}, {}), (500, {}, {}), (200, {}, {"ok": 1})]
    made, waits = client(source, retries=2)
    assert made.get("x")[0] == {"ok": 1} and waits == [0.5, 1.0] and made.retried == 2
    Source.answers = [(502, {}, {})] * 3
    with pytest.raises(ImportFailed, match=r"502 \(3 attempts\)"):
        made.get("x")


def test_a_closed_connection_is_opened_again_and_retried(source):
    Source.answers = [(200, {"Connection": "close"}, [1]), (200, {}, [2])]
    made, _ = client(source)
    assert made.get("a")[0] == [1] and made.get("b")[0] == [2]
    made.close()
    with pytest.raises(ImportFailed, match="attempts"):
        Client("http://127.0.0.1:9", bearer_signer("t"), retries=1,
               sleep=lambda _: None).get("nothing-listens-here")


def test_links_and_redirects_off_the_source_are_refused(source):
    made, _ = client(source)
    with pytest.raises(ImportFailed, match="leads off the source"):
        made.get("http://elsewhere.example/api/v1/courses?page=2")
    Source.answers = [(303, {"Location": "http://elsewhere.example/v1/users/1"}, b"")]
    with pytest.raises(ImportFailed, match="redirect leads off"):
        made.get("users/me")


def test_pacing_keeps_within_the_rate_in_any_window(source):
    now = [0.0]
    waits = []

    def sleep(seconds):
        waits.append(seconds)
        now[0] += seconds
    Source.answers = [(200, {}, [])] * 7
    made = Client(source, bearer_signer("t"), rate=3, per=1.0, sleep=sleep, clock=lambda: now[0])
    for _ in range(7):
        made.get("x")
    assert len(waits) == 2 and all(w > 1.0 for w in waits)  # the 4th and 7th waited


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_redraws_one_line_on_a_terminal_and_writes_plain_lines_elsewhere():
    now = [0.0]
    fake = type("Counts", (), {"requests": 40, "throttled": 1, "retried": 0})()
    terminal, log = Terminal(), io.StringIO()
    for stream in (terminal, log):
        progress = Progress(fake, stream, every=10, clock=lambda: now[0])
        now[0] = 0.0
        progress.begin("enrollments of realms", 100)
        for n in range(10):
            now[0] += 2.0
            progress.count("enrollments", 25)
            progress.advance()
        progress.finish()
    assert "\r\x1b[K" in terminal.getvalue()
    assert "\r" not in log.getvalue() and len(log.getvalue().splitlines()) == 3
    last = log.getvalue().splitlines()[-1]
    assert "10/100" in last or "enrollments of realms 9/100" in last
    assert "250 enrollments" in terminal.getvalue().split("\r\x1b[K")[-2]
    assert "left" in last and "1 throttled" in last and "/s)" in last


def test_the_rate_is_n_per_seconds_or_off():
    from schoology_mock.serving.cli import build_parser
    parse = build_parser().parse_args
    assert parse(["import", "schoology", "--out", "x"]).rate == (50, 5.0)
    assert parse(["import", "schoology", "--rate", "3/0.5", "--out", "x"]).rate == (3, 0.5)
    assert parse(["import", "schoology", "--rate", "off", "--out", "x"]).rate is None
    assert parse(["import", "canvas", "--url", "http://c.example", "--out", "x"]).rate is None
    for bad in ("0/5", "5", "5/0", "many/5"):
        with pytest.raises(SystemExit):
            parse(["import", "schoology", "--rate", bad, "--out", "x"])
