"""Records as the fixtures write them (GET /_mock/state, snapshots): ids as
text, roster fields only when set, an enrollment's Canvas fields only where
they differ from what Canvas would assume. Users and enrollments, millions
in a district, are written by functions compiled from their fields; the
tests hold each to the general form (record, kept_set, exported)."""
from dataclasses import fields
from typing import Optional

from .records import (CANVAS_FIELDS, COURSE_CANVAS, NO_EXTRAS, Course, Enrollment, Group,
                      Section, User, default_type)

# The roster fields of each kind, written out only when set, so that a
# document without them exports as it was loaded.
ROSTER = {kind: {f.name: f.default for f in fields(record) if f.name in names}
          for kind, record, names in (
              ("users", User, ("role_id", "building_id", "username", "primary_email", "position",
                               "gender", "grad_year")),
              ("courses", Course, ("department", "description", "credits", "subject_area",
                                   "grade_level_range_start", "grade_level_range_end",
                                   "building_id")),
              ("sections", Section, ("description", "location", "active")),
              ("groups", Group, ("description", "website", "category", "group_code",
                                 "building_id")))}

ID_KEYS = frozenset(("uid", "id", "course_id", "realm_id", "associated_user_id",
                     "temporary_enrollment_source_user_id", "temporary_enrollment_pairing_id",
                     "created_by_id", "deleted_by_id", "role_id", "building_id", "school_id"))
# Fields whose values are never a list or a dict: written as they are, not copied.
_SCALARS = (int, str, bool, Optional[int], Optional[str], Optional[bool])


def kept_set(out, kind):
    """out without the roster fields of its kind that hold their defaults."""
    defaults = ROSTER[kind]
    return {k: v for k, v in out.items()
            if k not in defaults or v not in (defaults[k], str(defaults[k]))}


_NAMES = {}  # record class -> its field names


def record(obj, *drop):
    """A record as the fixtures write it: its fields but those dropped, ids
    as text (as Schoology writes them), lists and dicts copied."""
    names = _NAMES.get(type(obj))
    if names is None:
        names = _NAMES[type(obj)] = tuple(f.name for f in fields(obj))
    out = {}
    for name in names:
        if name not in drop:
            value = getattr(obj, name)
            if name in ID_KEYS and value is not None:
                value = str(value)
            elif type(value) in (list, dict):
                value = type(value)(value)
            out[name] = value
    return out


def exported(enrollment):
    """An enrollment as the fixtures hold it: Schoology's fields, and a canvas
    object with whatever differs from what Canvas would assume."""
    out = record(enrollment, "gone", *CANVAS_FIELDS)
    canvas = {name: getattr(enrollment, name) for name, default in CANVAS_FIELDS.items()
              if getattr(enrollment, name) != default}
    if "grades" in canvas:
        canvas["grades"] = dict(canvas["grades"])
    if canvas.get("type") == default_type(enrollment.admin):
        del canvas["type"]
    for name in ID_KEYS & set(canvas):
        canvas[name] = str(canvas[name])
    if enrollment.gone:
        canvas["enrollment_state"] = enrollment.gone
    if canvas:
        out["canvas"] = canvas
    return out


def compiled(cls, drop=(), kind=None):
    """A function writing a record of cls as record(obj, *drop) does, and
    then kept_set(out, kind) when kind is given: the same dict, made by one
    statement a field instead of a loop asking of each name what to do."""
    defaults = ROSTER[kind] if kind else {}
    scope, lines = {"_COPY": (list, dict)}, ["def write(obj):", "    out = {}"]
    for n, f in enumerate(fields(cls)):
        if f.name in drop:
            continue
        lines.append(f"    v = obj.{f.name}")
        if f.name in ID_KEYS:
            lines.append("    if v is not None: v = str(v)")
        elif f.type not in _SCALARS:
            lines.append("    if type(v) in _COPY: v = type(v)(v)")
        if f.name in defaults:
            scope[f"d{n}"] = (defaults[f.name], str(defaults[f.name]))
            lines.append(f"    if v not in d{n}: out[{f.name!r}] = v")
        else:
            lines.append(f"    out[{f.name!r}] = v")
    lines.append("    return out")
    exec("\n".join(lines), scope)  # noqa: S102 (built from the record class's own fields)
    return scope["write"]


# A user's writer by (display_fixed, has a password): the display name is
# written only when chosen, the password only when there is one.
_USER_WRITERS = {(fixed, password): compiled(
    User, ("display_fixed", *(() if fixed else ("name_display",)),
           *(() if password else ("password",))), "users")
    for fixed in (False, True) for password in (False, True)}


def user(u):
    return _USER_WRITERS[bool(u.display_fixed), bool(u.password)](u)


_TYPE_DEFAULT = CANVAS_FIELDS["type"]
_enrollment_core = compiled(Enrollment, ("gone", *CANVAS_FIELDS))


def enrollment(e):
    """exported(e); most enrollments hold no Canvas field but their type,
    and that the one Canvas assumes: those are written by the compiled core."""
    if e.extras is NO_EXTRAS and e.gone is None and (
            e.type == _TYPE_DEFAULT or e.type == default_type(e.admin)):
        return _enrollment_core(e)
    return exported(e)


def course(c):
    """A course as the fixtures hold it: Canvas's fields in a canvas object,
    only those that differ from Canvas's defaults."""
    out = kept_set(record(c, *COURSE_CANVAS), "courses")
    canvas = {name: getattr(c, name) for name, default in COURSE_CANVAS.items()
              if getattr(c, name) != default}
    if "enrollment_term_id" in canvas:
        canvas["enrollment_term_id"] = str(canvas["enrollment_term_id"])
    if canvas:
        out["canvas"] = canvas
    return out


# The writer of each kind (record for those not named).
WRITERS = {
    "users": user,
    "courses": course,
    "sections": lambda s: kept_set(dict(record(s), grading_periods=[
        str(g) for g in s.grading_periods]), "sections"),
    "groups": lambda g: kept_set(record(g), "groups"),
    "enrollments": enrollment,
    "consumers": lambda c: record(c, *(() if c.callback else ("callback",))),
}
