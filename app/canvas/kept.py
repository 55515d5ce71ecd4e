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

    def lookup(self, school, key, work):
        """What work() answers for key in the school as it stands; work runs
        only when nothing is kept. The generation is read before work runs:
        should a write come meanwhile, the answer is kept under the version
        before it, where no one looks."""
        generation = school.generation
        with self.lock:
            held = self.held.get(school)
            if held is not None and held[0] == generation and key in held[1]:
                held[1].move_to_end(key)
                return held[1][key]
        value = work()
        with self.lock:
            held = self.held.get(school)
            if held is None or held[0] < generation:
                held = self.held[school] = (generation, OrderedDict())
            if held[0] == generation:
                held[1][key] = value
                while len(held[1]) > self.size:
                    held[1].popitem(last=False)
        return value
