"""schoology-mock: a high-fidelity mock of the Schoology REST API (v1)."""
from pathlib import Path

from flask import Flask

from . import auth, control, errors, faults, journal, realms
from .clock import Clock
from .users import users_blueprint
from .formats import SchoologyResponse
from .store import build_store, read_file

DEMO_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "demo.json"

DEFAULTS = {
    "FIXTURES": str(DEMO_FIXTURES),
    "SEED": 0,
    # Where this server is reachable; used for links when a client sends
    # Host: api.schoology.com. `serve` sets it from the address it binds.
    "BASE_URL": None,
    # The user requests act as (access-code joins); None: the first user of
    # the fixtures.
    "ACTING_UID": None,
    # "oauth": every /v1 request must be OAuth 1.0a-signed with the fixtures'
    # credentials; "off": every request is the administrator.
    "AUTH": "oauth",
    # (requests, seconds) a consumer key may send before 429s; None: no limit.
    "RATE_LIMIT": (50, 5.0),
    # How many requests the journal (/_mock/requests) keeps; 0: no journal.
    "JOURNAL_SIZE": 5000,
    # When set, /_mock/ requests must carry it in X-Mock-Admin-Token; when not,
    # only clients on this machine may use /_mock/.
    "ADMIN_TOKEN": None,
    # The largest bulk body (50 items) is a few kB; anything near this is a mistake.
    "MAX_CONTENT_LENGTH": 1024 * 1024,
}


def create_app(config=None, store=None):
    """The WSGI app. config overrides DEFAULTS; store, when given, is served
    instead of loading config["FIXTURES"]."""
    app = Flask(__name__)
    app.response_class = SchoologyResponse
    app.config.from_mapping(DEFAULTS)
    app.config.update(config or {})
    app.json.sort_keys = False
    if store is None:
        document = read_file(app.config["FIXTURES"])
        store = build_store(document, source=app.config["FIXTURES"], seed=app.config["SEED"])
    else:
        document = store.export()
    app.extensions["schoology_store"] = store
    app.extensions["schoology_clock"] = Clock()
    # What POST /_mock/reset goes back to.
    app.extensions["schoology_fixtures"] = document
    errors.register(app)
    journal.register(app)  # first, so that it times the whole request
    faults.register(app)  # before authentication: faults stand in for the network
    auth.register(app)
    realms.register(app)
    app.register_blueprint(users_blueprint())
    app.register_blueprint(control.control_blueprint())
    return app
