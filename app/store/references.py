"""The checks across a fixture's records: unique ids, and every reference to
a record that exists. Each check is first made over the whole kind at once
(sets, in C: a district has millions of records), and only when that finds a
problem are the records walked to name the first one at fault."""
from itertools import compress
from operator import attrgetter, not_

from .records import DEFAULT_TERM, NO_EXTRAS


def check_references(records, source, error):
    """Raise error (a message naming file, record and field) at the first
    problem, in the order the records are listed."""
    def fail(kind, n, field, message):
        raise error(f"{source}: {kind}[{n}]: field {field!r}: {message}")

    def unique(kind, key, allow_empty=False):
        values = list(map(attrgetter(key), records[kind]))
        seen = set(values)
        if allow_empty and "" in seen:
            seen.discard("")
            if len(seen) == len(values) - values.count(""):
                return seen
        elif len(seen) == len(values):
            return seen
        seen = set()
        for n, value in enumerate(values):
            if allow_empty and value == "":
                continue
            if value in seen:
                fail(kind, n, key, f"{value!r} is used by an earlier record")
            seen.add(value)

    def each_in(kind, rules):
        """Every record's field is in allowed, for each field: (allowed,
        message of the value) in rules; or fail at the first that is not."""
        getters = {key: attrgetter(key) for key in rules}
        if all(allowed.issuperset(map(getters[key], records[kind]))
               for key, (allowed, _) in rules.items()):
            return
        for n, record in enumerate(records[kind]):
            for key, (allowed, message) in rules.items():
                if getters[key](record) not in allowed:
                    fail(kind, n, key, message(getters[key](record)))

    buildings, roles = unique("buildings", "id"), unique("roles", "id")
    users = unique("users", "uid")
    unique("users", "school_uid", allow_empty=True)
    # 0 is none given (a record's default) for roles and buildings
    in_building = {"building_id": (buildings | {0}, lambda v: f"no building {v}")}
    each_in("users", {"role_id": (roles | {0}, lambda v: f"no role {v}"), **in_building})
    courses = unique("courses", "id")
    for kind in ("courses", "groups"):
        each_in(kind, in_building)
    periods = unique("grading_periods", "id")
    if DEFAULT_TERM in periods:  # a grading period is a Canvas term of its own id
        n = [p.id for p in records["grading_periods"]].index(DEFAULT_TERM)
        fail("grading_periods", n, "id", f"{DEFAULT_TERM} is Canvas's Default Term")
    if not periods.issuperset(c.enrollment_term_id for c in records["courses"]
                              if c.enrollment_term_id):
        for n, course in enumerate(records["courses"]):
            if course.enrollment_term_id and course.enrollment_term_id not in periods:
                fail("courses", n, "canvas.enrollment_term_id",
                     f"no grading period {course.enrollment_term_id}")
    sections, groups = unique("sections", "id"), unique("groups", "id")
    unique("sections", "section_school_code", allow_empty=True)
    unique("enrollments", "id")
    unique("access_codes", "code")

    for n, section in enumerate(records["sections"]):
        if section.course_id not in courses:
            fail("sections", n, "course_id", f"no course {section.course_id}")
        for period in section.grading_periods:
            if period not in periods:
                fail("sections", n, "grading_periods", f"no grading period {period}")
    pairings = unique("temporary_enrollment_pairings", "id")
    _check_enrollments(records["enrollments"], users, {"section": sections, "group": groups},
                       pairings, fail)
    consumers = unique("consumers", "key")
    unique("tokens", "token")
    by_user = {"uid": (users, lambda v: f"no user {v}")}
    each_in("consumers", by_user)
    each_in("tokens", by_user)
    each_in("tokens", {"consumer_key": (consumers, lambda v: f"no consumer {v!r}")})
    if len(records["canvas_accounts"]) > 1:
        fail("canvas_accounts", 1, "id", "the school has one Canvas root account")
    unique("canvas_tokens", "token")
    each_in("canvas_tokens", by_user)
    for n, pairing in enumerate(records["temporary_enrollment_pairings"]):
        for name in ("created_by_id", "deleted_by_id"):
            if getattr(pairing, name) is not None and getattr(pairing, name) not in users:
                fail("temporary_enrollment_pairings", n, name, f"no user {getattr(pairing, name)}")
    realms = {"section": sections, "group": groups}
    coded = set()
    for n, code in enumerate(records["access_codes"]):
        if code.realm_id not in realms[code.realm]:
            fail("access_codes", n, "realm_id", f"no {code.realm} {code.realm_id}")
        if (code.realm, code.realm_id) in coded:
            fail("access_codes", n, "realm_id", f"{code.realm} {code.realm_id} already has a code")
        coded.add((code.realm, code.realm_id))


_UID, _REALM, _REALM_ID = attrgetter("uid"), attrgetter("realm"), attrgetter("realm_id")
_USER_REALM = attrgetter("uid", "realm", "realm_id")


def _check_enrollments(enrollments, users, realms, pairings, fail):
    users_or_none, pairings_or_none = users | {None}, pairings | {None}
    # Most enrollments hold no Canvas extras (records.NO_EXTRAS): only the others are looked at.
    extras = [e for e in enrollments if e.extras is not NO_EXTRAS]
    in_section = list(map("section".__eq__, map(_REALM, enrollments)))
    visible = [e for e in enrollments if e.gone is None]
    if (users.issuperset(map(_UID, enrollments))
            and realms["section"].issuperset(compress(map(_REALM_ID, enrollments), in_section))
            and realms["group"].issuperset(compress(map(_REALM_ID, enrollments),
                                                    map(not_, in_section)))
            and all(users_or_none.issuperset(map(attrgetter(name), extras))
                    for name in ("associated_user_id", "temporary_enrollment_source_user_id"))
            and pairings_or_none.issuperset(
                map(attrgetter("temporary_enrollment_pairing_id"), extras))
            # A user is enrolled once in a realm unless Canvas types tell them
            # apart: when (user, realm) pairs are unique, so is each enrollment.
            and _once_in_each_realm(visible)):
        return
    enrolled = set()
    for n, enrollment in enumerate(enrollments):
        if enrollment.uid not in users:
            fail("enrollments", n, "uid", f"no user {enrollment.uid}")
        if enrollment.realm_id not in realms[enrollment.realm]:
            fail("enrollments", n, "realm_id", f"no {enrollment.realm} {enrollment.realm_id}")
        for name in ("associated_user_id", "temporary_enrollment_source_user_id"):
            if getattr(enrollment, name) not in users_or_none:
                fail("enrollments", n, f"canvas.{name}", f"no user {getattr(enrollment, name)}")
        if enrollment.temporary_enrollment_pairing_id not in pairings_or_none:
            fail("enrollments", n, "canvas.temporary_enrollment_pairing_id",
                 f"no temporary enrollment pairing {enrollment.temporary_enrollment_pairing_id}")
        # A user is enrolled once per realm, and per type and observed user
        # (Canvas allows one of each); rejected and deleted ones do not count.
        key = (enrollment.uid, enrollment.realm, enrollment.realm_id, enrollment.type,
               enrollment.associated_user_id)
        if key in enrolled:
            fail("enrollments", n, "uid", f"user {enrollment.uid} is already enrolled in "
                 f"{enrollment.realm} {enrollment.realm_id} as {enrollment.type}")
        if enrollment.visible:
            enrolled.add(key)


def _once_in_each_realm(enrollments):
    """Whether no user holds two of the enrollments in one realm."""
    uids = list(map(_UID, enrollments))
    if len(set(uids)) == len(uids):
        return True  # one enrollment a user: no need to pair them with realms
    return len(set(map(_USER_REALM, enrollments))) == len(enrollments)
