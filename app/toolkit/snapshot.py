"""SNAPSHOT: a sandbox's state kept across restarts. The server starts from the
file when it exists; while it runs, a SnapshotKeeper writes the state again
within about a second of each change (so a killed server loses at most that);
and it is written once more when the server stops (MockServer.stop, or at exit
under another WSGI server).

Every write is whole or nothing: a temporary file beside the snapshot, mode
0600 (the state holds consumer secrets), flushed to disk, then os.replace'd
over it. The temporary file is named .snapshot-<pid>-<random>.partial; one
left by a process that no longer runs (a server killed mid-write) is removed
when a server next starts from that folder."""
import atexit
import glob
import os
import re
import tempfile
import threading
import time
import weakref

from .. import settings
from ..store import json_pieces, read_file

KEEP_EVERY = 0.25  # seconds between looks at the store's generation


class SnapshotError(Exception):
    pass


def starting_records(config, demo):
    """(where it came from, the fixture records) the app starts from."""
    snapshot = config.get("SNAPSHOT")
    if snapshot:
        if os.path.isdir(snapshot):
            raise settings.SettingError(settings.BY_KEY["SNAPSHOT"], snapshot,
                                        "a folder: expected a file's path")
        remove_stale_partials(snapshot)
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
        rows = app.extensions["schoology_store"].export_rows()
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)),
                                             prefix=f".snapshot-{os.getpid()}-",
                                             suffix=".partial")
        with os.fdopen(handle, "wb") as f:
            os.fchmod(f.fileno(), 0o600)  # mkstemp's mode already; said here, as it matters
            f.writelines(json_pieces(rows))
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except OSError as e:
        if temporary and os.path.exists(temporary):
            os.unlink(temporary)
        raise SnapshotError(f"cannot write the snapshot to {path}: {e.strerror or e}") from None
    return path


PARTIAL = re.compile(r"\.snapshot-(?:(\d+)-)?[^/]*\.partial")


def remove_stale_partials(path):
    """Remove the temporary files of writes that never finished in path's
    folder: those of processes that are gone (and any without a process id, an
    older version's). Those of running processes (pytest-xdist workers sharing
    one snapshot) are theirs to finish."""
    folder = os.path.dirname(os.path.abspath(path))
    for partial in glob.glob(os.path.join(glob.escape(folder), ".snapshot-*.partial")):
        match = PARTIAL.fullmatch(os.path.basename(partial))
        if match is None:
            continue
        if match.group(1) is not None and _running(int(match.group(1))):
            continue
        try:
            os.unlink(partial)
        except OSError:
            pass  # gone already, or not ours to remove: the snapshot itself is not at stake


def _running(pid):
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: someone else's process, running
        return True
    return True


class SnapshotKeeper:
    """Writes the snapshot from a thread of its own whenever the state has
    changed: it looks every KEEP_EVERY seconds at the store's generation (every
    write bumps it) and at which store is served (/_mock/load and /_mock/reset
    install a new one). A change is on disk within KEEP_EVERY plus the time a
    write takes (a few milliseconds for the demo school); writes are spaced by
    at least the time the last one took, so a big school under constant writes
    is not exported back to back. stop() writes one last time, whatever
    changed, and raises SnapshotError if that fails; failures before that are
    reported (once each, until a write succeeds) and tried again."""

    def __init__(self, app, report=None, every=KEEP_EVERY):
        self.app, self.report, self.every = app, report, every
        self.lock = threading.Lock()  # one write at a time, so an older state never lands last
        self._stop = threading.Event()
        self._thread = None
        self._seen = self._mark()
        self._last_error = None

    def _mark(self):
        """(the store served, its generation): the store by weak reference, as
        a freed store's id may be a new one's."""
        store = self.app.extensions.get("schoology_store")
        return (None if store is None else weakref.ref(store),
                getattr(store, "generation", None))

    def start(self):
        if self.app.config.get("SNAPSHOT") and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="schoology-mock snapshot",
                                            daemon=True)
            self._thread.start()
        return self

    def _run(self):
        pause = self.every
        while not self._stop.wait(pause):
            started = time.monotonic()
            if self.write_if_changed():
                pause = max(self.every, time.monotonic() - started)
            else:
                pause = self.every

    def write_if_changed(self):
        """Write if the state changed since the last write: whether it wrote."""
        with self.lock:
            mark = self._mark()
            if self._stop.is_set() or (mark[1] == self._seen[1] and mark[0] is not None
                                       and self._seen[0] is not None
                                       and mark[0]() is self._seen[0]()):
                return False
            try:
                write_snapshot(self.app)
            except SnapshotError as e:
                if self.report and str(e) != self._last_error:
                    self.report(f"{e} (trying again)")
                self._last_error = str(e)
                return False
            # What was read before the write is on disk now; a change made
            # while it was written has a newer generation and is written next.
            self._seen, self._last_error = mark, None
            return True

    def stop(self, timeout=5.0):
        """Stop the thread, then write the state a last time: the path written,
        or None when there is no snapshot. SnapshotError if it cannot be written."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        with self.lock:
            return write_snapshot(self.app)


def write_snapshot_at_exit(app, report):
    """For a WSGI server that imports the app: write the snapshot when the
    process ends. A server that loads the app and then forks workers (gunicorn
    --preload) keeps an untouched copy in the parent; only the forked worker,
    which served the requests, writes."""
    keepers = [SnapshotKeeper(app, report).start()]

    def forked():
        app.extensions["schoology_snapshot_elsewhere"] = True

    def in_child():  # the parent's threads are not the child's: a keeper of its own
        keepers[:] = [SnapshotKeeper(app, report).start()]

    if hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_parent=forked, after_in_child=in_child)

    def at_exit():
        try:
            keepers[0].stop()
        except SnapshotError as e:
            report(str(e))

    atexit.register(at_exit)
