"""The in-memory store: users, courses, grading periods, sections, groups,
access codes and enrollments. Knows nothing of HTTP.

Thread safety: every read and write holds one re-entrant lock. Published
records are never mutated; a change replaces the record with an updated copy,
so a caller that got records under the lock can render them after releasing
it without seeing a half-applied change.
"""
import threading
from dataclasses import asdict, fields, replace

from .errors import Conflict, Invalid, NotFound
from .ids import IdIssuer
from .index import RealmIndex
from .records import STATUSES, Enrollment, User

USER_FIELDS = tuple(f.name for f in fields(User) if f.name not in ("uid", "display_fixed"))


_ID_KEYS = frozenset(("uid", "id", "course_id", "realm_id"))


class Store:
    def __init__(self, seed=0):
        self.lock = threading.RLock()
        self.ids = IdIssuer(seed)
        self.users = {}
        self.courses = {}
        self.grading_periods = {}
        self.sections = {}
        self.groups = {}
        self.access_codes = {}  # (realm, realm_id) -> AccessCode
        self.enrollments = {}
        self.realms = {}  # (realm, realm_id) -> RealmIndex

    # --- building ---------------------------------------------------------
    def add_records(self, *, users=(), courses=(), grading_periods=(), sections=(),
                    groups=(), access_codes=(), enrollments=()):
        """Add validated records (see fixtures.py for the checks)."""
        with self.lock:
            for kind, table, key, records in (
                ("user", self.users, "uid", users),
                ("course", self.courses, "id", courses),
                ("grading_period", self.grading_periods, "id", grading_periods),
                ("section", self.sections, "id", sections),
                ("group", self.groups, "id", groups),
            ):
                for record in records:
                    record_id = getattr(record, key)
                    table[record_id] = record
                    self.ids.observe(kind, record_id)
            for section in sections:
                self.realms[("section", section.id)] = RealmIndex()
            for group in groups:
                self.realms[("group", group.id)] = RealmIndex()
            for code in access_codes:
                self.access_codes[(code.realm, code.realm_id)] = code
            for enrollment in sorted(enrollments, key=lambda e: e.id):
                self.enrollments[enrollment.id] = enrollment
                self.realms[(enrollment.realm, enrollment.realm_id)].add(enrollment)
                self.ids.observe("enrollment", enrollment.id)

    # --- reads ------------------------------------------------------------
    def _realm(self, realm, realm_id):
        index = self.realms.get((realm, realm_id))
        if index is None:
            raise NotFound(f"{realm} {realm_id} does not exist")
        return index

    def _enrollment(self, realm, realm_id, enrollment_id):
        self._realm(realm, realm_id)
        enrollment = self.enrollments.get(enrollment_id)
        if enrollment is None or enrollment.realm != realm or enrollment.realm_id != realm_id:
            raise NotFound(f"enrollment {enrollment_id} does not exist in {realm} {realm_id}")
        return enrollment

    def list_enrollments(self, realm, realm_id, *, start=0, limit=20, uids=None,
                         statuses=None, admins=None):
        """(total, [(enrollment, user), ...]) for one page, in id order.
        uids, statuses and admins are optional collections to filter by."""
        buckets = None
        if statuses is not None or admins is not None:
            buckets = [(s, a) for s in statuses or STATUSES for a in admins or (0, 1)]
        with self.lock:
            index = self._realm(realm, realm_id)
            if uids is None:
                total, ids = index.page(buckets, start, limit)
            else:
                # A uid filter names few rows: look each one up.
                matched = sorted(
                    eid for eid in (index.by_uid.get(uid) for uid in set(uids))
                    if eid is not None
                    and (buckets is None or self.enrollments[eid].bucket in buckets))
                total, ids = len(matched), matched[start:start + limit]
            rows = [(e, self.users[e.uid]) for e in map(self.enrollments.__getitem__, ids)]
        return total, rows

    def get_enrollment(self, realm, realm_id, enrollment_id):
        with self.lock:
            enrollment = self._enrollment(realm, realm_id, enrollment_id)
            return enrollment, self.users[enrollment.uid]

    # --- writes -----------------------------------------------------------
    def create_enrollment(self, realm, realm_id, uid, admin, status):
        with self.lock:
            index = self._realm(realm, realm_id)
            user = self.users.get(uid)
            if user is None:
                raise Invalid(f"user {uid} does not exist")
            if uid in index.by_uid:
                raise Conflict(f"user {uid} is already enrolled in {realm} {realm_id}")
            enrollment = Enrollment(self.ids.issue("enrollment"), uid, realm, realm_id,
                                    admin, status)
            self.enrollments[enrollment.id] = enrollment
            index.add(enrollment)
            return enrollment, user

    def update_enrollment(self, realm, realm_id, enrollment_id, *, uid=None, admin=None,
                          status=None):
        """Change admin and/or status. uid, when given, must be the enrolled
        user's: an enrollment never moves to another user."""
        with self.lock:
            old = self._enrollment(realm, realm_id, enrollment_id)
            if uid is not None and uid != old.uid:
                raise Invalid(f"enrollment {enrollment_id} belongs to user {old.uid}, not {uid}")
            new = replace(old,
                          admin=old.admin if admin is None else admin,
                          status=old.status if status is None else status)
            index = self.realms[(realm, realm_id)]
            index.remove(old)
            index.add(new)
            self.enrollments[new.id] = new
            return new, self.users[new.uid]

    def update_user(self, uid, **changes):
        """Change a user's fields; every enrollment shows the change, since
        enrollments join the user record when they are read."""
        unknown = set(changes) - set(USER_FIELDS)
        if unknown:
            raise Invalid(f"users have no field {sorted(unknown)[0]!r}")
        with self.lock:
            old = self.users.get(uid)
            if old is None:
                raise NotFound(f"user {uid} does not exist")
            fixed = old.display_fixed or "name_display" in changes
            new = replace(old, display_fixed=fixed, **changes)
            new.refresh_display()
            self.users[uid] = new
            return new

    def export(self):
        """The whole state as a fixture document (see fixtures.py)."""
        def record(obj, *drop):
            out = {k: v for k, v in asdict(obj).items() if k not in drop}
            return {k: (str(v) if k in _ID_KEYS else v) for k, v in out.items()}

        with self.lock:
            return {
                "users": [record(u, "display_fixed", *(() if u.display_fixed else ("name_display",)))
                          for u in self.users.values()],
                "courses": [record(c) for c in self.courses.values()],
                "grading_periods": [record(g) for g in self.grading_periods.values()],
                "sections": [dict(record(s), grading_periods=[str(g) for g in s.grading_periods])
                             for s in self.sections.values()],
                "groups": [record(g) for g in self.groups.values()],
                "enrollments": [record(self.enrollments[i]) for i in sorted(self.enrollments)],
                "access_codes": [record(a) for a in self.access_codes.values()],
            }

    def delete_enrollment(self, realm, realm_id, enrollment_id):
        with self.lock:
            enrollment = self._enrollment(realm, realm_id, enrollment_id)
            self.realms[(realm, realm_id)].remove(enrollment)
            del self.enrollments[enrollment_id]
