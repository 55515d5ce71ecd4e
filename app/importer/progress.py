"""How far an import is, on stderr: on a terminal one line redrawn a few
times a second; elsewhere (a log, CI) a plain line every `every` seconds and
at each step's end. Each tells the records read by kind, the requests sent,
their rate, and the time left in the step whose size is known."""
import sys
import time


class Progress:
    def __init__(self, client, stream=None, every=10.0, clock=time.monotonic):
        self.client, self.stream = client, stream or sys.stderr
        self.terminal = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.every = 0.2 if self.terminal else every
        self.clock = clock
        self.started = self.shown = clock()
        self.counts = {}
        self.step, self.done, self.total, self.step_started = "", 0, None, self.started
        self.skipped = 0

    def begin(self, step, total=None, done=0):
        """A step of the import: its name, and how many lists it reads
        (when known), done of them already (a resumed import)."""
        self.end_line()
        self.step, self.total, self.done = step, total, done
        self.step_started, self.step_done = self.clock(), done
        self.show(force=True)

    def count(self, kind, n):
        self.counts[kind] = self.counts.get(kind, 0) + n
        self.show()

    def advance(self):
        self.done += 1
        self.show()

    def report(self, message):
        """A record left out or mended: its own line, always."""
        self.skipped += 1
        self.end_line()
        print(f"schoology-mock import: {message}", file=self.stream, flush=True)

    def line(self):
        elapsed = self.clock() - self.started
        requests = self.client.requests
        parts = [self.step]
        if self.total is not None:
            parts[0] += f" {self.done:,}/{self.total:,}"
            left = self._left()
            if left is not None:
                parts.append(f"about {_duration(left)} left")
        parts.append(", ".join(f"{n:,} {kind}" for kind, n in self.counts.items()) or "no records")
        parts.append(f"{requests:,} requests ({requests / elapsed if elapsed else 0:.1f}/s)")
        if self.client.throttled or self.client.retried:
            parts.append(f"{self.client.throttled} throttled, {self.client.retried} retried")
        parts.append(_duration(elapsed))
        return " · ".join(parts)

    def _left(self):
        done_now = self.done - self.step_done
        if not done_now or self.total is None:
            return None
        spent = self.clock() - self.step_started
        return spent / done_now * (self.total - self.done)

    def show(self, force=False):
        now = self.clock()
        if not force and now - self.shown < self.every:
            return
        self.shown = now
        if self.terminal:
            self.stream.write("\r\x1b[K" + self.line())
            self.stream.flush()
        else:
            print(self.line(), file=self.stream, flush=True)

    def end_line(self):
        if self.terminal and self.step:
            self.stream.write("\r\x1b[K")
            self.stream.flush()

    def finish(self):
        self.end_line()
        if self.terminal:
            print(self.line(), file=self.stream, flush=True)


def _duration(seconds):
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds // 60 % 60:02d}m"
