"""Per-realm enrollment index.

A realm's enrollments as Schoology sees them (those Canvas has not rejected
or deleted) are kept in sorted id lists, one of them all and one per
(status, admin) bucket, so that a page costs time in proportion to the page: an
unfiltered or single-bucket page is a list slice, and a page over several
buckets finds its starting point by binary search instead of walking the rows
before it.
"""
from bisect import bisect_left, insort
from heapq import merge
from itertools import compress, islice
from operator import attrgetter

_ID, _BUCKET = attrgetter("id"), attrgetter("status", "admin")  # an enrollment's bucket


class RealmIndex:
    __slots__ = ("all", "buckets", "by_user", "enrollments")

    def __init__(self, by_user, enrollments):
        self.all = []  # every enrollment id, sorted
        self.buckets = {}  # (status, admin) -> sorted list of enrollment ids
        # Whose enrollments they are is the store's to say: its by_user (uid ->
        # held ids, see with_id) and enrollments (id -> Enrollment), not a
        # table of the realm's own (not the store itself: no reference cycle,
        # so a store let go is freed at once).
        self.by_user = by_user
        self.enrollments = enrollments

    def __len__(self):
        return len(self.all)

    def __contains__(self, enrollment_id):
        at = bisect_left(self.all, enrollment_id)
        return at < len(self.all) and self.all[at] == enrollment_id

    def add(self, enrollment):
        for ids in (self.all, self.buckets.setdefault(enrollment.bucket, [])):
            if not ids or enrollment.id > ids[-1]:
                ids.append(enrollment.id)  # the usual case: new ids are the largest
            else:
                insort(ids, enrollment.id)

    def fill(self, enrollments):
        """add() for each of the enrollments, into an empty index: faster,
        for loading a school. They must be in id order. Each bucket is taken
        in a pass in C (a realm's enrollments fall in a few buckets), not a
        Python loop over them: a realm may hold a whole district's."""
        ids = list(map(_ID, enrollments))
        self.all.extend(ids)
        held = list(map(_BUCKET, enrollments))
        for bucket in dict.fromkeys(held):  # in the order of their first enrollments
            self.buckets[bucket] = list(compress(ids, map(bucket.__eq__, held)))

    def remove(self, enrollment):
        for ids in (self.all, self.buckets[enrollment.bucket]):
            del ids[bisect_left(ids, enrollment.id)]

    def of(self, uid):
        """The ids of uid's enrollments here, ascending (a tuple; empty for
        none): those of the user's enrollments (a few) that are here, or,
        for a user holding more enrollments than the realm, those of the
        realm's that are the user's."""
        held = as_ids(self.by_user.get(uid))
        if len(held) > len(self.all):
            enrollments = self.enrollments
            return tuple(i for i in self.all if enrollments[i].uid == uid)
        return tuple(i for i in held if i in self)

    def members(self):
        """{uid: the ids of its enrollments here, as of() gives them}, for
        each user enrolled here (a walk over the realm's enrollments)."""
        members = {}
        enrollments = self.enrollments
        for i in self.all:
            uid = enrollments[i].uid
            members[uid] = members.get(uid, ()) + (i,)
        return members

    def page(self, buckets, start, limit):
        """(total, ids) for rows start..start+limit of the union of the given
        buckets (None: all of them), in id order."""
        if buckets is None:
            return len(self.all), self.all[start:start + limit]
        lists = [self.buckets[b] for b in buckets if self.buckets.get(b)]
        total = sum(map(len, lists))
        if start >= total:
            return total, []
        if len(lists) == 1:
            return total, lists[0][start:start + limit]
        cut = _nth_value(lists, start)
        starts = [bisect_left(ids, cut) for ids in lists]
        heads = [ids[i:i + limit] for ids, i in zip(lists, starts)]
        return total, list(islice(merge(*heads), limit))


# Held ids: an id alone, as most users hold one (a tuple of one is 48 bytes
# more, a million times over), or a tuple of several, ascending; None for none.
def with_id(held, new_id):
    if held is None:
        return new_id
    ids = as_ids(held)
    return ids if new_id in ids else tuple(sorted((*ids, new_id)))


def drop_id(table, key, old_id):
    """Take old_id from what table holds for key; the key goes with its last id."""
    ids = tuple(i for i in as_ids(table[key]) if i != old_id)
    if not ids:
        del table[key]
    else:
        table[key] = ids[0] if len(ids) == 1 else ids


def as_ids(held):
    return () if held is None else held if type(held) is tuple else (held,)  # noqa: E721


def _nth_value(lists, n):
    """The smallest value v with exactly n elements below it across the sorted,
    disjoint lists (0 <= n < total)."""
    lo = min(ids[0] for ids in lists)
    hi = max(ids[-1] for ids in lists)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        below = sum(bisect_left(ids, mid) for ids in lists)
        if below <= n:
            lo = mid
        else:
            hi = mid - 1
    return lo
