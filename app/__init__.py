"""schoology-mock: a high-fidelity mock of the Schoology REST API (v1) and of
Canvas LMS's Enrollments API, over one school. The app is dialect-neutral
(store, clock, journal, faults, control); each API is a blueprint of its own."""
from importlib import resources

from flask import Flask

from . import canvas, chain, dashboard, schoology, settings
from .api import context, contract, dialects
from .api.response import Response
from .settings import SettingError
from .store import FixtureError, parse, store_of
from .toolkit import control, jobs, openapi
from .toolkit.clock import Clock
from .toolkit.snapshot import starting_records

# The demo school, read through importlib.resources so that it is found from a
# wheel, an sdist, an editable install or a zip alike.
DEMO_FIXTURES = resources.files(f"{__name__}.fixtures") / "demo.json"

DEFAULTS = dict(settings.DEFAULTS,
                # The largest bulk body (50 items) is a few kB; anything near this is a mistake.
                MAX_CONTENT_LENGTH=1024 * 1024)

__all__ = ["DEFAULTS", "DEMO_FIXTURES", "FixtureError", "SettingError", "create_app"]


class App(Flask):
    """Flask, but a handler's sync form is worked out once: Flask asks for
    each before- and after-request function and view on every request (six
    inspections of a function's code flags a list page), and none here is async."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._sync = {}

    def ensure_sync(self, func):
        sync = self._sync.get(func)
        if sync is None:
            sync = self._sync[func] = super().ensure_sync(func)
        return sync


def create_app(config=None, store=None):
    """The WSGI app. config overrides DEFAULTS (the keys are in settings.py, and
    a bad value raises SettingError); store, when given, is served instead of
    loading the fixtures (or the snapshot)."""
    app = App(__name__)
    app.response_class = Response
    app.config.from_mapping(DEFAULTS)
    app.config.update(settings.check(config or {}))
    app.json.sort_keys = False
    if store is None:
        source, records = starting_records(app.config, DEMO_FIXTURES)
        store = store_of(records, seed=app.config["SEED"])
    else:
        source = "the store given"
        records = parse(store.export(), source)
    acting = app.config["ACTING_UID"]
    if acting is not None and acting not in store.users:
        raise SettingError(settings.BY_KEY["ACTING_UID"], acting, f"no such user in {source}")
    app.extensions["schoology_source"] = source
    # what POST /_mock/reset {"to": "fixtures"} goes back to, without FIXTURES
    app.extensions["schoology_demo_fixtures"] = DEMO_FIXTURES
    # toolkit/openapi.py makes a scratch mock with it
    app.extensions["schoology_factory"] = create_app
    app.extensions["schoology_clock"] = Clock()
    context.install(app, store)
    jobs.register(app)
    # What POST /_mock/reset goes back to: records, which are never changed
    # (a change makes a new one), so a reset shares them with the new store.
    app.extensions["schoology_fixtures"] = records
    dialects.register(app)
    schoology.register(app)
    canvas.register(app)
    chain.install(app)  # every layer an API request passes through, in order
    app.register_error_handler(contract.StrictRefusal, contract.refuse)
    app.register_blueprint(control.control_blueprint())
    app.register_blueprint(dashboard.blueprint())
    for bp in openapi.blueprint():
        app.register_blueprint(bp)
    return app
