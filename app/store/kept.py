"""Answers worked out from one version of a school, kept until it changes.

Every write to a store bumps its generation, and records are replaced, never
changed, so what was worked out from a generation holds for as long as that
generation stands. Each store has its own entries (two mocks in one process
keep apart), held weakly: a store the control API has replaced takes its
entries with it, and a write drops the entries of the generation before."""
import threading
import weakref
from collections import OrderedDict


class Kept:
    def __init__(self, size):
        self.size, self.lock = size, threading.Lock()
        self.held = weakref.WeakKeyDictionary()  # store -> (generation, OrderedDict)
        # (id of the store, generation, key) -> Event, while one thread works
        # it out: the others wait for its answer rather than each working it
        # out again at once (after a write, every client's next list missed).
        self.working = {}

    def lookup(self, school, key, work):
        """What work() answers for key in the school as it stands; work runs
        only when nothing is kept. The generation is read before work runs:
        should a write come meanwhile, the answer is kept under the version
        before it, where no one looks."""
        generation = school.generation
        flight = (id(school), generation, key)
        with self.lock:
            held = self.held.get(school)
            if held is not None and held[0] == generation and key in held[1]:
                held[1].move_to_end(key)
                return held[1][key]
            waiting = self.working.get(flight)
            if waiting is None:
                done = self.working[flight] = threading.Event()
        if waiting is not None:
            waiting.wait()  # the working thread answers, or fails: then work here
            with self.lock:
                held = self.held.get(school)
                if held is not None and held[0] == generation and key in held[1]:
                    return held[1][key]
            return work()
        try:
            value = work()
            with self.lock:
                held = self.held.get(school)
                if held is None or held[0] < generation:
                    held = self.held[school] = (generation, OrderedDict())
                if held[0] == generation:
                    held[1][key] = value
                    while len(held[1]) > self.size:
                        held[1].popitem(last=False)
        finally:  # kept (or failed) before the waiters wake
            with self.lock:
                del self.working[flight]
            done.set()
        return value
