"""The app for any WSGI server: `gunicorn wsgi:app`, `waitress-serve wsgi:app`.
Keep to one process: the store lives in memory. Every setting comes from the
environment, as SCHOOLOGY_MOCK_<NAME> (the README's table lists them); the
WSGI server chooses its own address and threads. A bad setting stops the
server with one line naming it, and exit status 4, which gunicorn reads as
"App failed to load" and stops instead of starting worker after worker."""
import sys

from schoology_mock import FixtureError, SettingError, create_app, settings
from schoology_mock.toolkit.snapshot import write_snapshot_at_exit

APP_LOAD_ERROR = 4


def report(message):
    print(f"schoology-mock: {message}", file=sys.stderr, flush=True)


given, unknown = settings.from_environ()
for name in unknown:
    report(f"ignoring {name}: no such setting")
for key in ("HOST", "PORT", "THREADS"):
    if key in given:
        report(f"ignoring {settings.ENV_PREFIX}{key}: the WSGI server chooses its own address "
               "and threads")
try:
    app = create_app(settings.resolve([("env", given)])[0])
except (SettingError, FixtureError) as e:
    report(e.given_as("env") if isinstance(e, SettingError) else e)
    sys.exit(APP_LOAD_ERROR)

write_snapshot_at_exit(app, report)
