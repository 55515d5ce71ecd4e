"""What the Canvas dialect reads and writes: every enrollment of a section or
a user whatever its state, enrolling by type, and state changes decided under
the store's lock. Mixed into Store; knows nothing of HTTP."""
import hashlib
import hmac
from dataclasses import replace

from .errors import NotFound, StoreError
from .records import CanvasAccount, Enrollment, Progress, admin_of

DEFAULT_ACCOUNT = CanvasAccount(1, "Default Account")


def token_digest(token):
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()


class CanvasReads:
    def canvas_token(self, given):
        """The CanvasToken given, or None. Found by its digest, then compared
        in constant time: how long a guess takes tells nothing of a token."""
        held = self.canvas_tokens.get(token_digest(given))
        if held is not None and hmac.compare_digest(token_digest(held.token),
                                                    token_digest(given)):
            return held
        return None

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
            return [(e, user) for e in map(self.enrollments.__getitem__, self.user_ids(uid))
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
        user, type and observed user is there already: then that one, with
        the attributes given set on it, and a completed one in the state asked
        for (Canvas re-enrolls)."""
        with self.lock:
            self._realm("section", section_id)
            observed = attributes.get("associated_user_id")
            for eid in sorted(self.every[("section", section_id)]):
                held = self.enrollments[eid]
                if (held.uid, held.type, held.associated_user_id) == (uid, kind, observed) \
                        and held.visible:
                    # Canvas's enroll_user sets what was given on the one it reuses
                    # (dates, a temporary enrollment's provider and pairing).
                    changes = {k: v for k, v in attributes.items() if getattr(held, k) != v}
                    if held.status == 5 and state != 5:
                        changes["status"] = state
                    if changes:
                        held = self._publish(held, **changes)
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

    # --- background jobs ---------------------------------------------------
    def find_progress(self, progress_id):
        with self.lock:
            progress = self.progresses.get(progress_id)
            if progress is None:
                raise NotFound(f"progress {progress_id} does not exist")
            return progress

    def create_progress(self, tag, context_id, user_id):
        with self.lock:
            now = self.now()
            progress = Progress(self.ids.issue("progress"), context_id, user_id, tag,
                                created_at=now, updated_at=now)
            self.progresses[progress.id] = progress
            return progress

    def _progress(self, progress_id, **changes):
        self.progresses[progress_id] = replace(self.progresses[progress_id],
                                               updated_at=self.now(), **changes)

    def bulk_enroll(self, progress_id, uids, course_ids, kind, state):
        """Canvas's Enrollment::BulkUpdate job: each user in each course's
        default section (its first) as kind, in state; the progress goes
        from running to completed, its results naming what failed, by user."""
        with self.lock:
            self._progress(progress_id, workflow_state="running", completion=0.0)
        try:
            self._bulk_enroll(progress_id, uids, course_ids, kind, state)
        except Exception:
            with self.lock:  # as Canvas marks a job that died
                self._progress(progress_id, workflow_state="failed",
                               message=f"Unexpected error, ID: {progress_id}")
            raise

    def _bulk_enroll(self, progress_id, uids, course_ids, kind, state):
        total, done, errors = len(uids) * len(course_ids), 0, {}
        for uid in uids:
            for course_id in course_ids:
                try:
                    sections = self.sections_of_course.get(course_id)
                    if not sections:
                        raise StoreError(f"course {course_id} has no sections")
                    self.enroll(sections[0], uid, kind, state)
                except StoreError as e:
                    errors[str(uid)] = f"Error processing user {uid}: {e.message}"
                done += 1
                with self.lock:
                    self._progress(progress_id, completion=100.0 * done / total)
        with self.lock:
            self._progress(progress_id, workflow_state="completed", completion=100.0,
                           results={"errors": errors})
