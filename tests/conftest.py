"""Fixtures for the whole suite. Shared constants and helpers are in helpers.py."""
import os

import pytest

from environments import Client, Command, NoInterpreter, environment
from helpers import Api, Canvas, demo_document
from schoology_mock import DEMO_FIXTURES, create_app
from schoology_mock.serving import MockServer
from schoology_mock.store import build_store, load_file

pytest_plugins = ["pytester"]


def pytest_addoption(parser):
    parser.addoption("--clients-unlocked", action="store_true",
                     help="build the real clients' own environments from their .in files "
                          "in tests/requirements/ (the newest releases), not their locks")


@pytest.fixture(autouse=True)
def no_mock_environment(monkeypatch):
    """No SCHOOLOGY_MOCK_ variable of the shell that runs the tests reaches the
    servers they start; a test sets what it means to test."""
    for name in list(os.environ):
        if name.startswith("SCHOOLOGY_MOCK_"):
            monkeypatch.delenv(name)
    return monkeypatch


@pytest.fixture
def start_server():
    """Starts live servers, each on a free port, stopped after the test:
    start_server(AUTH="off", RATE_LIMIT=None, store=...) takes create_app's
    config keys (TESTING is on) and, optionally, the store to serve."""
    started = []

    def start(store=None, **config):
        server = MockServer(create_app(dict({"TESTING": True}, **config), store=store))
        started.append(server.start())
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def live(start_server):
    """A live server of the demo school, authentication off."""
    return start_server(AUTH="off")


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
def canvas_app(store):
    """The demo school with authentication on (Canvas bearer tokens)."""
    return create_app({"TESTING": True, "RATE_LIMIT": None}, store=store)


@pytest.fixture
def canvas(canvas_app):
    """Canvas requests through the test client, as the administrator."""
    return Canvas(canvas_app.test_client())


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


def client_environment(request, tmp_path_factory, name, supported):
    """The Python of a real client's own environment, from its lock in
    tests/requirements/ (its .in, the newest releases, under
    --clients-unlocked, built anew each run), with an interpreter in supported."""
    unlocked = request.config.getoption("clients_unlocked")
    cached = getattr(request.config, "cache", None)  # None under -p no:cacheprovider
    if unlocked:
        cache = tmp_path_factory.mktemp("environments")
    else:
        cache = cached.mkdir("environments") if cached else tmp_path_factory.getbasetemp()
    return environment(f"{name}.in" if unlocked else f"{name}.txt", supported, cache)


@pytest.fixture(scope="session")
def edfi_schoology(request, tmp_path_factory):
    """The Ed-Fi Schoology extractor in its own environment (its pins need
    Python 3.11 at most, whichever Python runs the suite): edfi_schoology(
    server, key, scenario, **args) runs a scenario of
    tests/clients/edfi_schoology.py against a live server and returns its JSON."""
    python = client_environment(request, tmp_path_factory, "edfi-schoology", ">=3.9.2,<3.12")
    return Client(python, "edfi_schoology.py")


@pytest.fixture(scope="session")
def edfi_canvas(request, tmp_path_factory):
    """The Ed-Fi Canvas extractor 1.2 in its own environment (its lock needs
    Python 3.10, whichever Python runs the suite; where this machine has none,
    its tests are skipped, saying what to install): edfi_canvas(*arguments,
    timeout=..., cwd=...) runs `python -m edfi_canvas_extractor` and returns
    the finished process."""
    try:
        python = client_environment(request, tmp_path_factory, "edfi-canvas", ">=3.10,<3.11")
    except NoInterpreter as missing:
        pytest.skip(str(missing))
    return Command(python, "edfi_canvas_extractor")
