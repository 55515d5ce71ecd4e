"""The Enrollments API (EnrollmentsApiController): list, show, create,
conclude/deactivate/delete, accept, reject, reactivate and last attended."""
from functools import lru_cache

from flask import request

from ..api.answers import write
from ..api.context import store
from ..store import NotFound
from ..store.kept import Kept
from ..store.records import STATUS_OF_STATE, TYPES
from . import schemas as s
from .auth import caller, rights
from .errors import CanvasError, bad_request, forbidden, not_found
from .ids import find_account, find_course, find_section, find_user, number, sortable_name
from .jsonfmt import answer as written
from .jsonfmt import dumps, json_response
from .paging import paginate, per_page
from .params import boolean, params, scalars, strings
from .render import TYPE_OF_ROLE_ID, VIEW, enrollment_json, host, row_text, user_json
from .times import parse_time

ROLES = {name: name for name in TYPES}  # the built-in roles are named for their types
# What state[] may ask for on a user's own enrollments, and the synthetic states.
OWN_STATES = ("active", "inactive", "rejected", "invited", "creation_pending", "pending_active",
              "pending_invited", "completed", "current_and_invited", "current_and_future",
              "current_future_and_restricted", "current_and_concluded")
SYNTHETIC = {"current_and_invited": ("active", "invited"),
             "current_and_future": ("active", "invited", "creation_pending"),
             "current_and_concluded": ("active", "completed"),
             "current_future_and_restricted": ("active", "invited", "creation_pending",
                                               "inactive")}
TEMPORARY = ("temporary_enrollments_for_recipient", "temporary_enrollment_recipients_for_provider")
SIS_FILTERS = ("sis_account_id", "sis_course_id", "sis_section_id", "sis_user_id")
ERRORS = {
    "missing_parameters": "No parameters given",
    "missing_user_id": "Can't create an enrollment without a user. Include enrollment[user_id] "
                       "to create an enrollment",
    "bad_type": "Invalid type",
    "bad_role": "Invalid role",
    "base_type_mismatch": "The specified type must match the base type for the role",
}


# --- listing ------------------------------------------------------------------
def _role_filter(p):
    """The types asked for: role[] or role_id[] when given (type[] is then
    ignored), else type[]; None for all. An unknown role name is a 400."""
    role_ids, role_names = strings(p.get("role_id")), strings(p.get("role"))
    if not role_ids and role_names:
        if any(name not in ROLES for name in role_names):
            raise CanvasError(400, {"errors": [{"message": "role not found"}]})
        return set(role_names)
    if role_ids:
        return {TYPE_OF_ROLE_ID.get(number(r)) for r in role_ids}
    types = strings(p.get("type"))
    return set(types) if types else None


def _own_states(p):
    """state[] on the caller's own enrollments: checked, synthetic ones expanded."""
    given = strings(p.get("state"))
    for state in given:
        if state not in OWN_STATES:
            raise bad_request(error=f"Invalid state {state}")
    states = set()
    for state in given:
        states.update(SYNTHETIC.get(state, (state,)))
    return states


def _course_rows(course, section, p, me):
    """The course's (or section's) enrollments the caller may list."""
    r = rights(course.id)
    sections = [section.id] if section else store().sections_of_course.get(course.id, [])
    if p.get("user_id") not in (None, ""):
        user = find_user(p["user_id"])
        if user.uid == me.uid:
            states = _own_states(p) or {"active", "invited"}
        elif r.read_roster or r.observing or r.grades:
            # user_index_enrollments, with the course: active and invited ones
            # unless state[] says otherwise, for an admin too
            states = set(strings(p.get("state"))) or {"active", "invited"}
        else:
            raise forbidden()
        rows = [(e, u) for e, u in store().user_enrollments(user.uid) if e.realm_id in sections]
        return [(e, u) for e, u in rows if e.state in states]
    states = set(strings(p.get("state")))
    if r.read_roster:
        if r.sections is not None:
            sections = [s for s in sections if s in r.sections]
        rows = store().section_enrollments(sections)
        if not states:
            hidden = {"rejected", "completed", "deleted"} | (
                set() if r.read_as_admin else {"inactive"})
            return [(e, u) for e, u in rows if e.state not in hidden]
        return [(e, u) for e, u in rows if e.state in states]
    if r.observing or any(e.type == "ObserverEnrollment" for e in r.enrollments):
        rows = store().section_enrollments(sections)
        return [(e, u) for e, u in rows
                if (e.uid == me.uid or (e.uid in r.observing and e.type == "StudentEnrollment"))
                and (e.state in states if states else True)]
    raise forbidden()


def _user_rows(user, p, me):
    term = p.get("enrollment_term_id")
    if term not in (None, "") and str(term) not in ("1", "default", "current"):
        raise not_found()  # the school has one term, 1 (the default term)
    if any(name in p for name in TEMPORARY):
        return _temporary_rows(user, p, me)
    if user.uid == me.uid:
        states = _own_states(p) or {"active", "invited"}
    elif me.administrator:
        states = set(strings(p.get("state"))) or {"active", "invited"}
    else:
        raise forbidden()
    return [(e, u) for e, u in store().user_enrollments(user.uid) if e.state in states]


def _temporary_rows(user, p, me):
    """temporary_enrollments_for_recipient (the user's temporary enrollments)
    or temporary_enrollment_recipients_for_provider (those the user provides):
    any state but deleted, or those of state[] (unchecked, the synthetic ones
    expanded), for those who manage the account's temporary enrollments (its
    administrators). None to show is Canvas's refusal too (the real service
    fails with a 500 when nothing matches; the mock answers its 403)."""
    if boolean(p.get(TEMPORARY[0])):
        rows = store().temporary_enrollments(user.uid)
    elif boolean(p.get(TEMPORARY[1])):
        rows = store().temporary_enrollments(user.uid, as_provider=True)
    else:
        rows = []
    states = set()
    for state in strings(p.get("state")):
        states.update(SYNTHETIC.get(state, (state,)))
    rows = [(e, u) for e, u in rows if not states or e.state in states]
    if not rows or not me.administrator:
        raise forbidden()
    return rows


def _filter(rows, p, sis_allowed):
    types = _role_filter(p)
    if types is not None:
        rows = [(e, u) for e, u in rows if e.type in types]
    if any(p.get(name) not in (None, "", []) for name in SIS_FILTERS) and not sis_allowed:
        raise bad_request(message="Insufficient permissions to filter by SIS fields")
    if strings(p.get("sis_user_id")):
        wanted = set(strings(p["sis_user_id"]))
        rows = [(e, u) for e, u in rows if u.school_uid in wanted]
    if strings(p.get("sis_section_id")):
        wanted = set(strings(p["sis_section_id"]))
        rows = [(e, u) for e, u in rows
                if store().sections[e.realm_id].section_school_code in wanted]
    if strings(p.get("sis_course_id")):
        wanted = set(strings(p["sis_course_id"]))
        rows = [(e, u) for e, u in rows
                if store().courses[store().sections[e.realm_id].course_id].course_code in wanted]
    if strings(p.get("sis_account_id")):
        rows = []  # the account has no SIS id
    return rows


def _grading_period(p, course_ids):
    given = p.get("grading_period_id")
    if given in (None, ""):
        return
    periods = {gp for cid in course_ids for sid in store().sections_of_course.get(cid, ())
               for gp in store().sections[sid].grading_periods}
    if number(given) not in periods:
        raise bad_request(error="invalid grading_period_id")


class Viewer:
    """How the caller sees enrollments in this request: enrollment_json's
    keywords as a tuple in the order of render.VIEW (rows are kept by it).
    Along a page a view repeats (it hangs on the course, the type and who
    the enrollment's user is to the caller), so each is worked out once."""

    def __init__(self, me, includes):
        self.me, self.includes = me, includes
        self.school, self.base = store(), host()
        self.account_id = self.school.canvas_account().id
        self.views, self.rights = {}, {}

    def __call__(self, enrollment):
        course_id = self.school.sections[enrollment.realm_id].course_id
        r = self.rights.get(course_id) or self.rights.setdefault(course_id, rights(course_id))
        own = enrollment.uid == self.me.uid
        key = (course_id, enrollment.type, own, enrollment.uid in r.observing)
        view = self.views.get(key)
        if view is None:
            view = self.views[key] = self._work_out(enrollment, r, own)
        return view

    def _work_out(self, enrollment, r, own):
        if enrollment.type != "StudentEnrollment":
            grades = None
        elif r.grades:
            grades = "grader"
        elif own or enrollment.uid in r.observing:
            grades = "own"
        else:
            grades = None
        removable = r.may_remove(enrollment) if "can_be_removed" in self.includes else None
        return (self.base, self.account_id, grades, own or r.grades, r.read_sis,
                self.me.administrator, self.includes, removable)


def _keywords(view):
    return dict(zip(VIEW, view))


def _observed(enrollment, me, includes):
    """include[]=observed_users: the observed student, with their enrollments here."""
    observed = store().users.get(enrollment.associated_user_id)
    if enrollment.type != "ObserverEnrollment" or observed is None:
        return None
    course_id = store().sections[enrollment.realm_id].course_id
    sections = store().sections_of_course[course_id]
    out = user_json(observed, rights(course_id).read_sis, me.administrator, includes)
    view = Viewer(me, ())
    out["enrollments"] = [enrollment_json(e, **_keywords(view(e)))
                          for e, _ in store().user_enrollments(observed.uid)
                          if e.realm_id in sections and e.type == "StudentEnrollment"
                          and e.state not in ("completed", "inactive", "rejected", "deleted")]
    return out


def list_enrollments(course=None, section=None, user=None):
    """One page of the enrollments the caller may list, sorted as Canvas
    sorts them: by type, the user's sortable name, then id."""
    p, me = params(), caller()
    asked = {k: v for k, v in p.items() if k not in ("page", "per_page", "access_token")}
    temporary = user is not None and any(name in p for name in TEMPORARY)
    keyed, keys = SORTED.lookup(store(), (request.path, me, dumps(asked)),
                                lambda: _sort(_rows(course, section, user, p, me), temporary))
    includes = tuple(sorted(set(strings(p.get("include")))))
    page, links = paginate(keyed, keys, p.get("page"), per_page(p.get("per_page")))
    texts, viewer = [], Viewer(me, includes)
    providers = "temporary_enrollment_providers" in includes
    for _, e, u in page:
        view = viewer(e)
        # Rows that show another user than their own are written afresh, not kept.
        if ("observed_users" in includes and e.type == "ObserverEnrollment") or (
                providers and e.temporary_enrollment_source_user_id is not None):
            row = enrollment_json(e, u, **_keywords(view))
            observed = _observed(e, me, includes)
            if observed is not None:
                row["observed_user"] = observed
            texts.append(dumps(write(s.Enrollment, row)))
        else:
            texts.append(row_text(e, u, view, viewer.school))
    return json_response("[" + ",".join(texts) + "]", headers={"Link": links})


SORTED = Kept(64)  # a walk through a list, page by page, sorts it once


@lru_cache(maxsize=131072)
def _sort_name(user):
    """A version of a user's sortable name, as the list sorts it: kept, since
    every list sorted after a write would work each one out again (users
    are replaced, never changed, so a kept name is never stale)."""
    return sortable_name(user).casefold()


def _sort(rows, temporary=False):
    """Canvas's order: type, the user's sortable name, id; a temporary
    enrollments list goes by type, start_at, end_at, id (no time last)."""
    if temporary:
        keyed = sorted(((e.type, e.start_at or "~", e.end_at or "~", e.id), e, u)
                       for e, u in rows)
    else:
        keyed = sorted(((e.type, _sort_name(u), e.id), e, u) for e, u in rows)
    return keyed, [k for k, _, _ in keyed]


def _rows(course, section, user, p, me):
    if user is not None:
        rows = _user_rows(user, p, me)
        sis_allowed = me.administrator
        course_ids = {store().sections[e.realm_id].course_id for e, _ in rows}
    else:
        rows = _course_rows(course, section, p, me)
        sis_allowed = rights(course.id).read_sis
        course_ids = {course.id}
    rows = _filter(rows, p, sis_allowed)
    _grading_period(p, course_ids)
    return rows


def course_enrollments(course_id):
    return list_enrollments(course=find_course(course_id))


def section_enrollments(section_id):
    section = find_section(section_id)
    return list_enrollments(course=store().courses[section.course_id], section=section)


def user_enrollments(user_id):
    return list_enrollments(user=find_user(user_id))


# --- one enrollment -------------------------------------------------------------
def answer(enrollment):
    me = caller()
    return written(s.Enrollment,
                  enrollment_json(enrollment, **_keywords(Viewer(me, ())(enrollment))))


def show(account_id, enrollment_id):
    find_account(account_id)
    enrollment = _enrollment_by_id(enrollment_id)
    if enrollment.uid != caller().uid and not caller().administrator:
        raise forbidden()
    return answer(enrollment)


def _enrollment_by_id(value, course=None, deleted=True):
    """An enrollment by numeric id; in course if given; a deleted one only if deleted."""
    if number(value) is None:
        raise not_found()
    try:
        enrollment = store().find_enrollment(number(value))
    except NotFound:
        raise not_found() from None
    if course is not None and store().sections[enrollment.realm_id].course_id != course.id:
        raise not_found()
    if not deleted and enrollment.gone == "deleted":
        raise not_found()
    return enrollment


# --- create ------------------------------------------------------------------------
def _type_and_errors(given):
    """Canvas's checks of type, role and role_id, in its order."""
    errors = []
    kind = given.get("type") or None
    role = None
    if given.get("role_id") not in (None, ""):
        role = TYPE_OF_ROLE_ID.get(number(given["role_id"]))
    elif given.get("role") not in (None, ""):
        role = ROLES.get(given["role"])
    else:
        kind = kind or "StudentEnrollment"
        role = kind if kind in ROLES else None
        if role is None:
            errors.append(ERRORS["bad_type"])
    if role is not None:
        kind = kind or role
        if kind != role:
            errors.append(ERRORS["base_type_mismatch"])
    elif not errors:
        errors.append(ERRORS["bad_role"])
    if given.get("user_id") in (None, ""):
        errors.append(ERRORS["missing_user_id"])
    return kind, errors


def _invalid(field):
    """A model validation failure, as ActiveRecord's errors reach the client."""
    return CanvasError(400, {"errors": {field: [{"attribute": field, "type": "invalid",
                                                 "message": "invalid"}]}},
                       schema=s.InvalidRecord)


def create(course=None, section=None):
    p = params()
    given = p.get("enrollment")
    if not isinstance(given, dict) or not given:
        raise bad_request(message=ERRORS["missing_parameters"])
    given = scalars(given)
    if given.get("self_enrollment_code") not in (None, ""):
        errors = ["enrollment[self_enrollment_code] is invalid"]
        if given.get("user_id") != "self":
            errors.append("enrollment[user_id] must be 'self' when self-enrolling")
        raise bad_request(message=", ".join(errors))
    kind, errors = _type_and_errors(given)
    if errors:
        raise bad_request(message=", ".join(errors))
    if not rights(course.id).may_enroll(kind):
        raise forbidden()
    if section is None:
        if given.get("course_section_id") not in (None, ""):
            section = find_section(given["course_section_id"], course)
        else:  # the course's default section: its first
            sections = store().sections_of_course.get(course.id)
            if not sections:
                raise bad_request(message="Course has no open sections")
            section = store().sections[sections[0]]
    user = find_user(given["user_id"])
    fields = _enrollment_fields(given, kind)
    state = given.get("enrollment_state") or (
        "active" if kind == "ObserverEnrollment" else "invited")
    if state not in ("active", "invited", "inactive"):
        raise _invalid("workflow_state")
    enrollment, _ = store().enroll(section.id, user.uid, kind, STATUS_OF_STATE[state], **fields)
    return answer(enrollment)


def _enrollment_fields(given, kind):
    fields = {}
    for name in ("start_at", "end_at"):
        if given.get(name) not in (None, ""):
            fields[name] = parse_time(given[name])
            if fields[name] is None:
                raise _invalid(name)
    if fields.get("start_at") and fields.get("end_at") and fields["end_at"] < fields["start_at"]:
        raise _invalid("end_at")
    if "limit_privileges_to_course_section" in given:
        fields["limit_privileges_to_course_section"] = bool(
            boolean(given["limit_privileges_to_course_section"]))
    for name in ("associated_user_id", "temporary_enrollment_source_user_id"):
        value = given.get(name)
        if value in (None, "") or (name == "associated_user_id" and kind != "ObserverEnrollment"):
            continue
        if number(value) not in store().users:
            raise _invalid(name)
        fields[name] = number(value)
    pairing = given.get("temporary_enrollment_pairing_id")
    if pairing not in (None, ""):
        if number(pairing) not in store().pairings:
            raise _invalid("temporary_enrollment_pairing_id")
        fields["temporary_enrollment_pairing_id"] = number(pairing)
    return fields


def course_create(course_id):
    return create(course=find_course(course_id))


def section_create(section_id):
    section = find_section(section_id)
    return create(course=store().courses[section.course_id], section=section)


# --- changes -------------------------------------------------------------------------


def destroy(course_id, enrollment_id):
    course = find_course(course_id)
    enrollment = _enrollment_by_id(enrollment_id, course, deleted=False)
    task = scalars({"task": params().get("task")})["task"]
    # Canvas concludes for any task it does not know, as for none.
    changes = s.TASKS.get(task, s.TASKS["conclude"])
    if not rights(course.id).may_remove(enrollment):
        raise forbidden()

    def decide(old):
        if old.gone == "deleted":
            raise not_found()
        return changes

    return answer(store().change_enrollment(enrollment.id, decide))


def _own(course_id, enrollment_id):
    course = find_course(course_id)
    enrollment = _enrollment_by_id(enrollment_id, course, deleted=False)
    if enrollment.uid != caller().uid:
        raise forbidden()
    return enrollment


def accept(course_id, enrollment_id):
    enrollment = _own(course_id, enrollment_id)

    def decide(old):
        if old.state == "active":
            return None
        if old.state == "inactive":
            raise bad_request(error="membership not activated")
        if old.state not in ("invited", "rejected"):
            raise bad_request(error="no current invitation")
        return {"gone": None, "status": 1}  # a rejected invitation is invited again, and taken

    store().change_enrollment(enrollment.id, decide)
    return written(s.Success, {"success": True})


def reject(course_id, enrollment_id):
    enrollment = _own(course_id, enrollment_id)

    def decide(old):
        if old.state == "rejected":
            return None
        if old.state == "inactive":
            raise bad_request(error="membership not activated")
        if old.state != "invited":
            raise bad_request(error="no current invitation")
        return {"gone": "rejected"}

    store().change_enrollment(enrollment.id, decide)
    return written(s.Success, {"success": True})


def reactivate(course_id, enrollment_id):
    course = find_course(course_id)
    enrollment = _enrollment_by_id(enrollment_id, course, deleted=False)
    if not rights(course.id).may_remove(enrollment):
        raise forbidden()

    def decide(old):
        if old.state != "inactive":
            raise bad_request(error="enrollment not inactive")
        return {"status": 1}

    return answer(store().change_enrollment(enrollment.id, decide))


def last_attended(course_id, user_id):
    course = find_course(course_id)
    if not rights(course.id).grades:
        raise forbidden()
    when = parse_time(params().get("date"))
    if when is None:
        raise bad_request(message="Invalid date time input")
    if number(user_id) is not None:
        store().set_last_attended(store().sections_of_course.get(course.id, ()),
                                  number(user_id), when)
    return written(s.LastAttended, {"date": when})
