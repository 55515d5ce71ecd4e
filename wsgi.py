"""The app for any WSGI server: `gunicorn wsgi:app`, `waitress-serve wsgi:app`.
Keep to one process: the store lives in memory. Every setting comes from the
environment, as SCHOOLOGY_MOCK_<NAME> (the README's table lists them); a bad
one stops the server with one line naming it."""
import atexit
import sys

from schoology_mock import FixtureError, SettingError, create_app, settings
from schoology_mock.snapshot import write_snapshot

try:
    given, _ = settings.from_environ()
    app = create_app(settings.resolve([("env", given)])[0])
except (SettingError, FixtureError) as e:
    if isinstance(e, SettingError):
        e = e.given_as("env")
    print(f"schoology-mock: {e}", file=sys.stderr)
    sys.exit(2)

# No server of this package stops this one: write the snapshot (if any) on exit.
atexit.register(write_snapshot, app)
