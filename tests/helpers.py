"""What several test modules share: the demo school's ids and credentials, and
helpers to read and write both formats and to run the console script. Tests
import this module (setup.cfg puts tests/ on pytest's pythonpath); fixtures
live in conftest.py, which no test imports."""
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager

import requests
import xmltodict

from schoology_mock import DEMO_FIXTURES

SECTION = 3719526  # Algebra I: Period 1 in the demo school
GROUP = 1530027713  # Robotics Club
COUNCIL = 1530027790  # Student Council
ROBOTICS_CODE = "R6Q9K-ZMPJQ"
FORMATS = ("json", "xml")
ACCEPT = {"json": "application/json", "xml": "text/xml"}
CONTENT_TYPE = {"json": "application/json", "xml": "text/xml"}
REALMS = [("sections", SECTION, "section"), ("groups", GROUP, "group")]

ADMIN = ("demo-admin-key", "demo-admin-secret")
TEACHER = ("demo-teacher-key", "demo-teacher-secret")  # 45552101: admin of 3719526, 3719541
STUDENT = ("demo-student-key", "demo-student-secret")  # 45552222: member of 3719526, 3719588
TOKEN = ("demo-student-token", "demo-student-token-secret")  # of demo-teacher-key


def demo_document():
    return json.loads(DEMO_FIXTURES.read_text())


def enrolled(store, enrollment_id):
    """Schoology sees the enrollment (it exists, and is not rejected or deleted)."""
    enrollment = store.enrollments.get(enrollment_id)
    return enrollment is not None and enrollment.visible


def schoology_ids(document):
    """The ids of a fixture document's enrollments that Schoology sees."""
    return {int(e["id"]) for e in document["enrollments"]
            if e.get("canvas", {}).get("enrollment_state") not in ("rejected", "deleted")}


def free_users(store, realm, realm_id, n):
    """n users of the store not enrolled in that realm."""
    taken = store.realms[(realm, realm_id)].members()
    return [uid for uid in store.users if uid not in taken][:n]


def xml_to_data(body, list_tags=("enrollment",)):
    """Read an XML answer with xmltodict (not our own parser), so a fault in
    the mock's formats cannot hide itself; the <result> root is dropped."""
    doc = xmltodict.parse(body, force_list=list_tags,
                          postprocessor=lambda path, key, value: (key, "" if value is None
                                                                  else value))
    return doc["result"]


def as_strings(data):
    """JSON data as XML can carry it: every scalar a string, null as "" (both
    are written <x />)."""
    def strings(value):
        if isinstance(value, dict):
            return {k: strings(v) for k, v in value.items()}
        if isinstance(value, list):
            return [strings(v) for v in value]
        return "" if value is None else value
    return strings(json.loads(json.dumps(data), parse_int=str))


def assert_same_data(as_json, as_xml):
    """A JSON answer and an XML answer carry the same data. An empty list has
    no elements in XML at all."""
    expected = as_strings(as_json)
    if isinstance(expected, dict):
        expected = {k: v for k, v in expected.items() if v != []}
    assert as_xml == expected


def to_xml_body(data, root="body"):
    """A request body in Schoology's XML form, written by xmltodict."""
    return xmltodict.unparse({root: data}).encode()


class Api:
    """Drives the app through the Flask test client in either format."""

    def __init__(self, client):
        self.client = client

    def call(self, method, path, fmt="json", body=None, raw=None, headers=None, **kw):
        headers = dict({"Accept": ACCEPT[fmt]}, **(headers or {}))
        data = raw
        if body is not None:
            data = json.dumps(body) if fmt == "json" else to_xml_body(body)
            headers.setdefault("Content-Type", CONTENT_TYPE[fmt])
        return self.client.open(path, method=method, data=data, headers=headers, **kw)

    def data(self, response, fmt):
        if not response.data:
            return None
        if fmt == "json":
            return json.loads(response.data)
        return xml_to_data(response.data)

    def get(self, path, fmt="json", **kw):
        return self.call("GET", path, fmt, **kw)


# --- the console script -------------------------------------------------------
def start_cli(*args, stderr=subprocess.STDOUT, command=None, **popen):
    """`schoology-mock serve` (or the command given) on a free port. Its stderr
    joins stdout by default, which read_line_matching keeps draining: a pipe
    nobody reads would stall the server once it filled."""
    if command is None:
        exe = shutil.which("schoology-mock")
        command = [exe] if exe else [sys.executable, "-m", "schoology_mock"]
    popen["env"] = dict(popen.get("env") or os.environ, PYTHONFAULTHANDLER="1")
    return subprocess.Popen([*command, "serve", "--port", "0", *args], stdout=subprocess.PIPE,
                            stderr=stderr, text=True, **popen)


@contextmanager
def serving(*args, **kw):
    """A started `serve` (start_cli's arguments): the API's base URL. On leaving,
    the server must stop cleanly on SIGTERM."""
    proc, seen = start_cli(*args, **kw), []
    try:
        yield served_url(proc, seen=seen)
    finally:
        proc.terminate()
        try:
            code = proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGABRT)  # faulthandler (start_cli) prints every stack
            proc.wait(timeout=15)
            proc.stdout.drainer.join(timeout=15)  # until the pipe closes: the stacks are in seen
            code = "still running 15 s after SIGTERM"
        assert code == 0, f"serve {args}: {code}: {''.join(seen)}"


def read_line_matching(stream, needle, deadline, seen=None):
    """The first line with needle in it; every line read goes to seen as well."""
    lines = queue.Queue()
    seen = [] if seen is None else seen

    def drain():
        for line in stream:
            seen.append(line)
            lines.put(line)

    # Kept on the stream, so whoever ends the process can wait for its last lines.
    stream.drainer = threading.Thread(target=drain, daemon=True)
    stream.drainer.start()
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            break
        if needle in line:
            return line
    raise AssertionError(f"no line with {needle!r} before the deadline: {''.join(seen)}")


def served_url(proc, timeout=30, seen=None):
    """The API's base URL a started server prints: http://127.0.0.1:PORT/v1"""
    line = read_line_matching(proc.stdout, "ready at", time.monotonic() + timeout, seen)
    return line.split("ready at", 1)[1].strip()


# --- Canvas ---------------------------------------------------------------------
CANVAS_ADMIN = "demo-canvas-admin-token"
CANVAS_TEACHER = "demo-canvas-teacher-token"  # Karen Strickland, 45552101
CANVAS_STUDENT = "demo-canvas-student-token"  # Dylan Schmidt, 45552222
CANVAS_OBSERVER = "demo-canvas-observer-token"  # Marcus Schmidt, 45553412, observes Dylan
CANVAS_TA = "demo-canvas-ta-token"  # David Okonkwo, 45552136, TA of 3719526 only
ALGEBRA, ENGLISH = 2091834501, 2091834577
DYLAN, DYLAN_P1 = 45552222, 54302506  # and his Period 1 enrollment


class Canvas:
    """Drives /api/v1 through the Flask test client with a bearer token."""

    def __init__(self, client, token=CANVAS_ADMIN):
        self.client, self.token = client, token

    def call(self, method, path, token=None, **kw):
        headers = dict(kw.pop("headers", {}))
        if (token or self.token) is not None:
            headers.setdefault("Authorization", f"Bearer {token or self.token}")
        return self.client.open("/api/v1/" + path.lstrip("/"), method=method, headers=headers,
                                **kw)

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def as_(self, token):
        return Canvas(self.client, token)


# --- gunicorn serving wsgi.py -------------------------------------------------------
def gunicorn(*args, **environ):
    """gunicorn serving the project's wsgi.py on a free port, with environ added."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    exe = shutil.which("gunicorn") or os.path.join(os.path.dirname(sys.executable), "gunicorn")
    return subprocess.Popen([exe, "--chdir", root, "-b", "127.0.0.1:0", *args, "wsgi:app"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=dict(os.environ, **environ))


def delete_when_listening(server, path, seen):
    """Once gunicorn says it listens, DELETE path (the worker may still be
    booting: retried until a deadline); the answer."""
    line = read_line_matching(server.stdout, "Listening at: ", time.monotonic() + 30, seen)
    base = line.split("Listening at: ", 1)[1].split()[0]
    deadline = time.monotonic() + 30
    while True:
        try:
            return requests.delete(base + path, timeout=10)
        except requests.ConnectionError:
            assert time.monotonic() < deadline, "".join(seen)


# --- Canvas lists, as the Flask test client reads them ----------------------------------
NOT_FOUND = {"errors": [{"message": "The specified resource does not exist."}]}
P3 = 3719541  # Algebra I: Period 3
ENGLISH_P4 = 3719603
LEVI, OWEN, THEO, GRACE = 45552522, 45552553, 45552530, 45552538  # statuses 2, 5, 3, 4 in P1
HUDSON_REJECTED, JACK_DELETED, OBSERVER_ENROLLMENT = 54303315, 54303322, 54303301


def links(response):
    found = dict((rel, url) for url, rel in
                 re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers["Link"]))
    assert set(found) >= {"current", "first", "last"}
    return found


def walk(canvas, path, **kw):
    """Every page of a list, following rel="next": (rows, pages)."""
    rows, pages, url = [], 0, path
    while url:
        response = canvas.get(url, **kw)
        assert response.status_code == 200, response.data
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"
        rows += response.json
        pages += 1
        url = links(response).get("next", "").replace("http://localhost/api/v1/", "")
    return rows, pages


def states(rows):
    return {row["user_id"]: row["enrollment_state"] for row in rows}


def post(canvas, path, token=None, **form):
    return canvas.call("POST", path, token=token,
                       data={f"enrollment[{k}]": v for k, v in form.items()})
