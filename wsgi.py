"""The app for any WSGI server: `gunicorn wsgi:app`, `waitress-serve wsgi:app`.
Keep to one process: the store lives in memory. Settings come from the
environment: SCHOOLOGY_MOCK_FIXTURES, SCHOOLOGY_MOCK_SEED, SCHOOLOGY_MOCK_AUTH
(oauth or off)."""
import os

from app import DEFAULTS, create_app

app = create_app({
    "FIXTURES": os.environ.get("SCHOOLOGY_MOCK_FIXTURES", DEFAULTS["FIXTURES"]),
    "SEED": int(os.environ.get("SCHOOLOGY_MOCK_SEED", DEFAULTS["SEED"])),
    "AUTH": os.environ.get("SCHOOLOGY_MOCK_AUTH", DEFAULTS["AUTH"]),
})
