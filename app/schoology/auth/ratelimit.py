"""Schoology throttles each application (consumer key) with a window that
refills every few seconds; past the limit it answers 429. The thresholds are
not published: the default, 50 requests a 5-second window, is what users
report."""
import math
import threading
import time


class RateLimiter:
    def __init__(self, limit=50, window=5.0, clock=time.time):
        self.limit, self.window, self.clock = limit, window, clock
        self.lock = threading.Lock()
        self.counts = {}  # consumer key -> (window number, requests in it)

    def retry_after(self, consumer_key):
        """None if the request may go ahead (and count it); else the seconds
        until the consumer's window refills."""
        now = self.clock()
        current = int(now // self.window)
        with self.lock:
            number, count = self.counts.get(consumer_key, (current, 0))
            if number != current:
                count = 0
            if count >= self.limit:
                return max(1, math.ceil((current + 1) * self.window - now))
            self.counts[consumer_key] = (current, count + 1)
            return None
