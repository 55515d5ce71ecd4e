"""SNAPSHOT: a sandbox's state kept across restarts. The server starts from the
file when it exists, and writes it when it stops (MockServer.stop, or at exit
under another WSGI server)."""
import atexit
import json
import os
import tempfile

from .store import read_file


class SnapshotError(Exception):
    pass


def starting_document(config, demo):
    """(where it came from, the fixture document) the app starts from."""
    snapshot = config.get("SNAPSHOT")
    if snapshot and os.path.exists(snapshot):
        return snapshot, read_file(snapshot)
    if config["FIXTURES"] is None:
        return "the demo school", read_file(demo)
    return str(config["FIXTURES"]), read_file(config["FIXTURES"])


def write_snapshot(app):
    """The state, written whole or not at all: the path written, or None when
    there is nothing to write. Each write goes through a temporary file of its
    own, so servers sharing one SNAPSHOT (pytest-xdist workers) never collide:
    the last to stop wins."""
    path = app.config.get("SNAPSHOT")
    if not path or app.extensions.get("schoology_snapshot_elsewhere"):
        return None
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)),
                                             prefix=".snapshot-", suffix=".partial")
        with os.fdopen(handle, "w") as f:
            json.dump(app.extensions["schoology_store"].export(), f)
        os.replace(temporary, path)
    except OSError as e:
        if temporary and os.path.exists(temporary):
            os.unlink(temporary)
        raise SnapshotError(f"cannot write the snapshot to {path}: {e.strerror or e}") from None
    return path


def write_snapshot_at_exit(app, report):
    """For a WSGI server that imports the app: write the snapshot when the
    process ends. A server that loads the app and then forks workers (gunicorn
    --preload) keeps an untouched copy in the parent; only the forked worker,
    which served the requests, writes."""
    def forked():
        app.extensions["schoology_snapshot_elsewhere"] = True

    if hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_parent=forked)

    def at_exit():
        try:
            write_snapshot(app)
        except SnapshotError as e:
            report(str(e))

    atexit.register(at_exit)
