"""The in-memory store: users, courses, grading periods, sections, groups,
access codes and enrollments. Knows nothing of HTTP.

Thread safety: every read and write holds one re-entrant lock. Published
records are never mutated; a change replaces the record with an updated copy,
so a caller that got records under the lock can render them after releasing
it without seeing a half-applied change.

One model serves both dialects: an enrollment carries Schoology's admin and
status and Canvas's type and attributes (records.py). Deleting is soft: a
deleted enrollment leaves Schoology's view but Canvas can still read it.

Store is one class built of the parts of that model (mixins, each a file):
the Canvas-flavoured reads and writes (canvas.py: every enrollment of a
section or user whatever its state, enrolling by type and state, Progress),
temporary enrollments, the roster's reads, OAuth tokens and the dashboard's
pages (browse.py). They stay inside the store, though only one dialect or
the dashboard calls them, because each works on the realm index and the
id indexes under the one lock, atomically with the other writers: outside,
they would need the lock and the indexes opened up, or copies of a realm's
rows taken per request, which is what a list page cannot afford. None of
them knows HTTP or a dialect's shapes; the dialects map the records.
"""
import threading
import time
from bisect import bisect_left
from dataclasses import fields, replace
from itertools import compress, groupby, repeat
from operator import attrgetter, eq, itemgetter, or_

from . import export
from .browse import Browse
from .canvas import CanvasReads, CanvasWrites, token_digest
from .errors import Conflict, Invalid, NotFound
from .ids import IdIssuer
from .index import RealmIndex, as_ids, drop_id, with_id
from .oauth import OAuthTokens
from .records import STATUSES, Enrollment, User, admin_of, default_type
from .roster import RosterReads, RosterWrites
from .temporary import Temporary

USER_FIELDS = tuple(f.name for f in fields(User) if f.name not in ("uid", "display_fixed"))


_ID, _UID, _GONE = attrgetter("id"), attrgetter("uid"), attrgetter("gone")
_SCHOOL_UID, _ROLE, _ROLE_ID = attrgetter("school_uid"), attrgetter("role"), attrgetter("role_id")
_FIRST = itemgetter(0)
_REALM = attrgetter("realm", "realm_id")
_SOURCE = attrgetter("temporary_enrollment_source_user_id")


def utc_text(seconds):
    """ISO 8601 UTC to the second, as both dialects write times."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


class Store(CanvasReads, CanvasWrites, Temporary, RosterReads, RosterWrites, OAuthTokens,
            Browse):
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
        self.uid_by_school_uid = {}
        self.section_by_school_code = {}  # section_school_code -> section id
        self.sections_by_code = {}  # (course_code, section_code) -> [section ids]
        self.consumers = {}  # key -> Consumer
        self.tokens = {}  # token -> Token
        self.request_tokens = {}  # token -> RequestToken, until exchanged
        self.sign_in_failures = {}  # request token -> wrong passwords given for it so far
        self.user_sign_in_failures = {}  # username -> times of its recent wrong passwords
        self.administrators = []  # uids of users with role administrator, in fixture order
        self.roles = {}  # id -> Role
        self.user_order = []  # every uid, ascending (roster.py keeps it)
        self.school_order = None  # courses and their sections, in order (browse.py keeps it)
        self.buildings = {}  # id -> Building
        # Every enrollment, Schoology's view or not, by realm and by user: Canvas lists these.
        self.every = {}  # (realm, realm_id) -> enrollment ids, ascending (a list: smaller)
        self.by_user = {}  # uid -> enrollment id(s): see index.with_id (read with user_ids)
        self.sections_of_course = {}  # course id -> [section ids], ascending
        self.canvas_accounts = []  # at most one: the school's root account
        self.canvas_tokens = {}  # SHA-256 of the token -> CanvasToken (see canvas_token)
        self.pairings = {}  # id -> Pairing
        self.progresses = {}  # id -> Progress, of Canvas's background jobs
        self.provided = {}  # source uid -> ids of the temporary enrollments they provide
        self.ending = []  # heap of (end_at in seconds, enrollment id): see temporary.py
        self.clock = time.time  # the app puts its own clock here
        self.generation = 0  # counts changes, so that readers may keep what they derive

    def user_ids(self, uid):
        """The ids of every enrollment uid holds, in any state, ascending."""
        return as_ids(self.by_user.get(uid))

    def now(self):
        return utc_text(self.clock())

    def is_administrator(self, user):
        """May do everything: the user's role is "administrator", or their
        role_id names a role marked administrator."""
        role = self.roles.get(user.role_id)
        return user.role == "administrator" or (role is not None and role.administrator)

    # --- building ---------------------------------------------------------
    def add_records(self, *, buildings=(), roles=(), users=(), courses=(), grading_periods=(),
                    sections=(), groups=(), access_codes=(), enrollments=(), consumers=(),
                    tokens=(), canvas_accounts=(), canvas_tokens=(),
                    temporary_enrollment_pairings=()):
        """Add validated records (see load.py for the checks) to this new,
        empty store (load.store_of makes each store so)."""
        with self.lock:
            self.buildings.update((b.id, b) for b in buildings)
            self.roles.update((r.id, r) for r in roles)
            for kind, table, key, records in (
                ("user", self.users, "uid", users),
                ("course", self.courses, "id", courses),
                ("grading_period", self.grading_periods, "id", grading_periods),
                ("section", self.sections, "id", sections),
                ("group", self.groups, "id", groups),
            ):
                ids = list(map(attrgetter(key), records))
                table.update(zip(ids, records))
                if ids:
                    self.ids.observe(kind, max(ids))
            # a district's users, each looked at in C, not a Python loop of a million
            uids = list(map(_UID, users))
            self.uid_by_school_uid.update(filter(_FIRST, zip(map(_SCHOOL_UID, users), uids)))
            # is_administrator for each: its own role, or its role_id's role
            administering = {role.id for role in self.roles.values() if role.administrator}
            self.administrators.extend(compress(uids, map(or_, map(
                eq, map(_ROLE, users), repeat("administrator")), map(
                administering.__contains__, map(_ROLE_ID, users)))))
            for section in sections:
                self.realms[("section", section.id)] = RealmIndex(self.by_user, self.enrollments)
                self.every[("section", section.id)] = []
                if section.section_school_code:
                    self.section_by_school_code[section.section_school_code] = section.id
                course_code = self.courses[section.course_id].course_code
                self.sections_by_code.setdefault((course_code, section.section_code),
                                                 []).append(section.id)
                self.sections_of_course.setdefault(section.course_id, []).append(section.id)
                self.sections_of_course[section.course_id].sort()
            for group in groups:
                self.realms[("group", group.id)] = RealmIndex(self.by_user, self.enrollments)
                self.every[("group", group.id)] = []
            for code in access_codes:
                self.access_codes[(code.realm, code.realm_id)] = code
            self.consumers.update((c.key, c) for c in consumers)
            self.tokens.update((t.token, t) for t in tokens)
            self.canvas_accounts.extend(canvas_accounts)
            self.canvas_tokens.update((token_digest(t.token), t) for t in canvas_tokens)
            for pairing in temporary_enrollment_pairings:
                self.pairings[pairing.id] = pairing
                self.ids.observe("pairing", pairing.id)
            self._add_enrollments(sorted(enrollments, key=attrgetter("id")))

    def _add_enrollments(self, enrollments):
        """_put for each of the enrollments (in id order, into a new store),
        in few passes: a district loads a million."""
        ids = list(map(_ID, enrollments))
        self.enrollments.update(zip(ids, enrollments))
        self._add_by_user(list(map(_UID, enrollments)), ids)
        in_realm = {}
        # a realm's enrollments most often come one after another: a run at a time
        for key, run in groupby(enrollments, _REALM):
            in_realm.setdefault(key, []).extend(run)
        every, realms = self.every, self.realms
        hidden = set(map(_GONE, enrollments)) != {None}
        for key, held in in_realm.items():
            every[key].extend(map(_ID, held))
            realms[key].fill([e for e in held if e.gone is None] if hidden else held)
        if set(map(_SOURCE, enrollments)) - {None}:
            for enrollment in enrollments:
                if enrollment.temporary_enrollment_source_user_id is not None:
                    self._index_temporary(None, enrollment)
        if enrollments:
            self.ids.observe("enrollment", enrollments[-1].id)
            self.generation += 1

    def _add_by_user(self, uids, ids):
        """by_user for enrollments of those uids and ids (ascending), into a
        new store."""
        by_user = self.by_user
        by_user.update(zip(uids, ids))
        if len(by_user) == len(ids):
            return  # one enrollment each
        several = {}
        for uid, enrollment_id in zip(uids, ids):
            several.setdefault(uid, []).append(enrollment_id)
        by_user.update((uid, held[0] if len(held) == 1 else tuple(held))
                       for uid, held in several.items())

    def _put(self, old, new):
        """Publish new in place of old (either may be None), in every index."""
        self.generation += 1
        if old is not None:
            if old.visible:
                self.realms[(old.realm, old.realm_id)].remove(old)
            if new is None:
                del self.enrollments[old.id]
                every = self.every[(old.realm, old.realm_id)]
                del every[bisect_left(every, old.id)]
                drop_id(self.by_user, old.uid, old.id)
        if new is not None:
            self.enrollments[new.id] = new
            if new.visible:
                self.realms[(new.realm, new.realm_id)].add(new)
            every = self.every[(new.realm, new.realm_id)]
            at = bisect_left(every, new.id)
            if at == len(every) or every[at] != new.id:
                every.insert(at, new.id)
            self.by_user[new.uid] = with_id(self.by_user.get(new.uid), new.id)
        self._index_temporary(old, new)

    def reseed(self, seed):
        """Ids issued from here on follow seed (those issued stay taken)."""
        with self.lock:
            self.ids.reseed(seed)

    # --- reads ------------------------------------------------------------
    def _realm(self, realm, realm_id):
        index = self.realms.get((realm, realm_id))
        if index is None:
            raise NotFound(f"{realm} {realm_id} does not exist")
        return index

    def _enrollment(self, realm, realm_id, enrollment_id):
        self._realm(realm, realm_id)
        enrollment = self.enrollments.get(enrollment_id)
        if (enrollment is None or not enrollment.visible or enrollment.realm != realm
                or enrollment.realm_id != realm_id):
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
                    eid for uid in set(uids) for eid in index.of(uid)
                    if buckets is None or self.enrollments[eid].bucket in buckets)
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
            if index.of(uid):
                raise Conflict(f"user {uid} is already enrolled in {realm} {realm_id}")
            now = self.now()
            enrollment = Enrollment(self.ids.issue("enrollment"), uid, realm, realm_id,
                                    admin, status, type=default_type(admin),
                                    created_at=now, updated_at=now)
            self._put(None, enrollment)
            return enrollment, user

    def update_enrollment(self, realm, realm_id, enrollment_id, *, uid=None, admin=None,
                          status=None):
        """Change admin and/or status. uid, when given, must be the enrolled
        user's: an enrollment never moves to another user."""
        with self.lock:
            old = self._enrollment(realm, realm_id, enrollment_id)
            if uid is not None and uid != old.uid:
                raise Invalid(f"enrollment {enrollment_id} belongs to user {old.uid}, not {uid}")
            admin = old.admin if admin is None else admin
            # A flip of admin makes the enrollment the type Schoology would give it.
            kind = old.type if admin_of(old.type) == admin else default_type(admin)
            new = replace(old, admin=admin, status=old.status if status is None else status,
                          type=kind, updated_at=self.now())
            self._put(old, new)
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
            school_uid = changes.get("school_uid", old.school_uid)
            holder = self.uid_by_school_uid.get(school_uid)
            if school_uid and holder not in (None, uid):
                raise Conflict(f"school_uid {school_uid!r} belongs to user {holder}")
            fixed = old.display_fixed or "name_display" in changes
            new = replace(old, display_fixed=fixed, **changes)
            new.refresh_display()
            self.users[uid] = new
            self.generation += 1
            if self.is_administrator(old) != self.is_administrator(new):
                if self.is_administrator(new):
                    self.administrators.append(uid)
                else:
                    self.administrators.remove(uid)
            if old.school_uid != new.school_uid:
                self.uid_by_school_uid.pop(old.school_uid, None)
                if new.school_uid:
                    self.uid_by_school_uid[new.school_uid] = uid
            return new

    def export(self):
        """The whole state as a fixture document (see fixtures.py)."""
        return {key: list(rows) for key, rows in self.export_rows()}

    def export_rows(self):
        """[(key, the records of that kind as the fixtures write them)], the
        records made into dicts one at a time as they are read (a district's
        state as dicts at once is gigabytes). Only the taking of the records
        holds the lock: they are never changed once published, so they are
        written out after it is let go (a large school's export does not hold
        up the writes meanwhile)."""
        with self.lock:
            held = {"buildings": list(self.buildings.values()), "roles": list(self.roles.values()),
                    "users": list(self.users.values()), "courses": list(self.courses.values()),
                    "grading_periods": list(self.grading_periods.values()),
                    "sections": list(self.sections.values()),
                    "groups": list(self.groups.values()),
                    "enrollments": [self.enrollments[i] for i in sorted(self.enrollments)],
                    "access_codes": list(self.access_codes.values()),
                    "consumers": list(self.consumers.values()),
                    "tokens": list(self.tokens.values()),
                    "canvas_accounts": list(self.canvas_accounts),
                    "canvas_tokens": list(self.canvas_tokens.values()),
                    "temporary_enrollment_pairings": list(self.pairings.values())}
        # These are written only when the school has some.
        optional = ("buildings", "roles", "canvas_accounts", "canvas_tokens",
                    "temporary_enrollment_pairings")
        return [(key, map(export.WRITERS.get(key, export.record), records))
                for key, records in held.items() if records or key not in optional]

    def delete_enrollment(self, realm, realm_id, enrollment_id):
        with self.lock:
            self._remove(self._enrollment(realm, realm_id, enrollment_id))

    def delete_enrollment_by_id(self, enrollment_id, allowed=None):
        """Delete an enrollment wherever it is; returns it. allowed(enrollment),
        when given, is called first, under the same lock, and may raise."""
        with self.lock:
            enrollment = self.enrollments.get(enrollment_id)
            if enrollment is None or not enrollment.visible:
                raise NotFound(f"enrollment {enrollment_id} does not exist")
            if allowed is not None:
                allowed(enrollment)
            self._remove(enrollment)
            return enrollment

    def _remove(self, enrollment):
        """A soft delete: Canvas still reads the enrollment, as deleted."""
        self._put(enrollment, replace(enrollment, gone="deleted", updated_at=self.now()))

    def get_user(self, uid):
        with self.lock:
            user = self.users.get(uid)
            if user is None:
                raise NotFound(f"user {uid} does not exist")
            return user

    def enrollment_of(self, realm, realm_id, uid):
        """uid's enrollment in the realm, or None. Of several (Canvas may
        enroll a user as more than one type), an active admin one first."""
        with self.lock:
            held = [self.enrollments[i] for i in self._realm(realm, realm_id).of(uid)]
            return min(held, key=lambda e: (e.bucket != (1, 1), e.id), default=None)

    def enrollment_id_of(self, realm, realm_id, uid):
        """The id of uid's enrollment in the realm (the first, of several)."""
        with self.lock:
            held = self._realm(realm, realm_id).of(uid)
            if not held:
                raise NotFound(f"user {uid} is not enrolled in {realm} {realm_id}")
            return held[0]

    def upsert_enrollment(self, realm, realm_id, uid, admin=None, status=None):
        """Create uid's enrollment in the realm, or change the one it has.
        A new enrollment is a member (admin 0), active (status 1), unless told
        otherwise; an existing one keeps what it is not told.
        Returns (enrollment, user, created)."""
        with self.lock:
            existing = self._realm(realm, realm_id).of(uid)
            if not existing:
                enrollment, user = self.create_enrollment(
                    realm, realm_id, uid, 0 if admin is None else admin,
                    1 if status is None else status)
                return enrollment, user, True
            enrollment, user = self.update_enrollment(realm, realm_id, existing[0], admin=admin,
                                                      status=status)
            return enrollment, user, False

    def join_with_code(self, realm, realm_id, uid, code):
        """Enroll uid as an active member using the realm's access code."""
        with self.lock:
            self._realm(realm, realm_id)
            held = self.access_codes.get((realm, realm_id))
            if held is None:
                raise Invalid(f"{realm} {realm_id} has no access code")
            if code.strip() != held.code:
                raise Invalid(f"the access code is not the code of {realm} {realm_id}")
            return self.create_enrollment(realm, realm_id, uid, 0, 1)

    def import_enrollment(self, section_ids, uid, admin=None, delete=False):
        """What the import endpoints do for one item, in every target section
        at once: create or update uid's enrollment (a new one active, a
        member unless admin says otherwise), or with delete remove it.
        Returns the ids of the enrollments touched, in section order."""
        with self.lock:
            touched = []
            for section_id in section_ids:
                if delete:
                    for existing in self._realm("section", section_id).of(uid):
                        self._remove(self.enrollments[existing])
                        touched.append(existing)
                else:
                    enrollment, _, _ = self.upsert_enrollment("section", section_id, uid,
                                                              admin=admin)
                    touched.append(enrollment.id)
            if not touched:
                raise NotFound(f"user {uid} is not enrolled in section "
                               f"{', '.join(map(str, section_ids))}")
            return touched

    # --- lookups ----------------------------------------------------------------
    def has_realm(self, realm, realm_id):
        return (realm, realm_id) in self.realms

    def has_grading_periods(self, ids):
        return all(i in self.grading_periods for i in ids)

    def default_uid(self):
        """The user requests act as when nothing says who is calling: the first
        user of the fixtures."""
        with self.lock:
            if not self.users:
                raise Invalid("the store holds no users")
            return next(iter(self.users))

    def administrator_uid(self):
        """Who a request acts as when authentication is off: the first
        administrator, else the first user."""
        with self.lock:
            return self.administrators[0] if self.administrators else self.default_uid()

    def course_code_of(self, section):
        return self.courses[section.course_id].course_code

    def uid_for_school_uid(self, school_uid):
        with self.lock:
            uid = self.uid_by_school_uid.get(school_uid)
            if uid is None:
                raise Invalid(f"no user has school_uid {school_uid!r}")
            return uid

    def sections_for_import(self, course_code, section_code, grading_period_ids):
        """Ids of the sections of that course and section code whose grading
        periods include every one given."""
        wanted = set(grading_period_ids)
        with self.lock:
            found = [sid for sid in self.sections_by_code.get((course_code, section_code), ())
                     if wanted <= set(self.sections[sid].grading_periods)]
        if not found:
            periods = ",".join(map(str, grading_period_ids))
            raise NotFound(f"no section {section_code!r} of course {course_code!r} spans "
                           f"grading periods {periods}")
        return sorted(found)

    def section_for_school_code(self, section_school_code):
        with self.lock:
            section_id = self.section_by_school_code.get(section_school_code)
            if section_id is None:
                raise NotFound(f"no section has section_school_code {section_school_code!r}")
            return self.sections[section_id]
