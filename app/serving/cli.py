"""The `schoology-mock` command (also `python -m schoology_mock`)."""
import argparse
import gc
import os
import signal
import sys
import time

from .. import settings
from ..settings import SETTINGS, SettingError

PROG = "schoology-mock"


def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.command == "import":
        from ..importer.command import run
        return run(args)
    return run_openapi(args) if args.command == "openapi" else run_serve(args)


def build_parser():
    parser = argparse.ArgumentParser(prog=PROG,
                                     description="A mock of the Schoology REST API (v1).")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve", help="serve the API over HTTP",
        epilog=f"Every option can also be set as an environment variable: "
               f"{settings.ENV_PREFIX}<NAME>, e.g. {settings.ENV_PREFIX}RATE_LIMIT=off. "
               "An option given here wins over the environment.")
    for setting in SETTINGS:
        # Values are text here and checked by the setting's own parser, so a bad
        # one is refused as it would be from the environment: one line, exit 2.
        default = setting.default_text(settings.SERVE_DEFAULTS)
        # An on/off setting given alone (--strict) is on.
        alone = {"nargs": "?", "const": "on"} if setting.parse is settings.on_off else {}
        serve.add_argument(setting.flag, dest=setting.key, metavar=setting.metavar,
                           help=f"{setting.help} (default: {default})", **alone)
    serve.add_argument("--no-journal", action="store_true", help="the same as --journal-size 0")
    openapi = commands.add_parser(
        "openapi", help="write a dialect's OpenAPI 3.1 document to standard output")
    openapi.add_argument("--dialect", choices=("schoology", "canvas"), default="schoology")
    openapi.add_argument("--format", choices=("json", "yaml"), default="json")
    openapi.add_argument("--server", type=settings.url, default="http://127.0.0.1:8000",
                         metavar="URL", help="where the document says the mock is "
                                             "(default: http://127.0.0.1:8000)")
    from ..importer.command import add_parser
    add_parser(commands)
    return parser


def fail(message):
    print(f"{PROG}: {message}", file=sys.stderr)
    return 2


def configure(args, environ):
    """The app's config from the serve defaults, the environment and the flags
    (the last wins), and which of them gave each setting."""
    flags = {s.key: getattr(args, s.key) for s in SETTINGS if getattr(args, s.key) is not None}
    if args.no_journal:
        flags["JOURNAL_SIZE"] = "0"
    from_env, unknown = settings.from_environ(environ)
    for name in unknown:
        print(f"{PROG}: ignoring {name}: no such setting", file=sys.stderr)
    return settings.resolve([("config", settings.SERVE_DEFAULTS), ("env", from_env),
                             ("flag", flags)])


def run_openapi(args):
    """The document of the demo school's mock: the routes and the contract are
    the same whatever school a server loads."""
    from .. import create_app
    from ..toolkit import openapi
    document = openapi.build(create_app({"JOURNAL_SIZE": 0}), args.dialect, args.server)
    write = openapi.as_json if args.format == "json" else openapi.as_yaml
    sys.stdout.write(write(document))
    return 0


def run_serve(args):
    from .. import create_app
    from ..store import FixtureError
    from ..toolkit.snapshot import SnapshotError
    from .server import BindError, MockServer

    given_by = {}
    try:
        config, given_by = configure(args, os.environ)
        app = create_app(config)
    except SettingError as e:  # one create_app checks against the fixtures: ACTING_UID
        return fail(e.given_as(given_by.get(e.setting.key, e.kind)))
    except FixtureError as e:
        return fail(e)
    _more_files()
    server = MockServer(app)
    try:
        server.bind()
    except BindError as e:
        return fail(f"{e} (host and port settings)")
    # The server runs in its own thread and the main thread only sleeps: a
    # signal then never interrupts the server's loop halfway through (a
    # KeyboardInterrupt raised there can leave one of its locks held, and it
    # would never stop). The handler only sets a flag: it takes no lock that
    # the code it interrupted might hold. stop() is bounded whoever is
    # connected (answers under way get 2 s), so the process ends within a
    # few seconds of the signal, with the snapshot written.
    stopping = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.append(True))
    # What is loaded now lives as long as the server: out of the collector's
    # sight, a full collection no longer walks the whole school (it did, in
    # the middle of requests: 50 ms pauses with a 10,000-row section).
    gc.collect(1)  # the young garbage; a load put the school in the oldest generation
    gc.freeze()
    # Threads hand the interpreter over every 0.5 ms under contention, not
    # every 5: a long page of the dashboard (a search of a district-sized
    # group) then holds an API request up a fraction of a millisecond at each
    # turn, not 5 ms (bench/dashboard.py). An idle server is no busier.
    sys.setswitchinterval(0.0005)
    server.start()
    print(f"{PROG}: serving {app.extensions['schoology_source']} (auth: {app.config['AUTH']})",
          flush=True)
    print(f"{PROG}: ready at {server.url}/v1", flush=True)
    while server.serving and not stopping:
        time.sleep(0.1)
    try:
        server.stop()
    except SnapshotError as e:
        return fail(e)
    if server.snapshot_written:
        print(f"{PROG}: state written to {server.snapshot_written}", flush=True)
    return 0


def _more_files():
    """Every connection is a file descriptor, and idle ones are cheap here:
    raise the soft limit to the hard one (at most 65,536)."""
    try:
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        wanted = 65536 if hard == resource.RLIM_INFINITY else min(hard, 65536)
        if soft != resource.RLIM_INFINITY and soft < wanted:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    except (ImportError, OSError, ValueError):
        pass  # not on this platform, or not allowed: the server keeps within the limit it has


if __name__ == "__main__":
    sys.exit(main())
