"""`schoology-mock import schoology|canvas`: the options, and one import run
from start (or from where an earlier run stopped) to a fixture that loads."""
import os
import sys
import time

PROG = "schoology-mock import"


def add_parser(commands):
    parser = commands.add_parser(
        "import", help="read a school through the Schoology or Canvas API into a fixture file",
        description="Read a school through its API (every list, to its end) and write a "
                    "fixture file that `schoology-mock serve --fixtures FILE` serves. People "
                    "are anonymised unless --keep-names is given. Stopped, the same command "
                    "goes on from where it was.")
    sources = parser.add_subparsers(dest="source", required=True)
    schoology = sources.add_parser("schoology", help="a Schoology school (REST API v1)")
    schoology.add_argument("--url", default="https://api.schoology.com/v1",
                           help="the API's base URL (default: https://api.schoology.com/v1)")
    schoology.add_argument("--key", default=os.environ.get("SCHOOLOGY_CONSUMER_KEY"),
                           help="an administrator's API consumer key "
                                "(default: $SCHOOLOGY_CONSUMER_KEY)")
    schoology.add_argument("--secret", default=os.environ.get("SCHOOLOGY_CONSUMER_SECRET"),
                           help="its secret (default: $SCHOOLOGY_CONSUMER_SECRET)")
    schoology.add_argument("--rate", default="50/5", type=_rate, metavar="N/SECONDS|off",
                           help="send at most N requests in any SECONDS, or off for as fast "
                                "as the source answers (default: 50/5, Schoology's "
                                "documented limit)")
    canvas = sources.add_parser("canvas", help="a Canvas account (REST API v1)")
    canvas.add_argument("--url", required=True,
                        help="the Canvas site, e.g. https://school.instructure.com")
    canvas.add_argument("--token", default=os.environ.get("CANVAS_TOKEN"),
                        help="an account administrator's access token (default: $CANVAS_TOKEN)")
    canvas.add_argument("--account", default="self",
                        help="the account to read (default: self, the root account)")
    canvas.add_argument("--rate", default=None, type=_rate, metavar="N/SECONDS|off",
                        help="send at most N requests in any SECONDS (default: as fast as "
                             "Canvas's X-Rate-Limit-Remaining allows)")
    for source in (schoology, canvas):
        source.add_argument("--out", required=True, metavar="FILE",
                            help="the fixture file to write; what has been read is kept in "
                                 "FILE.parts/ until it is written")
        source.add_argument("--seed", type=int, default=0,
                            help="the stand-ins' seed: the same seed gives each person the "
                                 "same stand-in on every run (default: 0)")
        source.add_argument("--keep-names", action="store_true",
                            help="keep names, school uids, usernames, emails and pictures as "
                                 "read (no anonymising)")
        source.add_argument("--sample", type=_positive, metavar="N",
                            help="keep N sections (drawn with --seed) with their members, "
                                 "and none of those users' other enrollments")
        source.add_argument("--retries", type=_positive, default=5,
                            help="tries again a dropped connection or a 5xx this many times "
                                 "(default: 5)")
    return parser


def _rate(text):
    import argparse
    if text == "off":
        return None
    try:
        count, seconds = text.split("/")
        count, seconds = int(count), float(seconds)
        if count >= 1 and seconds > 0:
            return count, seconds
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"not N/SECONDS (e.g. 50/5): {text!r}")


def _positive(text):
    import argparse
    if text.isdigit() and int(text) >= 1:
        return int(text)
    raise argparse.ArgumentTypeError(f"not a whole number of at least 1: {text!r}")


def run(args, stream=None):
    # here, not at the top: `serve` builds this parser too, and starts without them
    from .anonymise import Anonymiser
    from .client import Client, ImportFailed, Refused, bearer_signer, oauth1_signer
    from .fixture import write_fixture
    from .parts import Parts, PartsMismatch
    from .progress import Progress
    from .walk import Walk

    stream = stream or sys.stderr
    if args.source == "schoology":
        if not (args.key and args.secret):
            return _fail("give --key and --secret (or $SCHOOLOGY_CONSUMER_KEY and "
                         "$SCHOOLOGY_CONSUMER_SECRET)", stream)
        sign = oauth1_signer(args.key, args.secret)
    else:
        if not args.token:
            return _fail("give --token (or $CANVAS_TOKEN)", stream)
        sign = bearer_signer(args.token)
    rate, per = args.rate or (None, 5.0)
    try:
        client = Client(args.url, sign, rate=rate, per=per, retries=args.retries)
    except ImportFailed as e:
        return _fail(str(e), stream)
    meta = {"source": args.source, "url": args.url, "seed": args.seed,
            "keep_names": args.keep_names, "sample": args.sample,
            "account": getattr(args, "account", None)}
    folder = args.out + ".parts"
    try:
        parts = Parts(folder, meta)
    except PartsMismatch as e:
        return _fail(str(e), stream)
    progress = Progress(client, stream)
    if parts.resumed:
        print(f"{PROG}: going on from {folder} ({parts.resumed:,} lists or pages read before)",
              file=stream, flush=True)
    walk = Walk(client, parts, progress, None if args.keep_names else Anonymiser(args.seed))
    started = time.monotonic()
    try:
        if args.source == "schoology":
            from . import schoology
            sample = schoology.walk(walk, args.sample, args.seed)
        else:
            from . import canvas
            sample = canvas.walk(walk, args.account, args.sample, args.seed)
        progress.begin("writing " + args.out)
        written = write_fixture(parts, args.out, progress.report, sample)
    except KeyboardInterrupt:
        parts.close()
        progress.end_line()
        return _fail(f"stopped; what was read is kept in {folder}, and the same command "
                     f"goes on from there", stream, 130)
    except (ImportFailed, Refused) as e:  # Refused: a request no list of the walk's
        progress.end_line()
        if not parts.positions:  # nothing read (refused credentials): nothing to keep
            parts.remove()
            return _fail(str(e), stream, 1)
        parts.close()
        return _fail(f"{e}\n{PROG}: what was read is kept in {folder}; the same command goes "
                     f"on from there", stream, 1)
    finally:
        client.close()
    progress.finish()
    from ..store import FixtureError
    from ..store.load import read_file
    try:
        read_file(args.out)
    except FixtureError as e:  # never expected: write_fixture keeps it loadable
        return _fail(f"the file written does not load: {e}", stream, 1)
    parts.remove()
    took = time.monotonic() - started
    counts = ", ".join(f"{n:,} {kind}" for kind, n in written.items() if n)
    print(f"{PROG}: wrote {args.out}: {counts}; {client.requests:,} requests in {took:.1f} s"
          f"{f', {progress.skipped:,} records reported' if progress.skipped else ''}",
          file=stream, flush=True)
    return 0


def _fail(message, stream, code=2):
    print(f"{PROG}: {message}", file=stream, flush=True)
    return code
