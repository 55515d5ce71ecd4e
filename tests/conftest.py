pytest_plugins = ["pytester"]

import json
from pathlib import Path

import pytest
import xmltodict

from app import DEMO_FIXTURES, create_app
from app.server import MockServer
from app.store import build_store, load_file

SECTION = 3719526  # Algebra I: Period 1 in the demo school
GROUP = 1530027713  # Robotics Club
FORMATS = ("json", "xml")
ACCEPT = {"json": "application/json", "xml": "text/xml"}
CONTENT_TYPE = {"json": "application/json", "xml": "text/xml"}

REALMS = [("sections", SECTION, "section"), ("groups", GROUP, "group")]


def demo_document():
    return json.loads(Path(DEMO_FIXTURES).read_text())


def xml_to_data(body, list_tags=("enrollment",)):
    """Read an XML answer with xmltodict (not our own parser), so a fault in
    app.formats cannot hide itself; the <result> root is dropped."""
    doc = xmltodict.parse(body, force_list=list_tags,
                          postprocessor=lambda path, key, value: (key, "" if value is None
                                                                  else value))
    return doc["result"]


def as_strings(data):
    """JSON data as XML can carry it: every scalar a string."""
    return json.loads(json.dumps(data), parse_int=str)


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


@pytest.fixture
def store():
    return load_file(DEMO_FIXTURES)


@pytest.fixture
def app(store):
    return create_app({"TESTING": True, "AUTH": "off"}, store=store)


@pytest.fixture
def api(app):
    return Api(app.test_client())


@pytest.fixture
def big_store():
    """The demo school plus one section of 1,234 students in every status."""
    doc = demo_document()
    doc["sections"].append({"id": "4000001", "course_id": doc["courses"][0]["id"],
                            "title": "Algebra I: Lecture Hall", "section_code": "LH",
                            "section_school_code": "MATH101-LH-2026"})
    for n in range(1234):
        uid = 70000000 + n * 3
        doc["users"].append({"uid": str(uid), "school_uid": f"B{n:05d}",
                             "name_first": f"Student{n}", "name_last": "Bulk"})
        doc["enrollments"].append({"id": str(80000000 + n * 7), "uid": str(uid),
                                   "realm": "section", "realm_id": "4000001",
                                   "admin": int(n % 97 == 0), "status": 1 + n % 5})
    return build_store(doc)


@pytest.fixture
def live():
    """A real HTTP server on a free port, serving a fresh demo store."""
    app = create_app({"TESTING": True, "AUTH": "off"})
    with MockServer(app) as server:
        yield server
