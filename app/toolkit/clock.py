"""The server's clock: real time, or frozen, or shifted, from /_mock/clock.
OAuth timestamp windows, rate-limit windows and the journal read it."""
import threading
import time
from datetime import datetime, timezone

LATEST = 253402300799  # 9999-12-31T23:59:59Z: times are written with four-digit years


def seconds(at):
    """A time as seconds since the epoch: given so, or as ISO 8601 text (UTC
    when it names no offset). ValueError for anything else."""
    if isinstance(at, str):
        when = datetime.fromisoformat(at.strip().replace("Z", "+00:00"))
        return (when if when.tzinfo else when.replace(tzinfo=timezone.utc)).timestamp()
    if isinstance(at, bool) or not isinstance(at, (int, float)):
        raise ValueError(f"not a time: {at!r}")
    try:
        return float(at)
    except OverflowError:
        raise ValueError("not a time: a number past any float") from None


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
        (False); at: this time (seconds since the epoch, or ISO 8601 text);
        advance: move on by this many seconds (negative moves back)."""
        with self.lock:
            now = self.frozen if self.frozen is not None else time.time() + self.offset
            if at is not None:
                now = seconds(at)
            if advance is not None:
                now += seconds(advance)
            if not 0 <= now <= LATEST:  # NaN too
                raise ValueError(f"the clock can show 1970 to 9999, not {now!r}")
            if freeze is True or (freeze is None and self.frozen is not None):
                self.frozen = now
            else:
                self.frozen = None
                self.offset = now - time.time()
            return now

    def real(self):
        with self.lock:
            self.frozen, self.offset = None, 0.0
