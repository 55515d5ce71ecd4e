"""The server's clock: real time, or frozen, or shifted, from /_mock/clock.
OAuth timestamp windows, rate-limit windows and the journal read it."""
import threading
import time


class Clock:
    def __init__(self):
        self.lock = threading.Lock()
        self.frozen = None  # seconds since the epoch, when frozen
        self.offset = 0.0  # seconds added to real time, when not

    def __call__(self):
        with self.lock:
            return self.frozen if self.frozen is not None else time.time() + self.offset

    def set(self, *, freeze=None, at=None, advance=None):
        """freeze: stop at the current time (True) or start running again
        (False); at: this time (seconds since the epoch); advance: move on by
        this many seconds (negative moves back)."""
        with self.lock:
            now = self.frozen if self.frozen is not None else time.time() + self.offset
            if at is not None:
                now = float(at)
            if advance is not None:
                now += float(advance)
            if freeze is True or (freeze is None and self.frozen is not None):
                self.frozen = now
            else:
                self.frozen = None
                self.offset = now - time.time()
            return now

    def real(self):
        with self.lock:
            self.frozen, self.offset = None, 0.0
