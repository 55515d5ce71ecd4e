"""Id issuing. Schoology ids are large, increasing integers with gaps; we issue
the same kind of numbers from a seeded generator so runs are reproducible."""
import random

# Where each kind of id starts when the fixtures hold none, roughly where real
# Schoology ids of that kind sit.
BASES = {
    "user": 45_000_000,
    "course": 2_000_000_000,
    "section": 3_000_000_000,
    "group": 1_500_000_000,
    "grading_period": 800_000,
    "enrollment": 54_000_000,
    "pairing": 0,
    "progress": 0,
}
# How far past its base the first id of a kind may fall: Canvas's own ids
# (pairings, progress) are small sequential numbers.
SPREAD = {"pairing": 10, "progress": 100}


class IdIssuer:
    def __init__(self, seed=0):
        self._last = {kind: None for kind in BASES}
        self.reseed(seed)

    def reseed(self, seed):
        """Restart the generators; ids already issued or observed stay taken."""
        self.seed = seed
        # One generator per kind, so that creating users never shifts the ids
        # later enrollments get.
        self._rngs = {kind: random.Random(f"{seed}:{kind}") for kind in BASES}

    def observe(self, kind, value):
        """Note an id that already exists, so issued ids never collide with it."""
        last = self._last[kind]
        if last is None or value > last:
            self._last[kind] = value

    def issue(self, kind):
        rng = self._rngs[kind]
        last = self._last[kind]
        if last is None:
            last = BASES[kind] + rng.randrange(SPREAD.get(kind, 1_000_000))
        value = last + rng.randint(1, 17)
        self._last[kind] = value
        return value
