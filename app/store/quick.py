"""The quick path of fixture loading: a district's fixture holds millions of
records, and marshmallow's per-record machinery costs tens of microseconds
each. For each schema, a checker is derived from its own fields: it takes the
plain forms (ints, digit strings, text, null where allowed) and, for any
other field, calls the field itself. A record it is not sure of goes to the
schema's load, which makes the record or names what is wrong: so the quick
path never decides anything differently from the schema."""
from dataclasses import MISSING
from dataclasses import fields as dataclass_fields
from operator import itemgetter

from marshmallow import ValidationError, validate
from marshmallow.fields import List

from ..api.fields import MAX_DIGITS, Whole, whole


class Unsure(Exception):
    """The record is not plainly valid: let the schema decide."""


# Sets of keys kept a builder each, and orders of keys remembered (each
# names its set's builder); past this many sets (a file whose records give
# ever other fields), a record is converted field by field, and past this many
# orders (a file whose records list their keys in ever new orders), each
# record's set is looked up, without its order, until the next load.
SHAPES = 256


def checker(schema, text, not_xml):
    """check(item, clean) for the schema: the record the schema would load
    from item (a dict), or Unsure. text: the class of the text fields, and
    not_xml the pattern of the characters they refuse; clean: the caller
    knows that no text in the document holds one (see clean_text).

    Most fixtures give each field in its final form (ids as ints, text as
    text), or ids as strings of digits, and every record of a kind with the
    same keys: for each set of keys, a builder (_builder) looks at each
    value's type and makes the record at once. Other records have their
    fields converted one by one, then go to the schema's post_load."""
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

    # clean -> {keys in order: build(item, keep)}, or None past SHAPES orders
    orders = {True: {}, False: {}}
    sets = {True: {}, False: {}}  # clean -> {frozenset of keys: build(item, keep)}

    def of_set(item, clean):
        """The builder for records giving item's keys (in any order)."""
        given = frozenset(item)
        shapes = sets[clean]
        build = shapes.get(given)
        if build is None:
            if not (allowed.issuperset(given) and required.issubset(given)):
                build = unsure
            elif len(shapes) < SHAPES:
                build = shapes[given] = _builder(schema, given, text, None if clean else not_xml,
                                                 converted) or converted
            else:
                build = converted
        return build

    def check(item, clean=False, once=None):
        """once: a dict of values already seen, to keep one object of each of
        the schema's shared fields (equal values, fewer objects)."""
        shapes = orders[clean]
        if shapes is None:  # orders past counting: each record's set looked up
            build = of_set(item, clean)
        else:
            keys = tuple(item)
            build = shapes.get(keys)
            if build is None:
                build = of_set(item, clean)
                if len(shapes) < SHAPES:
                    shapes[keys] = build
                else:
                    orders[clean] = None
        return build(item, (once if once is not None else {}).setdefault)

    def anew():
        """Orders remembered again (a load calls it first): the file that
        listed keys in ever new orders was another's."""
        for clean, shapes in list(orders.items()):
            if shapes is None:
                orders[clean] = {}
    check.anew, check.orders = anew, orders
    return check


def _builder(schema, keys, text, not_xml, converted):
    """build(item, keep) for records giving the fields named in keys (a set),
    in any order, or None when a field among them is not one whose plain form
    is known. build makes the record as the schema's post_load would from
    item (each value in its final form: an int for a number, text for text,
    without what not_xml finds when given; or each id, flag, status or count
    a string of ASCII digits, which the field reads as that int), keeping
    each shared field's value as keep(value, value) gives it; or, when a value
    is not so, hands item to converted. It is written out as one function, a
    test per field, since it runs once a record: the tests, the record's
    making and its fields a line each; the ids given as text are read by a
    second such function, to which the first hands the record."""
    record_class = schema.record_class
    names = {"search": not_xml.search if not_xml else None, "new": object.__new__,
             "cls": record_class, "converted": converted, "ids": _ids, **schema.quick_names}
    keys = [key for key in schema.fields if key in keys]  # one order for every order given
    tests, given, numbers = [], {}, []
    for n, key in enumerate(keys):
        field, value = schema.fields[key], f"v{n}"
        given[key] = f"keep({value}, {value})" if key in schema.shared else value
        if isinstance(field, Whole) and not field.allow_none:
            # a record's own id (its schema's first field) is never repeated
            numbers.append(_read_digits(field, value, n, names, key in schema.shared
                                        and key != next(iter(schema.fields))))
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
            numbers.append(f"    if type({value}) is list:\n        {value} = ids({value})")
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
    names["get"] = itemgetter(*keys)  # one value, or a tuple of them in that order
    unpack = f"    {', '.join(f'v{n}' for n in range(len(keys)))} = get(item)\n"
    defaults = {f.name: f for f in dataclass_fields(record_class)}
    lines = [f"    if not ({' and '.join(tests)}):", "        return UNSURE",
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
    body = "\n".join(lines) + "\n    return r\n"
    # The ids given as text, a second function: each read as its int, then the same.
    source = ("def build(item, keep):\n" + unpack + body.replace(
        "return UNSURE", "return as_text(item, keep)" if numbers else "return converted(item)"))
    if numbers:
        source += ("\n\ndef as_text(item, keep):\n" + unpack + "\n".join(numbers) + "\n"
                   + body.replace("return UNSURE", "return converted(item)"))
    exec(compile(source, f"<build {type(schema).__name__}>", "exec"), names)  # noqa: S102
    return names["build"]


def _read_digits(field, value, n, names, repeated):
    """The lines of a builder that read the Whole field's value (the
    variable named value) as its int when it is a string of ASCII digits,
    as the field does (whole), and leave any other value as it is. A flag's
    or a status's few strings are looked up; other digits are read, and, for
    a field whose values records repeat, the last ones read are kept with
    their int (a school lists a section's enrollments, or a building's
    users, one after another). The last digits and their int are one tuple,
    replaced whole: the builders of loads in other threads share it."""
    if field.choices is not None:
        names[f"t{n}"] = {str(choice): choice for choice in field.choices}
        return f"    if type({value}) is str:\n        {value} = t{n}.get({value}, {value})"
    digits = f"{value}.isascii() and {value}.isdigit() and len({value}) <= {MAX_DIGITS}"
    if not repeated:
        return f"    if type({value}) is str and {digits}:\n        {value} = int({value})"
    names[f"m{n}"] = [("", 0)]
    return (f"    if type({value}) is str:\n"
            f"        last = m{n}[0]\n"
            f"        if {value} == last[0]:\n"
            f"            {value} = last[1]\n"
            f"        elif {digits}:\n"
            f"            read = int({value})\n"
            f"            m{n}[0] = ({value}, read)\n"
            f"            {value} = read")


def _ids(values):
    """values (a list), each string of ASCII digits (not too long) read as
    its int, as an Id reads it; any other value as it is."""
    return [int(x) if type(x) is str and x.isascii() and x.isdigit()  # noqa: E721
            and len(x) <= MAX_DIGITS else x for x in values]


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
