"""Temporary enrollments: pairings, and the end of a temporary enrollment.

A temporary enrollment is one with a source user (the provider whose place
the recipient takes). Once the store's clock passes its end_at, an active or
invited one takes its pairing's ending_enrollment_state: completed or
inactive, or deleted when the pairing says deleted or there is no pairing
(Canvas's EnrollmentState#calculate_state_based_on_dates). Mixed into Store;
knows nothing of HTTP."""
import heapq
from dataclasses import replace
from datetime import datetime

from .errors import NotFound
from .records import Pairing

OVER = frozenset(("rejected", "completed", "deleted"))
ENDINGS = {"completed": {"status": 5}, "inactive": {"status": 2}, "deleted": {"gone": "deleted"}}


def seconds_of(text):
    """UTC text (2026-08-24T15:00:00Z, records.time_text) as seconds since the epoch."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _may_end(enrollment):
    return (enrollment.temporary_enrollment_source_user_id is not None
            and enrollment.end_at is not None and enrollment.state in ("active", "invited"))


class Temporary:
    # --- pairings ---------------------------------------------------------
    def find_pairing(self, pairing_id):
        """A pairing by id, deleted ones too."""
        with self.lock:
            pairing = self.pairings.get(pairing_id)
            if pairing is None:
                raise NotFound(f"temporary enrollment pairing {pairing_id} does not exist")
            return pairing

    def create_pairing(self, workflow_state, ending_enrollment_state, created_by_id):
        with self.lock:
            now = self.now()
            pairing = Pairing(self.ids.issue("pairing"), workflow_state, ending_enrollment_state,
                              created_by_id, None, now, now)
            self.pairings[pairing.id] = pairing
            self.generation += 1
            return pairing

    def delete_pairing(self, pairing_id, deleted_by_id):
        """A soft delete: the pairing stays readable, and its enrollments keep
        it (and its ending state)."""
        with self.lock:
            old = self.find_pairing(pairing_id)
            new = replace(old, workflow_state="deleted", deleted_by_id=deleted_by_id,
                          updated_at=self.now())
            self.pairings[new.id] = new
            self.generation += 1
            return new

    # --- the end of temporary enrollments -----------------------------------
    def _index_temporary(self, old, new):
        """Called by _put: who provides which enrollments, and when each ends."""
        if old is not None and old.temporary_enrollment_source_user_id is not None:
            self.provided[old.temporary_enrollment_source_user_id].discard(old.id)
        if new is not None and new.temporary_enrollment_source_user_id is not None:
            self.provided.setdefault(new.temporary_enrollment_source_user_id, set()).add(new.id)
            # Once per end: a change that keeps it (a name, a grade) adds no entry.
            noted = old is not None and _may_end(old) and old.end_at == new.end_at
            if _may_end(new) and not noted:
                heapq.heappush(self.ending, (seconds_of(new.end_at), new.id))

    def settle(self):
        """Move each temporary enrollment whose end the clock has passed to
        its ending state. Cheap when nothing is due: a look at the earliest end."""
        try:  # a look without the lock: the worst a race costs is a settle one request later
            if self.ending[0][0] > self.clock():
                return
        except IndexError:
            return
        with self.lock:
            now = self.clock()
            while self.ending and self.ending[0][0] <= now:
                ends, enrollment_id = heapq.heappop(self.ending)
                enrollment = self.enrollments.get(enrollment_id)
                # An entry outlives changes to its enrollment: act only on what holds now.
                if enrollment is None or not _may_end(enrollment) \
                        or seconds_of(enrollment.end_at) != ends:
                    continue
                pairing = self.pairings.get(enrollment.temporary_enrollment_pairing_id)
                ending = pairing.ending_enrollment_state if pairing else None
                # It changed when it ended, whenever the clock is read after that.
                self._put(enrollment, replace(enrollment, updated_at=enrollment.end_at,
                                              **ENDINGS.get(ending, ENDINGS["deleted"])))

    # --- who provides and who receives -----------------------------------------
    def temporary_status(self, uid):
        """(is_provider, is_recipient, can_provide), as Canvas reads them from
        enrollments active or pending (neither rejected, completed nor deleted):
        provides a temporary enrollment, holds one, holds an active enrollment."""
        with self.lock:
            mine = [e for e in map(self.enrollments.__getitem__, self.user_ids(uid))
                    if e.realm == "section" and e.state not in OVER]
            provided = [self.enrollments[i] for i in self.provided.get(uid, ())]
            return (any(e.state not in OVER for e in provided),
                    any(e.temporary_enrollment_source_user_id is not None for e in mine),
                    any(e.state == "active" for e in mine))

    def temporary_enrollments(self, uid, as_provider=False):
        """[(enrollment, user)]: the temporary enrollments uid holds, or (as
        provider) those whose source uid is; never deleted ones."""
        with self.lock:
            ids = self.provided.get(uid, ()) if as_provider else [
                i for i in self.user_ids(uid)
                if self.enrollments[i].temporary_enrollment_source_user_id is not None]
            held = [self.enrollments[i] for i in ids]
            return [(e, self.users[e.uid]) for e in held
                    if e.realm == "section" and e.state != "deleted"]
