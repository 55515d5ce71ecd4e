"""What the Canvas dialect reads and writes: every enrollment of a section or
a user whatever its state, enrolling by type, and state changes decided under
the store's lock. Mixed into Store; knows nothing of HTTP."""
from dataclasses import replace

from .errors import NotFound
from .records import Enrollment, CanvasAccount, admin_of

DEFAULT_ACCOUNT = CanvasAccount(1, "Default Account")


class CanvasReads:
    def canvas_account(self):
        return self.canvas_accounts[0] if self.canvas_accounts else DEFAULT_ACCOUNT

    def section_enrollments(self, section_ids):
        """[(enrollment, user)] of those sections, in every state."""
        with self.lock:
            return [(e, self.users[e.uid]) for sid in section_ids
                    for e in map(self.enrollments.__getitem__, self.every[("section", sid)])]

    def user_enrollments(self, uid):
        """[(enrollment, user)] of the user's section enrollments, in every state."""
        with self.lock:
            user = self.users[uid]
            return [(e, user) for e in map(self.enrollments.__getitem__, self.by_user.get(uid, ()))
                    if e.realm == "section"]

    def find_enrollment(self, enrollment_id):
        """A section enrollment by id, in any state (deleted ones too)."""
        with self.lock:
            enrollment = self.enrollments.get(enrollment_id)
            if enrollment is None or enrollment.realm != "section":
                raise NotFound(f"enrollment {enrollment_id} does not exist")
            return enrollment

    def course_by_code(self, course_code):
        with self.lock:
            for course in self.courses.values():
                if course.course_code == course_code:
                    return course
        raise NotFound(f"no course has course_code {course_code!r}")


class CanvasWrites:
    def enroll(self, section_id, uid, kind, state, **attributes):
        """(enrollment, created): uid enrolled in the section as kind, in
        state (a Schoology status), unless a live enrollment of the same
        user, type and observed user is there already: then that one, which a
        completed one leaves in the state asked for (Canvas re-enrolls)."""
        with self.lock:
            self._realm("section", section_id)
            observed = attributes.get("associated_user_id")
            for eid in sorted(self.every[("section", section_id)]):
                held = self.enrollments[eid]
                if (held.uid, held.type, held.associated_user_id) == (uid, kind, observed) \
                        and held.visible:
                    if held.status == 5 and state != 5:
                        held = self._publish(held, status=state)
                    return held, False
            now = self.now()
            enrollment = Enrollment(self.ids.issue("enrollment"), uid, "section", section_id,
                                    admin_of(kind), state, type=kind, created_at=now,
                                    updated_at=now, **attributes)
            self._put(None, enrollment)
            return enrollment, True

    def change_enrollment(self, enrollment_id, decide):
        """decide(enrollment) returns the fields to change (or raises), under
        the lock, so that the check and the change are one step."""
        with self.lock:
            old = self.find_enrollment(enrollment_id)
            changes = decide(old)
            return self._publish(old, **changes) if changes else old

    def set_last_attended(self, section_ids, uid, when):
        """last_attended_at on every enrollment of uid in those sections."""
        with self.lock:
            for sid in section_ids:
                for eid in sorted(self.every[("section", sid)]):
                    if self.enrollments[eid].uid == uid:
                        self._publish(self.enrollments[eid], last_attended_at=when)

    def _publish(self, old, **changes):
        new = replace(old, updated_at=self.now(), **changes)
        self._put(old, new)
        return new
