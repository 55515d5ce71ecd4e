"""The roster around enrollments, read-only, as a roster extract reads it:
users, roles, courses and their sections, sections and groups.

Who sees what, as on Schoology: an administrator everything; anyone else
their own record, the users they share a section or group with, and the
realms they are in (others are 404, as if they did not exist); the course
list is for administrators (403 for others, as students get)."""
from datetime import datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import g

from ..api.context import store
from ..api.fields import whole
from .errors import APIError, error_response
from .formats import Prepared, empty, render
from .links import link, page_links
from .reading import load, query_pairs
from .schemas import MAX_LIMIT, Loader, PageQuery
from .schemas.roster import CourseOut, GroupOut, RoleOut, SectionOut, UserOut, dumper

TZ = "America/Los_Angeles"  # the school's, as Schoology gives each user's
COURSE_PICTURE = ("https://asset-cdn.schoology.com/sites/all/themes/schoology_theme/images/"
                  "course-default.svg")
GROUP_PICTURE = ("https://asset-cdn.schoology.com/sites/all/themes/schoology_theme/images/"
                 "group-default.svg")
SECTION_OPTIONS = {"weighted_grading_categories": "0", "upload_documents": "0",
                   "create_discussion": "0", "member_post": "1", "member_post_comment": "1",
                   "content_index_visibility": {"topics": 1, "assignments": 1,
                                                "assessments": 1, "documents": 1,
                                                "discussion": 1, "album": 1, "pages": 1}}
GROUP_OPTIONS = {"member_post": 1, "member_post_comment": 1, "create_discussion": 1,
                 "create_files": 0, "invite_type": 0}
MAX_SCHOOL_UIDS = 50

_page_query = Loader(PageQuery)
_role, _course = RoleOut(), CourseOut()
_dump_user = dumper(UserOut)
_section, _group = SectionOut(), GroupOut()


# --- paging and who may see what ---------------------------------------------------
def _paging(pairs):
    """(the query by name, start, limit) read as the enrollment lists read them."""
    given = dict(reversed(pairs))
    paging = load(_page_query, given)
    return given, paging["start"], min(paging["limit"], MAX_LIMIT)


def _page(key, items, total, start, limit, url, pairs, total_type=str):
    """Schoology's list: the items, total, and links."""
    return render({key: items, "total": total_type(total),
                   "links": page_links(url, pairs, start, limit, total)})


def me():
    """/v1/users/me, which a client asks to learn who it is: 303 See Other to
    /v1/users/{uid} (clients re-sign before following)."""
    response = empty(303)
    response.headers["Location"] = link(user, uid=g.identity.uid)
    return response


def _my_realms():
    return None if g.identity.administrator else store().realms_of(g.identity.uid)


def _visible_uids():
    """The uids the caller may read; None: all."""
    realms = _my_realms()
    if realms is None:
        return None
    return store().members_of_realms(realms) | {g.identity.uid}


def _ids(text, name):
    """A comma list of ids; None when it names none (no filter)."""
    ids = [whole(part) for part in text.split(",") if part.strip()]
    if None in ids:
        raise APIError(400, f"{name}: Not a valid id: expected a positive whole number.")
    return ids or None


def _building(given):
    building = given.get("building_id")
    if building in (None, ""):
        return None
    if whole(building) is None:
        raise APIError(400, "building_id: Not a valid id: expected a positive whole number.")
    return whole(building)


# --- users ---------------------------------------------------------------------------
def school_now():
    """The school's local time now, on the server's clock."""
    return datetime.fromtimestamp(store().clock(), timezone.utc).astimezone(ZoneInfo(TZ))


def _tz_offset():
    """The school's UTC offset in hours now (on the server's clock)."""
    return int(school_now().utcoffset().total_seconds() // 3600)


def _school_id(user):
    building = store().buildings.get(user.building_id)
    return building.school_id if building else 0


def user_json(user, single=False, tz_offset=None):
    return _user_row(user, _school_id(user), _tz_offset() if tz_offset is None else tz_offset,
                     single)


@lru_cache(maxsize=8192)
def _user_row(user, school_id, tz_offset, single):
    """One version of a user (records are replaced, never changed), written
    once with its encodings kept: a page of users joins kept rows."""
    out = {
        "uid": user.uid, "id": user.uid, "school_id": school_id,
        "synced": 0, "school_uid": user.school_uid, "building_id": user.building_id,
        "additional_buildings": "", "name_title": user.name_title,
        "name_title_show": user.name_title_show, "name_first": user.name_first,
        "name_first_preferred": user.name_first_preferred,
        "use_preferred_first_name": "1" if user.name_first_preferred else "0",
        "name_middle": user.name_middle, "name_middle_show": user.name_middle_show,
        "name_last": user.name_last, "name_display": user.name_display,
        "username": user.username, "primary_email": user.primary_email,
        "picture_url": user.picture_url, "gender": user.gender or None,
        "position": user.position or None, "grad_year": user.grad_year,
        "password": "",  # Schoology sends the field, always empty
        "role_id": user.role_id, "tz_offset": tz_offset,
        "tz_name": TZ, "parents": None, "child_uids": None, "language": "en"}
    if single:
        out["send_message"] = 1
    return Prepared(_dump_user(out))


def users():
    pairs = query_pairs()
    given, start, limit = _paging(pairs)
    role_ids = _ids(given.get("role_ids", ""), "role_ids")
    school_uids = [s.strip() for s in given.get("school_uids", "").split(",") if s.strip()]
    if len(school_uids) > MAX_SCHOOL_UIDS:
        raise APIError(400, f"school_uids: at most {MAX_SCHOOL_UIDS} at a time.")
    building_id = _building(given)
    total, found = store().users_page(start, limit, role_ids=role_ids and set(role_ids),
                                      school_uids=school_uids or None, building_id=building_id,
                                      among=_visible_uids())
    offset = _tz_offset()  # once a page: it reads the clock and the time zone
    return _page("user", [user_json(u, tz_offset=offset) for u in found], total, start, limit,
                 link(users), pairs)


def user(uid):
    """A user's record. A personal key (two-legged, no access token) reads
    only its owner's unless the owner is an administrator: Schoology answers
    any other 401 with no body (its restriction of June 2025). A user's
    access token reads whoever shares a realm with them, as before."""
    found, me = store().get_user(uid), g.identity
    personal = me.token is None and not me.administrator
    visible = {me.uid} if personal else _visible_uids()
    if visible is not None and uid not in visible:
        return error_response(401)
    return render(user_json(found, single=True).data)


def by_school_uid(school_uid):
    """/v1/users/ext/{school_uid}: 303 to the user, as /v1/users/me does."""
    uid = store().uid_by_school_uid.get(school_uid)
    if uid is None:
        return empty(404)
    response = empty(303)
    response.headers["Location"] = link(user, uid=uid)
    return response


def user_sections(uid):
    """The sections a user is enrolled in (schoolopy's get_sections)."""
    store().get_user(uid)
    if not g.identity.administrator and uid != g.identity.uid:
        return error_response(401)
    mine = sorted(rid for realm, rid in store().realms_of(uid) if realm == "section")
    return render({"section": [section_json(store().sections[s], listed=True) for s in mine]})


# --- roles -----------------------------------------------------------------------------
def role_json(found, listed=False):
    out = {"id": found.id, "title": found.title, "faculty": found.faculty,
           "role_type": found.role_type}
    if listed:
        out["links"] = {"self": link(role, role_id=found.id)}
    return _role.dump(out)


def roles():
    """Every role; not paged, as on Schoology. Building (override) roles are
    role_type 2."""
    held = sorted(store().roles.values(), key=lambda r: r.id)
    return render({"role": [role_json(r, True) for r in held if r.role_type == 1],
                   "building_role": [role_json(r, True) for r in held if r.role_type == 2]})


def role(role_id):
    found = store().roles.get(role_id)
    if found is None:
        return empty(404)
    return render(role_json(found))


# --- courses and sections ---------------------------------------------------------------
def course_json(course):
    return _course.dump({
        "id": course.id, "title": course.title, "course_code": course.course_code,
        "department": course.department, "description": course.description,
        "credits": course.credits, "subject_area": course.subject_area,
        "grade_level_range_start": course.grade_level_range_start,
        "grade_level_range_end": course.grade_level_range_end, "synced": 0,
        "building_id": str(course.building_id or "")})


def courses():
    if not g.identity.administrator:
        return empty(403)
    pairs = query_pairs()
    given, start, limit = _paging(pairs)
    total, found = store().courses_page(start, limit, _building(given))
    return _page("course", [course_json(c) for c in found], total, start, limit,
                 link(courses), pairs)


def _find_course(course_id):
    found = store().courses.get(course_id)
    realms = _my_realms()
    sections = store().sections_of_course.get(course_id, [])
    if found is None or (realms is not None
                         and not any(("section", s) in realms for s in sections)):
        raise APIError(404)
    return found


def course(course_id):
    return render(course_json(_find_course(course_id)))


def section_json(found, listed=False):
    course = store().courses[found.course_id]
    building = store().buildings.get(course.building_id)
    out = {
        "id": found.id, "course_title": course.title, "course_code": course.course_code,
        "course_id": found.course_id, "school_id": building.school_id if building else "",
        "building_id": course.building_id or "",
        "access_code": store().access_code_of("section", found.id),
        "section_title": found.title, "section_code": found.section_code,
        "section_school_code": found.section_school_code, "synced": "0",
        "active": found.active, "description": found.description}
    if not listed:
        out.update(subject_area=str(course.subject_area),
                   grade_level_range_start=str(course.grade_level_range_start),
                   grade_level_range_end=str(course.grade_level_range_end))
    out.update(parent_id=None, grading_periods=list(found.grading_periods),
               profile_url=COURSE_PICTURE, location=found.location, meeting_days=[""],
               start_time="", end_time="", class_periods="", weight="0",
               options=SECTION_OPTIONS)
    if listed:
        own = store().enrollment_of("section", found.id, g.identity.uid)
        out["links"] = {"self": link(section, "sections", realm_id=found.id)}
        out["admin"] = 1 if g.identity.administrator or (own and own.admin) else 0
    return _section.dump(out)


def course_sections(course_id):
    found = _find_course(course_id)
    pairs = query_pairs()
    _, start, limit = _paging(pairs)
    realms = _my_realms()
    ids = [s for s in store().sections_of_course.get(found.id, [])
           if realms is None or ("section", s) in realms]
    page = [section_json(store().sections[s], listed=True) for s in ids[start:start + limit]]
    return _page("section", page, len(ids), start, limit,
                 link(course_sections, course_id=found.id), pairs)


def _find_realm(kind, realm_id):
    table = store().sections if kind == "section" else store().groups
    found = table.get(realm_id)
    realms = _my_realms()
    if found is None or (realms is not None and (kind, realm_id) not in realms):
        raise APIError(404)
    return found


def section(realm_id, rest=None):
    """GET /v1/sections/{id}; any path under it that Schoology does not know
    answers the section too, as the real API does."""
    return render(section_json(_find_realm("section", realm_id)))


# --- groups ------------------------------------------------------------------------------
def group_json(found, listed=False):
    building = store().buildings.get(found.building_id)
    out = {"id": found.id, "title": found.title, "description": found.description,
           "website": found.website, "access_code": store().access_code_of("group", found.id),
           "category": found.category, "options": GROUP_OPTIONS, "group_code": found.group_code,
           "privacy_level": "everyone", "picture_url": GROUP_PICTURE,
           "school_id": building.school_id if building else "",
           "building_id": found.building_id or ""}
    if listed:
        out["links"] = {"self": link(group, "groups", realm_id=found.id)}
    return _group.dump(out)


def groups():
    pairs = query_pairs()
    given, start, limit = _paging(pairs)
    realms = _my_realms()
    among = None if realms is None else {rid for kind, rid in realms if kind == "group"}
    total, found = store().groups_page(start, limit, among, _building(given))
    # Schoology types this list's total as an integer, unlike the others.
    return _page("group", [group_json(x, True) for x in found], total, start, limit,
                 link(groups), pairs, total_type=int)


def group(realm_id, rest=None):
    return render(group_json(_find_realm("group", realm_id)))
