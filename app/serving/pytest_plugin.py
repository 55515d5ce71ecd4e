"""A pytest plugin, active once schoology-mock is installed: the fixture
`schoology_mock` is a live mock (Schoology at .url, Canvas at
.canvas_url + "/api/v1") on a free port, one per test session (so one
per pytest-xdist worker), put back to its fixtures, with its journal and
faults emptied and its clock real, before each test that uses it.

    def test_roster_sync(schoology_mock):
        client = RequestClient(*schoology_mock.credentials["demo-admin-key"],
                               base_url=schoology_mock.url + "/")
        ...
        schoology_mock.journal.assert_count(1, method="POST", path="/v1/sections/3719526/")

Every setting is an ini option (pytest.ini, pyproject, setup.cfg), named
schoology_mock_<setting>: schoology_mock_fixtures, schoology_mock_auth,
schoology_mock_rate_limit (off by default here), ... A bad value stops pytest
with one line naming the option.
"""
import pytest

from .. import settings
from ..toolkit.control import reset_state
from .server import MockServer

_CONFIG = pytest.StashKey()


def pytest_addoption(parser):
    for setting in settings.SETTINGS:
        parser.addini(setting.ini,
                      f"schoology_mock fixture: {setting.help} "
                      f"(default: {setting.default_text(settings.PLUGIN_DEFAULTS)})",
                      default="")


def pytest_configure(config):
    """Check the options before any test runs; an empty option is not given."""
    given = {}
    for setting in settings.SETTINGS:
        value = config.getini(setting.ini)
        if value != "":
            given[setting.key] = value
    try:
        config.stash[_CONFIG], _ = settings.resolve([("config", settings.PLUGIN_DEFAULTS),
                                                     ("ini", given)])
    except settings.SettingError as e:
        raise pytest.UsageError(str(e)) from None


class Journal:
    """The mock's request journal, with assertions for tests."""

    def __init__(self, app):
        self._journal = app.extensions.get("schoology_journal")  # None: kept no journal

    def requests(self, method=None, path=None, status=None, notes=None):
        """The journal's entries that match; notes=True: only those the real
        API would have read in part (their "notes" say how)."""
        if self._journal is None:
            raise RuntimeError("the mock keeps no journal (ini option "
                               "schoology_mock_journal_size = 0)")
        return self._journal.select(method=method, path=path, status=status, notes=notes)

    def count(self, **filters):
        return len(self.requests(**filters))

    def assert_count(self, expected, **filters):
        got = self.requests(**filters)
        assert len(got) == expected, (
            f"expected {expected} request(s) matching {filters}, got {len(got)}: "
            + ", ".join(f"{e['method']} {e['path']} -> {e['status']}" for e in got))

    def clear(self):
        if self._journal is not None:
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
    def canvas_url(self):
        """What Canvas clients take as the base URL (canvasapi's Canvas(url,
        token)): the server's address; the API is under /api/v1."""
        return self.server.url

    @property
    def canvas_tokens(self):
        """Canvas access token -> the uid it acts as, from the fixtures."""
        return {t.token: t.uid for t in self.store.canvas_tokens.values()}

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
    """The session's server. Each refusal is one line, and pytest.fail is called
    outside the except block so no chained traceback comes with it."""
    from .. import FixtureError, create_app
    from ..toolkit.snapshot import SnapshotError
    from .server import BindError

    server = refusal = None
    try:
        server = MockServer(create_app(pytestconfig.stash[_CONFIG])).start()
    except settings.SettingError as e:  # ACTING_UID, checked against the fixtures
        refusal = str(e.given_as("ini"))
    except FixtureError as e:
        refusal = str(e)
    except BindError as e:
        refusal = f"{e} (ini options schoology_mock_host, schoology_mock_port)"
    if refusal:
        pytest.fail(refusal, pytrace=False)
    yield SchoologyMock(server)
    try:
        server.stop()
    except SnapshotError as e:
        refusal = str(e)
    if refusal:
        pytest.fail(refusal, pytrace=False)


@pytest.fixture
def schoology_mock(schoology_mock_server):
    """A live Schoology mock, back to its fixtures, journal and faults empty."""
    schoology_mock_server.reset()
    return schoology_mock_server
