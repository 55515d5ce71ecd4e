"""The quick path of fixture loading: a district's fixture holds millions of
records, and marshmallow's per-record machinery costs tens of microseconds
each. For each schema, a checker is derived from its own fields: it takes the
plain forms (ints, digit strings, text, null where allowed) and, for any
other field, calls the field itself. A record it is not sure of goes to the
schema's load, which makes the record or names what is wrong: so the quick
path never decides anything differently from the schema."""
from dataclasses import MISSING
from dataclasses import fields as dataclass_fields

from marshmallow import ValidationError, validate
from marshmallow.fields import List

from ..api.fields import Whole, whole


class Unsure(Exception):
    """The record is not plainly valid: let the schema decide."""


# Key orders kept a builder each; past this many (a file whose records list
# their keys in ever new orders), a record is converted field by field.
SHAPES = 256


def checker(schema, text, not_xml):
    """check(item, clean) for the schema: the record the schema would load
    from item (a dict), or Unsure. text: the class of the text fields, and
    not_xml the pattern of the characters they refuse; clean: the caller
    knows that no text in the document holds one (see clean_text).

    Most fixtures give each field in its final form (ids as ints, text as
    text), and every record of a kind with the same keys in the same order:
    for each such order, a builder (_builder) looks at each value's type and
    makes the record at once. Other records have their fields converted one
    by one, then go to the schema's post_load."""
    fields = schema.fields
    converters = {name: _converter(field, text, not_xml) for name, field in fields.items()}
    allowed = frozenset(fields)
    required = frozenset(name for name, field in fields.items() if field.required)
    make = schema.make  # the schema's post_load

    def converted(item, keep=None):
        try:
            return make({key: converters[key](value) for key, value in item.items()})
        except ValidationError:
            raise Unsure from None

    def unsure(item, keep=None):  # unknown or missing fields: the schema names them
        raise Unsure

    builders = {True: {}, False: {}}  # clean -> {keys in order: build(item, keep)}

    def check(item, clean=False, once=None):
        """once: a dict of values already seen, to keep one object of each of
        the schema's shared fields (equal values, fewer objects)."""
        keys = tuple(item)
        shapes = builders[clean]
        build = shapes.get(keys)
        if build is None:
            if not (allowed.issuperset(keys) and required.issubset(keys)):
                build = unsure
            elif len(shapes) < SHAPES:
                build = shapes[keys] = _builder(schema, keys, text, None if clean else not_xml,
                                                converted) or converted
            else:
                build = converted
        return build(item, (once if once is not None else {}).setdefault)
    return check


def _builder(schema, keys, text, not_xml, converted):
    """build(item, keep) for records giving keys, in that order, or None when
    a field among them is not one whose plain form is known. build makes the
    record as the schema's post_load would from item (each value already in
    its final form: an int for a number, text for text, without what not_xml
    finds when given), keeping each shared field's value as keep(value, value)
    gives it; or, when a value is not so, hands item to converted. It is
    written out as one function, a test per field, since it runs once a
    record: the tests, the record's making and its fields a line each."""
    record_class = schema.record_class
    names = {"search": not_xml.search if not_xml else None, "new": object.__new__,
             "cls": record_class, "converted": converted, **schema.quick_names}
    tests, given = [], {}
    for n, key in enumerate(keys):
        field, value = schema.fields[key], f"v{n}"
        given[key] = f"keep({value}, {value})" if key in schema.shared else value
        if isinstance(field, Whole) and not field.allow_none:
            if field.choices is None:
                tests.append(f"type({value}) is int and {value} >= {field.minimum}")
            else:
                names[f"c{n}"] = frozenset(field.choices)
                tests.append(f"type({value}) is int and {value} in c{n}")
        elif type(field) is text and not field.allow_none and not field.validators:
            tests.append(f"type({value}) is str"
                         + (f" and not search({value})" if not_xml else ""))
        elif (type(field) is text and not field.allow_none
              and [type(check) for check in field.validators] == [validate.OneOf]):
            # text with no character search() finds
            names[f"c{n}"] = frozenset(field.validators[0].choices)
            tests.append(f"type({value}) is str and {value} in c{n}")
        elif (type(field) is List and not field.allow_none and not field.validators
              and isinstance(field.inner, Whole) and field.inner.choices is None
              and not field.inner.allow_none and not field.inner.validators):
            # a list of ids, copied (a document's own list is never shared)
            tests.append(f"type({value}) is list and all(type(x) is int "
                         f"and x >= {field.inner.minimum} for x in {value})")
            given[key] = f"list({value})"
        else:
            return None  # converted, field by field
    if not keys or not hasattr(record_class, "__slots__"):
        return None
    derived = schema.quick_fields(frozenset(keys))
    if not set(given) <= {*record_class.__slots__, *derived}:
        return None  # a field kept otherwise (Enrollment's extras): make() is to say
    defaults = {f.name: f for f in dataclass_fields(record_class)}
    lines = [f"    {', '.join(f'v{n}' for n in range(len(keys)))}, = item.values()",
             f"    if not ({' and '.join(tests)}):",
             "        return converted(item)",
             "    r = new(cls)"]
    for name in record_class.__slots__:
        field = defaults.get(name)
        if name in given:
            value = given[name]
        elif name in derived:
            continue
        elif field is not None and field.default is not MISSING:
            names[f"d_{name}"] = field.default
            value = f"d_{name}"
        elif field is not None and field.default_factory is not MISSING:
            names[f"f_{name}"] = field.default_factory
            value = f"f_{name}()"
        else:
            return None  # a field the record must be given: make() is to say
        lines.append(f"    r.{name} = {value}")
    # then what post_load derives, from the record as it stands
    lines += [f"    r.{name} = {expression}" for name, expression in derived.items()]
    source = "def build(item, keep):\n" + "\n".join(lines) + "\n    return r\n"
    exec(compile(source, f"<build {type(schema).__name__}>", "exec"), names)  # noqa: S102
    return names["build"]


def clean_text(data):
    """Whether no string in the JSON text data (bytes) can hold a character
    that XML cannot carry: such a character can only come from an escape
    (\\u, \\b, \\f) or as U+FFFE/U+FFFF in UTF-8. False may be wrong (an escaped
    backslash before a b); True never is."""
    if b"\\" not in data and b"\xef" not in data:  # one fast pass each, the usual answer
        return True
    return not any(marker in data for marker in
                   (b"\\u", b"\\b", b"\\f", b"\xef\xbf\xbe", b"\xef\xbf\xbf"))


def _converter(field, text, not_xml):
    allow_none = field.allow_none
    validators = field.validators
    if isinstance(field, Whole):
        minimum, choices = field.minimum, field.choices

        def convert(value):
            if type(value) is not int:  # noqa: E721 (exactly int: never a bool)
                if value is None and allow_none:
                    return None
                value = whole(value)
                if value is None:
                    raise Unsure
            if value < minimum or (choices is not None and value not in choices):
                raise Unsure
            return value
    elif type(field) is text:
        search = not_xml.search

        def convert(value):
            if type(value) is not str:  # noqa: E721
                if value is None and allow_none:
                    return None
                raise Unsure
            if search(value):
                raise Unsure
            for validator in validators:
                try:
                    validator(value)
                except ValidationError:
                    raise Unsure from None
            return value
    else:
        def convert(value):
            try:
                return field.deserialize(value)
            except ValidationError:
                raise Unsure from None
    return convert
