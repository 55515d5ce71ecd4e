"""A Schoology school read through its REST API (v1), as an administrator's
key reads it: the roles, the users, the grading periods, the courses and
each course's sections, the groups, and each section's and group's
enrollments in every status, each list followed by its links.next to the
end, 200 rows a page (the most Schoology serves)."""
from .walk import Walk, derived_display, sampled  # noqa: F401 (Walk: the type the walk is given)

LIMIT = 200
EVERY_STATUS = "1,2,3,4,5"  # active, expired, invite pending, request pending, archived
USER_FIELDS = ("uid", "school_uid", "name_title", "name_title_show", "name_first",
               "name_first_preferred", "name_middle", "name_middle_show", "name_last",
               "name_display", "picture_url", "role_id", "building_id", "username",
               "primary_email", "position", "gender", "grad_year")
COURSE_FIELDS = ("id", "course_code", "title", "department", "description", "credits",
                 "subject_area", "grade_level_range_start", "grade_level_range_end",
                 "building_id")
GROUP_FIELDS = ("id", "title", "description", "website", "category", "group_code", "building_id")
NUMBERS = {"uid", "id", "role_id", "building_id", "school_id", "course_id", "credits",
           "subject_area", "grade_level_range_start", "grade_level_range_end", "realm_id",
           "admin", "status", "faculty", "role_type", "name_title_show", "name_middle_show",
           "active"}


def walk(w, sample=None, seed=0):
    """Read the school into w.parts. sample: keep that many sections (drawn
    with seed) and read only their enrollments. Returns the sampled
    sections' ids, or None."""
    me = _administrator_role(w)
    w.progress.begin("roles")
    w.read_list("roles", "roles", lambda data, _: (_roles(data, me), None), required=True)
    w.progress.begin("users")
    w.read_list("users", _paged("users"), _page("user", lambda u: _user(w, u)), required=True)
    w.progress.begin("grading periods")
    w.read_list("grading_periods", _paged("gradingperiods"),
                _page("gradingperiods", _period), required=True)
    w.progress.begin("courses")
    w.read_list("courses", _paged("courses"), _page("course", _course), required=True)
    courses = [c["id"] for c in w.parts.records("courses")]
    w.read_lists("sections of courses", (
        (f"sections:{c}", _paged(f"courses/{c}/sections"),
         _page("section", lambda s, c=c: _section(s, c))) for c in courses))
    w.progress.begin("groups")
    w.read_list("groups", _paged("groups"), _page("group", _group), required=True)
    sections = [s["id"] for s in w.parts.records("sections")]
    groups = [] if sample is not None else [g["id"] for g in w.parts.records("groups")]
    if sample is not None:
        sections = sampled(sections, sample, seed)
    realms = [("section", s) for s in sections] + [("group", g) for g in groups]
    w.read_lists("enrollments of realms", (
        (f"enrollments:{r}:{i}",
         _paged(f"{r}s/{i}/enrollments", enrollment_status=EVERY_STATUS),
         _page("enrollment", lambda e, r=r, i=i: _enrollment(e, r, i))) for r, i in realms))
    return sections if sample is not None else None


def _paged(path, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{path}?{query + '&' if query else ''}start=0&limit={LIMIT}"


def _page(key, mapper):
    """A page reader: the page's rows under key, each made records by
    mapper; the next page is links.next."""
    def page(data, headers):
        rows = data.get(key) or [] if isinstance(data, dict) else []
        records = [pair for row in rows if isinstance(row, dict) for pair in mapper(row)]
        links = data.get("links") if isinstance(data, dict) else None
        return records, (links.get("next") or None) if isinstance(links, dict) else None
    return page


def _administrator_role(w):
    """The role of the key's owner (/v1/users/me), which is an administrator's:
    Schoology's roles do not say which of them administer."""
    me, _ = w.client.get("users/me")
    return _number(me.get("role_id")) if isinstance(me, dict) else None


def _roles(data, administrator):
    out = []
    for row in (data.get("role") or []) + (data.get("building_role") or []):
        role = _fields(row, ("id", "title", "faculty", "role_type"))
        if role.get("id") == administrator:
            role["administrator"] = True
        out.append(("roles", role))
    return out


def _user(w, row):
    user = _fields(row, USER_FIELDS)
    for key in ("gender", "position", "grad_year"):
        if user.get(key) is None:
            user.pop(key, None)
    if user.get("name_display") == derived_display(user):
        del user["name_display"]  # the usual: derived from the names, as the mock derives it
    out = [("users", w.person(user))]
    if user.get("building_id"):
        out.insert(0, ("buildings", _fields({"id": user["building_id"],
                                             "school_id": row.get("school_id")},
                                            ("id", "school_id"))))
    return out


def _period(row):
    return [("grading_periods", _fields(row, ("id", "title", "start", "end")))]


def _course(row):
    course = _fields(row, COURSE_FIELDS)
    out = [("courses", course)]
    if course.get("building_id"):
        out.insert(0, ("buildings", {"id": course["building_id"]}))
    return out


def _section(row, course_id):
    section = {"id": _number(row.get("id")), "course_id": course_id,
               "title": row.get("section_title") or "",
               **_fields(row, ("section_code", "section_school_code", "description",
                               "location", "active"))}
    periods = row.get("grading_periods") or []
    section["grading_periods"] = [_number(p) for p in
                                  (periods if isinstance(periods, list) else [periods])]
    return [("sections", section)] + _access_code(row, "section", section["id"])


def _group(row):
    group = _fields(row, GROUP_FIELDS)
    out = [("groups", group)] + _access_code(row, "group", group.get("id"))
    if group.get("building_id"):
        out.insert(0, ("buildings", {"id": group["building_id"]}))
    return out


def _access_code(row, realm, realm_id):
    code = row.get("access_code")
    if not code or not isinstance(code, str):
        return []
    return [("access_codes", {"realm": realm, "realm_id": realm_id, "code": code})]


def _enrollment(row, realm, realm_id):
    enrollment = _fields(row, ("id", "uid", "admin", "status"))
    enrollment.update(realm=realm, realm_id=realm_id)
    return [("enrollments", enrollment)]


def _fields(row, names):
    """The named fields of an API row, numbers as numbers; an empty or null
    number is left out (the record's default)."""
    out = {}
    for name in names:
        if name not in row:
            continue
        value = row[name]
        if name in NUMBERS:
            if value in (None, ""):
                continue
            value = _number(value)
        elif value is None:
            value = ""
        out[name] = value
    return out


def _number(value):
    """An API number (Schoology writes most as text) as an int; anything
    else as it is, for the fixture's check to refuse and report."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return value
