"""Fault injection for API requests (Schoology's /v1 and Canvas's /api/v1),
ruled from /_mock/faults.

A rule matches a method (or any) and a path pattern (a regular expression the
whole path must match), optionally only its next N matches ("times") and/or
with a probability drawn from its own seeded generator. It adds latency
(fixed milliseconds, or a [min, max] range) and/or answers instead of the API:
a status with a message in the API's format, a 429 with Retry-After, or a
dropped connection (the socket closed with no answer at all).

Matching happens in a WSGI layer around the app, because a dropped connection
must never become an answer: it raises a connection reset, which the server
treats as the client going away. The other faults are applied inside the
app, and answered in the shape of the request's dialect (negotiated JSON or
XML for Schoology, Canvas's {"errors": [...]}).
"""
import errno
import random
import re
import threading
import time

from flask import request

from ..api import dialects

FAULT = "schoology_mock.fault"  # the environ key of the rule that took the request


class RuleError(ValueError):
    pass


class Rule:
    def __init__(self, number, spec):
        if not isinstance(spec, dict):
            raise RuleError("A fault rule is a JSON object.")
        unknown = set(spec) - {"method", "path", "times", "probability", "seed", "latency_ms",
                               "status", "body", "retry_after", "drop"}
        if unknown:
            raise RuleError(f"Unknown field {sorted(unknown)[0]!r} in the fault rule.")
        self.id = number
        self.method = spec.get("method")
        if self.method is not None and not isinstance(self.method, str):
            raise RuleError("method: a string, e.g. GET.")
        try:
            self.path = re.compile(spec.get("path", ".*"))
        except (re.error, TypeError) as e:
            raise RuleError(f"path: not a regular expression ({e}).") from None
        self.times = spec.get("times")
        if self.times is not None and not (_whole(self.times) and self.times >= 1):
            raise RuleError("times: a whole number of at least 1.")
        self.probability = spec.get("probability", 1.0)
        if not (isinstance(self.probability, (int, float)) and not isinstance(
                self.probability, bool) and 0 <= self.probability <= 1):
            raise RuleError("probability: a number from 0 to 1.")
        seed = spec.get("seed", 0)
        if not _whole(seed):
            raise RuleError("seed: a whole number.")
        self.random = random.Random(seed)
        self.latency = _latency(spec.get("latency_ms"))
        answers = [k for k in ("status", "retry_after", "drop") if spec.get(k) not in (None, False)]
        if len(answers) > 1:
            raise RuleError(f"Give one of status, retry_after, drop; not {' and '.join(answers)}.")
        if not answers and self.latency is None:
            raise RuleError("Give latency_ms, status, retry_after or drop.")
        self.status = spec.get("status")
        if self.status is not None and not (_whole(self.status) and 400 <= self.status <= 599):
            raise RuleError("status: an error status, 400 to 599.")
        self.body = spec.get("body")
        if self.body is not None and not isinstance(self.body, str):
            raise RuleError("body: the message, a string.")
        self.retry_after = spec.get("retry_after")
        if self.retry_after is not None and not (_whole(self.retry_after)
                                                 and self.retry_after >= 0):
            raise RuleError("retry_after: whole seconds.")
        if spec.get("drop") not in (None, True, False):
            raise RuleError("drop: true or false.")
        self.drop = spec.get("drop") is True
        self.spec = dict(spec)
        self.matched = 0

    def describe(self):
        remaining = None if self.times is None else self.times - self.matched
        return dict(self.spec, id=self.id, matched=self.matched, remaining=remaining)

    def wants(self, method, path):
        if self.times is not None and self.matched >= self.times:
            return False
        if self.method is not None and self.method.upper() != method:
            return False
        if not self.path.fullmatch(path):
            return False
        return self.probability >= 1 or self.random.random() < self.probability


def _whole(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _latency(value):
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return (value, value)
    if (isinstance(value, list) and len(value) == 2 and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0 for v in value)
            and value[0] <= value[1]):
        return tuple(value)
    raise RuleError("latency_ms: milliseconds, or [min, max].")


class Faults:
    def __init__(self):
        self.lock = threading.Lock()
        self.rules = []
        self._numbers = iter(range(1, 1 << 62))

    def add(self, spec):
        with self.lock:
            rule = Rule(next(self._numbers), spec)
            self.rules.append(rule)
            return rule

    def clear(self):
        with self.lock:
            self.rules.clear()

    def remove(self, rule_id):
        """Disarm one rule; whether it was there."""
        with self.lock:
            kept = [rule for rule in self.rules if rule.id != rule_id]
            removed, self.rules[:] = len(kept) != len(self.rules), kept
            return removed

    def describe(self):
        with self.lock:
            return [rule.describe() for rule in self.rules]

    def match(self, method, path):
        """The first rule that takes this request (counting it), or None."""
        with self.lock:
            for rule in self.rules:
                if rule.wants(method, path):
                    rule.matched += 1
                    return rule
        return None


class Layer:
    """The WSGI layer: finds the rule for each API request; sleeps its
    latency, drops the connection itself, and leaves an answer to answer()
    inside the app."""

    def __init__(self, wsgi_app, app):
        self.wsgi_app, self.app = wsgi_app, app
        self.faults = app.extensions["schoology_faults"] = Faults()

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if self.faults.rules and dialects.dialect_of(self.app, path) is not None:
            rule = self.faults.match(environ.get("REQUEST_METHOD", "GET"), path)
            if rule is not None:
                environ[FAULT] = rule
                _sleep(rule)
                if rule.drop:
                    raise ConnectionResetError(errno.ECONNRESET, "fault: connection dropped")
        return self.wsgi_app(environ, start_response)


def _sleep(rule):
    if rule.latency:
        low, high = rule.latency
        time.sleep(rule.random.uniform(low, high) / 1000 if high > low else low / 1000)


def answer():
    """Inside the app: answer as the matched rule says, if it answers."""
    rule = request.environ.get(FAULT)
    if rule is None or rule.drop:
        return None
    error = dialects.current().error
    if rule.retry_after is not None:
        return error(429, rule.body or "Too many requests (injected fault).",
                              {"Retry-After": str(rule.retry_after)})
    if rule.status is not None:
        return error(rule.status, rule.body or f"Injected fault: {rule.status}.")
    return None
