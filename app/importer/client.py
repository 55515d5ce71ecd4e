"""HTTP for the importer: one kept-alive connection, each request signed,
paced and retried.

- Pacing: at most `rate` requests in any `per` seconds (Schoology documents
  50 in 5), counted from when each was sent, with a little room for the
  time a request takes to arrive.
- Throttling: a 429 is waited out for its Retry-After (seconds or an HTTP
  date; 5 s when absent), and so is Canvas's 403 "Rate Limit Exceeded";
  when Canvas's X-Rate-Limit-Remaining runs low, requests slow down before
  it refuses any.
- Failures: a dropped connection, a timeout or a 5xx is retried, waiting
  longer each time, at most `retries` times in a row; then ImportFailed.
- Any other refusal is Refused, for the caller to report and go on.
"""
import http.client
import json
import time
from collections import deque
from email.utils import parsedate_to_datetime
from urllib.parse import urlencode, urljoin, urlsplit

THROTTLED_WAIT = 5.0  # a 429 without Retry-After
MAX_THROTTLES = 100  # throttled this many times in a row: something else is wrong
LOW_REMAINING = 100.0  # Canvas's bucket holds 700 by default; below this, slow down


class ImportFailed(Exception):
    """The source cannot be read on: the reason, for the user."""


class Refused(Exception):
    """The source refused one request (a 4xx other than throttling)."""

    def __init__(self, status, url, body):
        super().__init__(f"{status} from {url}: {body[:200]!r}")
        self.status, self.url, self.body = status, url, body


class Client:
    """get(url) -> (the JSON answer, its headers). url: a path under base,
    or a whole URL on the same host (a list's next link).

    sign(method, url, headers) -> headers adds the credentials. Statistics
    for the progress display: requests, throttled, retried."""

    def __init__(self, base, sign, *, rate=None, per=5.0, retries=5, timeout=60.0,
                 sleep=time.sleep, clock=time.monotonic):
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ImportFailed(f"not an http(s) URL: {base!r}")
        self.base = base.rstrip("/") + "/"
        self.scheme, self.host, self.port = parts.scheme, parts.hostname, parts.port
        self.sign, self.rate, self.per, self.retries = sign, rate, per, retries
        self.timeout, self.sleep, self.clock = timeout, sleep, clock
        self.sent = deque()
        self.connection = None
        self.requests = self.throttled = self.retried = 0
        self.waited = 0.0

    def url(self, path, params=None):
        url = path if "://" in path else urljoin(self.base, path.lstrip("/"))
        if params:
            url += ("&" if "?" in url else "?") + urlencode(params, doseq=True)
        return url

    def get(self, path, params=None):
        url = self.url(path, params)
        parts = urlsplit(url)
        if (parts.hostname, parts.port) != (self.host, self.port):
            raise ImportFailed(f"a link leads off the source: {url}")
        failures = throttles = redirects = 0
        while True:
            self._pace()
            try:
                status, headers, body = self._send(url, parts)
            except (OSError, http.client.HTTPException) as e:
                self._drop()
                failures += 1
                if failures > self.retries:
                    raise ImportFailed(f"{url}: {e or type(e).__name__} "
                                       f"({failures} attempts)") from None
                self.retried += 1
                self._wait(min(30.0, 0.5 * 2 ** (failures - 1)))
                continue
            if status == 429 or _canvas_throttled(status, headers, body):
                throttles += 1
                if throttles > MAX_THROTTLES:
                    raise ImportFailed(f"{url}: still throttled after {MAX_THROTTLES} waits")
                self.throttled += 1
                self._wait(_retry_after(headers.get("retry-after")))
                continue
            if status >= 500:
                failures += 1
                if failures > self.retries:
                    raise ImportFailed(f"{url}: {status} ({failures} attempts)")
                self.retried += 1
                self._wait(min(30.0, 0.5 * 2 ** (failures - 1)))
                continue
            self._slow_down(headers)
            if status in (301, 302, 303, 307, 308) and headers.get("location") and redirects < 5:
                redirects += 1  # /v1/users/me answers 303 to the user
                url = urljoin(url, headers["location"])
                parts = urlsplit(url)
                if (parts.hostname, parts.port) != (self.host, self.port):
                    raise ImportFailed(f"a redirect leads off the source: {url}")
                continue
            if status != 200:
                raise Refused(status, url, body.decode("utf-8", "replace"))
            try:
                return json.loads(body), headers
            except ValueError:
                raise Refused(status, url, "not JSON: " + body[:200].decode("utf-8", "replace"))

    def _send(self, url, parts):
        if self.connection is None:
            kind = (http.client.HTTPSConnection if self.scheme == "https"
                    else http.client.HTTPConnection)
            self.connection = kind(self.host, self.port, timeout=self.timeout)
        headers = self.sign("GET", url, {"Accept": "application/json"})
        target = parts.path + ("?" + parts.query if parts.query else "")
        self.requests += 1
        self.connection.request("GET", target, headers=headers)
        answer = self.connection.getresponse()
        body = answer.read()
        if answer.will_close:
            self._drop()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, body

    def _drop(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def close(self):
        self._drop()

    def _pace(self):
        """Wait until one more request keeps within rate in any per seconds."""
        if not self.rate:
            return
        window = self.per * 1.05 + 0.05  # room for the time a request takes to arrive
        now = self.clock()
        while self.sent and now - self.sent[0] >= window:
            self.sent.popleft()
        if len(self.sent) >= self.rate:
            self._wait(window - (now - self.sent[0]))
            self.sent.popleft()
        self.sent.append(self.clock())

    def _slow_down(self, headers):
        """Canvas's X-Rate-Limit-Remaining: the lower, the longer a pause."""
        remaining = headers.get("x-rate-limit-remaining")
        try:
            remaining = float(remaining) if remaining is not None else None
        except ValueError:
            remaining = None
        if remaining is not None and remaining < LOW_REMAINING:
            self._wait(min(2.0, (LOW_REMAINING - max(remaining, 0.0)) / LOW_REMAINING * 2.0))

    def _wait(self, seconds):
        if seconds > 0:
            self.waited += seconds
            self.sleep(seconds)


def _canvas_throttled(status, headers, body):
    return status == 403 and (b"Rate Limit Exceeded" in body
                              or headers.get("x-rate-limit-remaining", "").strip() in ("0", "0.0"))


def _retry_after(value):
    if value is None:
        return THROTTLED_WAIT
    value = value.strip()
    if value.isdigit():
        return min(float(value), 3600.0)
    try:
        when = parsedate_to_datetime(value)
        return max(0.0, min(when.timestamp() - time.time(), 3600.0))
    except (TypeError, ValueError):
        return THROTTLED_WAIT


def oauth1_signer(key, secret):
    """Schoology's two-legged OAuth 1.0a (HMAC-SHA1, no token), as an
    administrator's API key is used."""
    from oauthlib.oauth1 import Client as OAuth
    oauth = OAuth(key, client_secret=secret, signature_method="HMAC-SHA1")

    def sign(method, url, headers):
        _, signed, _ = oauth.sign(url, http_method=method, headers=headers)
        return signed
    return sign


def bearer_signer(token):
    def sign(method, url, headers):
        return dict(headers, Authorization=f"Bearer {token}")
    return sign
