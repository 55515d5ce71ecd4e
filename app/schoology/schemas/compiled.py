"""Fast forms of the schemas, compiled from them: a Loader applies an input
schema's fields without Schema.load's general machinery, a Renderer writes an
output schema's fields without Schema.dump's. The tests hold each to the
marshmallow result it stands for."""
from functools import lru_cache

from marshmallow import ValidationError, fields, missing

from ..formats import Prepared
from .inputs import PICTURE_SIZES
from .outputs import (EnrollmentCreatedOut, EnrollmentOut, SectionEnrollmentCreatedOut,
                      SectionEnrollmentOut)


class Loader:
    """Loads a flat dict exactly as schema_class().load would: the schema's own
    fields deserialize and validate each value, unknown keys are dropped, and
    the first bad field raises ValidationError({field: messages}). It skips
    Schema.load's general machinery (hooks, error collection), which these
    schemas do not use and which costs more than the fields themselves."""

    def __init__(self, schema_class):
        schema = schema_class()
        if schema._hooks and any(schema._hooks.values()):
            raise TypeError(f"{schema_class.__name__} has hooks; load it with Schema.load")
        self.fields = [(name, field) for name, field in schema.fields.items()]

    def load(self, data):
        loaded = {}
        for name, field in self.fields:
            value = data.get(name, missing)
            if value is missing:
                if field.load_default is not missing:
                    default = field.load_default
                    loaded[name] = default() if callable(default) else default
                elif field.required:
                    raise ValidationError({name: [field.error_messages["required"]]})
                continue
            try:
                loaded[name] = field.deserialize(value, name, data)
            except ValidationError as e:
                raise ValidationError({name: e.messages}) from None
        return loaded


def casts(schema_class):
    """(name, int or str) for each field of an output schema, in order."""
    spec = []
    for name, field in schema_class._declared_fields.items():
        if isinstance(field, fields.Integer):
            spec.append((name, int))
        elif isinstance(field, fields.String):
            spec.append((name, str))
        else:
            raise TypeError(f"{schema_class.__name__}.{name}: no fast form for {field}")
    return spec


class Dumper:
    """Dumps a dict exactly as schema_class().dump would: the schema's fields
    in order, each cast to its type, absent keys left out."""

    def __init__(self, schema_class):
        self.spec = casts(schema_class)

    def __call__(self, values):
        return {name: cast(values[name]) for name, cast in self.spec if name in values}


ENROLLMENT_ATTRS = frozenset(("id", "uid", "admin", "status", "enrollment_source",
                              "cross_listed_section_school_code"))


def picture_at(url, size):
    """Schoology serves each picture in imagecache presets profile_big, _reg,
    _sm and _tiny; picture_size picks one."""
    if size:
        for preset in PICTURE_SIZES:
            marker = f"/imagecache/profile_{preset}/"
            if marker in url:
                return url.replace(marker, f"/imagecache/profile_{size}/", 1)
    return url


def view(enrollment, user):
    """The flat object the output schemas read: enrollment fields, user fields."""
    source = {name: getattr(user, name) for name in EnrollmentOut._declared_fields
              if name not in ENROLLMENT_ATTRS}
    source.update({name: getattr(enrollment, name) for name in ENROLLMENT_ATTRS})
    return source


class Renderer:
    """Renders (enrollment, user) pairs exactly as schema().dump(view(...))
    would, field for field and type for type, at a fraction of the cost.
    prepared() keeps the most recently used rows with their encodings (see
    formats/prepared.py); records are immutable, so a kept row is never stale."""

    def __init__(self, schema_class, kept=4096):
        # Keyed on the collection's URL, one string for a whole page; each
        # row's own link is only built when the row is.
        self.prepared = lru_cache(maxsize=kept)(
            lambda enrollment, user, picture_size, collection_url:
            Prepared(self(enrollment, user, picture_size,
                          f"{collection_url}/{enrollment.id}")))
        self.spec = [(name, name in ENROLLMENT_ATTRS, cast)
                     for name, cast in casts(schema_class)]
        self.row = _row_maker(self.spec)

    def __call__(self, enrollment, user, picture_size=None, link=None):
        row = self.row(enrollment, user)
        if picture_size:
            row["picture_url"] = picture_at(row["picture_url"], picture_size)
        if link:
            row["links"] = {"self": link}
        return row


def _row_maker(spec):
    """One function building the row as a dict display, each field read and
    cast in place: a row no page has shown yet (a walk through a long list)
    costs about half what a loop over the spec costs."""
    parts = []
    for name, own, cast in spec:
        if not name.isidentifier():
            raise TypeError(f"no fast form for a field named {name!r}")
        parts.append(f"{name!r}: {cast.__name__}({'enrollment' if own else 'user'}.{name})")
    source = "def row(enrollment, user):\n    return {" + ", ".join(parts) + "}\n"
    scope = {"int": int, "str": str}
    exec(source, scope)  # noqa: S102 (built from the schema's own field names)
    return scope["row"]


render_group_enrollment = Renderer(EnrollmentOut)
render_section_enrollment = Renderer(SectionEnrollmentOut)


def render_enrollment(realm):
    """The renderer of a realm's enrollments ("section" or "group")."""
    return render_section_enrollment if realm == "section" else render_group_enrollment
_created = {"group": Renderer(EnrollmentCreatedOut),
            "section": Renderer(SectionEnrollmentCreatedOut)}


def render_created(realm):
    """The renderer of a create's answer in a realm ("section" or "group")."""
    return _created[realm]
