"""The quick path of fixture loading: a district's fixture holds millions of
records, and marshmallow's per-record machinery costs tens of microseconds
each. For each schema, a checker is derived from its own fields: it takes the
plain forms (ints, digit strings, text, null where allowed) and, for any
other field, calls the field itself. A record it is not sure of goes to the
schema's load, which makes the record or names what is wrong: so the quick
path never decides anything differently from the schema."""
from marshmallow import ValidationError, validate

from ..fields import _Whole, whole


class Unsure(Exception):
    """The record is not plainly valid: let the schema decide."""


def checker(schema, text, not_xml):
    """check(item, clean) for the schema: the record the schema would load
    from item (a dict), or Unsure. text: the class of the text fields, and
    not_xml the pattern of the characters they refuse; clean: the caller
    knows that no text in the document holds one (see clean_text).

    Most fixtures give each field in its final form (ids as ints, text as
    text): such a record goes to the schema's post_load as it is, after a
    look at each value's type. Others have their fields converted one by one."""
    fields = schema.fields
    converters = {name: _converter(field, text, not_xml) for name, field in fields.items()}
    allowed = frozenset(fields)
    required = frozenset(name for name, field in fields.items() if field.required)
    plain = {True: _plain(schema, text, None), False: _plain(schema, text, not_xml)}
    make = schema.make  # the schema's post_load
    shared = getattr(schema, "shared", ())

    def check(item, clean=False, once=None):
        """once: a dict of values already seen, to keep one object of each of
        the schema's shared fields (equal values, fewer objects)."""
        keys = item.keys()
        if not (keys <= allowed and keys >= required):  # unknown or missing: the schema names it
            raise Unsure
        if plain[clean](item):
            data = item
            if once is not None:
                keep = once.setdefault
                for key in shared:
                    if key in keys:
                        data[key] = keep(data[key], data[key])
        else:
            data = {key: converters[key](value) for key, value in item.items()}
        try:
            return make(data)
        except ValidationError:
            raise Unsure from None
    return check


def _plain(schema, text, not_xml):
    """A function telling whether each field of a record is already what the
    schema would load it as (an int for a number, text for text, without
    what not_xml finds when given). It is written out as one expression, a
    test per field, since it runs once a record: a loop calling a function a
    field took twice as long."""
    names = {"search": not_xml.search if not_xml else None}
    tests = []
    for n, (name, field) in enumerate(schema.fields.items()):
        key = repr(name)
        if isinstance(field, _Whole) and not field.allow_none:
            if field.choices is None:
                tests.append(f"type(v := get({key}, {field.minimum})) is int "
                             f"and v >= {field.minimum}")
            else:
                names[f"c{n}"] = frozenset(field.choices)
                tests.append(f"type(v := get({key}, {min(field.choices)})) is int and v in c{n}")
        elif type(field) is text and not field.allow_none and not field.validators:
            tests.append(f"type(v := get({key}, '')) is str"
                         + (" and not search(v)" if not_xml else ""))
        elif (type(field) is text and not field.allow_none
              and [type(v) for v in field.validators] == [validate.OneOf]):
            choices = field.validators[0].choices
            names[f"c{n}"] = frozenset(choices)  # text with no character search() finds
            tests.append(f"type(v := get({key}, {next(iter(choices))!r})) is str and v in c{n}")
        else:
            tests.append(f"{key} not in item")  # any other field: converted
    source = f"def plain(item):\n    get = item.get\n    return ({' and '.join(tests)})\n"
    exec(compile(source, f"<plain {type(schema).__name__}>", "exec"), names)  # noqa: S102
    return names["plain"]


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
    if isinstance(field, _Whole):
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
