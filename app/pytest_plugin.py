"""A pytest plugin, active once schoology-mock is installed: the fixture
`schoology_mock` is a live mock on a free port, one per test session (so one
per pytest-xdist worker), put back to its fixtures, with its journal and
faults emptied and its clock real, before each test that uses it.

    def test_roster_sync(schoology_mock):
        client = RequestClient(*schoology_mock.credentials["demo-admin-key"],
                               base_url=schoology_mock.url + "/")
        ...
        schoology_mock.journal.assert_count(1, method="POST", path="/v1/sections/3719526/")

Settings (pytest.ini / pyproject): schoology_mock_fixtures (a fixture file;
default the demo school), schoology_mock_auth (oauth or off),
schoology_mock_rate_limit (N/SECONDS or off; default off in tests).
"""
import pytest

from . import DEFAULTS, create_app
from .cli import rate_limit
from .control import reset_state
from .server import MockServer


def pytest_addoption(parser):
    parser.addini("schoology_mock_fixtures", "fixture file for the schoology_mock fixture",
                  default=DEFAULTS["FIXTURES"])
    parser.addini("schoology_mock_auth", "oauth or off", default="oauth")
    parser.addini("schoology_mock_rate_limit", "N/SECONDS or off", default="off")


class Journal:
    """The mock's request journal, with assertions for tests."""

    def __init__(self, app):
        self._journal = app.extensions.get("schoology_journal")

    def requests(self, method=None, path=None, status=None):
        return self._journal.select(method=method, path=path, status=status)

    def count(self, **filters):
        return len(self.requests(**filters))

    def assert_count(self, expected, **filters):
        got = self.requests(**filters)
        assert len(got) == expected, (
            f"expected {expected} request(s) matching {filters}, got {len(got)}: "
            + ", ".join(f"{e['method']} {e['path']} -> {e['status']}" for e in got))

    def clear(self):
        self._journal.clear()


class Faults:
    def __init__(self, app):
        self._faults = app.extensions["schoology_faults"]

    def add(self, **rule):
        """A fault rule, as POST /_mock/faults takes it."""
        return self._faults.add(rule).describe()

    def clear(self):
        self._faults.clear()


class SchoologyMock:
    def __init__(self, server):
        self.server = server
        self.app = server.app
        self.journal = Journal(self.app)
        self.faults = Faults(self.app)

    @property
    def url(self):
        """The API's base URL: http://127.0.0.1:PORT/v1"""
        return self.server.url + "/v1"

    @property
    def base_url(self):
        """The server's address, for the control API: http://127.0.0.1:PORT"""
        return self.server.url

    @property
    def store(self):
        return self.app.extensions["schoology_store"]

    @property
    def credentials(self):
        """Consumer key -> (key, secret), from the fixtures."""
        return {c.key: (c.key, c.secret) for c in self.store.consumers.values()}

    @property
    def clock(self):
        """The server's clock: clock.set(freeze=True, at=..., advance=...), clock.real()."""
        return self.app.extensions["schoology_clock"]

    def reset(self):
        reset_state(self.app)
        self.journal.clear()
        self.faults.clear()
        self.clock.real()


@pytest.fixture(scope="session")
def schoology_mock_server(pytestconfig):
    app = create_app({
        "FIXTURES": pytestconfig.getini("schoology_mock_fixtures"),
        "AUTH": pytestconfig.getini("schoology_mock_auth"),
        "RATE_LIMIT": rate_limit(pytestconfig.getini("schoology_mock_rate_limit")),
    })
    with MockServer(app) as server:
        yield SchoologyMock(server)


@pytest.fixture
def schoology_mock(schoology_mock_server):
    """A live Schoology mock, back to its fixtures, journal and faults empty."""
    schoology_mock_server.reset()
    return schoology_mock_server
