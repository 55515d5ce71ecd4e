"""The `schoology-mock` command."""
import argparse
import json
import os
import signal
import sys

from . import DEFAULTS, create_app
from .server import MockServer
from .store import FixtureError


def main(argv=None):
    parser = argparse.ArgumentParser(prog="schoology-mock",
                                     description="A mock of the Schoology REST API (v1).")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the API over HTTP")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks one)")
    serve.add_argument("--fixtures", default=DEFAULTS["FIXTURES"], metavar="FILE",
                       help="fixture document to load (default: the demo school)")
    serve.add_argument("--seed", type=int, default=0, help="seed for issued ids (default 0)")
    serve.add_argument("--threads", type=int, default=16, help="worker threads (default 16)")
    serve.add_argument("--auth", choices=("oauth", "off"), default="oauth",
                       help="oauth (default): every /v1 request must be OAuth 1.0a-signed; "
                            "off: every request is the administrator, for curl and demos")
    serve.add_argument("--rate-limit", default="50/5", metavar="N/SECONDS",
                       help="requests each consumer key may send per window (default 50/5, "
                            "as Schoology); 'off' for none")
    serve.add_argument("--journal-size", type=int, default=5000, metavar="N",
                       help="requests the journal (/_mock/requests) keeps (default 5000)")
    serve.add_argument("--no-journal", action="store_true", help="keep no request journal")
    serve.add_argument("--admin-token", metavar="TOKEN",
                       help="require this in X-Mock-Admin-Token on /_mock/ requests "
                            "(default: /_mock/ answers clients on this machine only)")
    serve.add_argument("--snapshot", metavar="FILE",
                       help="start from FILE's state if it exists, and write the state to "
                            "it on shutdown, so a sandbox keeps its data across restarts")
    serve.add_argument("--acting-uid", type=int, metavar="UID",
                       help="with --auth off, the user requests act as "
                            "(default: the first administrator of the fixtures)")
    serve.add_argument("--base-url", metavar="URL",
                       help="the address clients reach this server at, if not host:port")
    args = parser.parse_args(argv)
    return run_serve(args)


def rate_limit(text):
    """'50/5' -> (50, 5.0); 'off' -> None."""
    if text == "off":
        return None
    try:
        count, seconds = text.split("/")
        limit = (int(count), float(seconds))
    except ValueError:
        limit = None
    if not limit or limit[0] < 1 or limit[1] <= 0:
        raise argparse.ArgumentTypeError(f"--rate-limit {text!r}: expected N/SECONDS or off")
    return limit


def run_serve(args):
    try:
        limit = rate_limit(args.rate_limit)
    except argparse.ArgumentTypeError as e:
        print(f"schoology-mock: {e}", file=sys.stderr)
        return 2
    try:
        journal = 0 if args.no_journal else max(args.journal_size, 0)
        fixtures = args.fixtures
        if args.snapshot and os.path.exists(args.snapshot):
            fixtures = args.snapshot
        app = create_app({"FIXTURES": fixtures, "SEED": args.seed, "RATE_LIMIT": limit,
                          "JOURNAL_SIZE": journal, "ADMIN_TOKEN": args.admin_token,
                          "ACTING_UID": args.acting_uid, "AUTH": args.auth})
    except FixtureError as e:
        print(f"schoology-mock: {e}", file=sys.stderr)
        return 2
    store = app.extensions["schoology_store"]
    if args.acting_uid is not None and args.acting_uid not in store.users:
        print(f"schoology-mock: --acting-uid {args.acting_uid}: no such user in {args.fixtures}",
              file=sys.stderr)
        return 2
    server = MockServer(app, args.host, args.port, args.threads, args.base_url)
    try:
        server.bind()
    except OSError as e:
        print(f"schoology-mock: cannot listen on {args.host}:{args.port}: {e}", file=sys.stderr)
        return 2
    # SIGTERM ends the server as Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    print(f"schoology-mock: serving {fixtures} (auth: {args.auth})", flush=True)
    print(f"schoology-mock: ready at {server.url}/v1", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        if args.snapshot:
            write_snapshot(app, args.snapshot)
    return 0


def write_snapshot(app, path):
    """The state, written whole or not at all."""
    temporary = f"{path}.partial"
    with open(temporary, "w") as f:
        json.dump(app.extensions["schoology_store"].export(), f)
    os.replace(temporary, path)
    print(f"schoology-mock: state written to {path}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
