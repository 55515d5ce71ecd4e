"""Work done after the answer, as a real service's background jobs are: in
the order given, one at a time, on a thread of the app's own that runs only
while there is work (so an idle app holds no thread)."""
import logging
import threading
from collections import deque

from flask import current_app

logger = logging.getLogger(__name__)


class Jobs:
    def __init__(self):
        self.lock, self.pending, self.running = threading.Lock(), deque(), False

    def submit(self, work):
        """Run work() later; what it raises is logged, as a failed job's error."""
        with self.lock:
            self.pending.append(work)
            if not self.running:
                self.running = True
                try:
                    threading.Thread(target=self._run, name="schoology-mock jobs",
                                     daemon=True).start()
                except BaseException:  # no thread to be had: the next submit tries again
                    self.running = False
                    raise

    def _run(self):
        while True:
            with self.lock:
                if not self.pending:
                    self.running = False
                    return
                work = self.pending.popleft()
            try:
                work()
            except BaseException:  # a job's failure ends the job, never the worker
                logger.exception("a background job failed")


def register(app):
    app.extensions["schoology_jobs"] = Jobs()


def submit(work):
    """Queue work on the app serving this request."""
    current_app.extensions["schoology_jobs"].submit(work)
