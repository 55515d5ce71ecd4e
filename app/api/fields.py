"""marshmallow fields for the API's scalar types. Schoology accepts ids and
flags as JSON numbers or numeric strings (and XML gives only strings), so each
field takes either and yields an int."""
import re

from marshmallow import ValidationError, fields
from werkzeug.routing import BaseConverter

# Far past any id or count; Python will not even read a number of over 4,300 digits.
MAX_DIGITS = 30


def whole(text):
    """A whole number written in ASCII digits (no sign, not ², not ٣), of at
    most MAX_DIGITS; None for anything else."""
    if isinstance(text, str):
        text = text.strip()
        if text.isascii() and text.isdigit() and len(text) <= MAX_DIGITS:
            return int(text)
    return None


class IdConverter(BaseConverter):
    """<id:name> in a route: ASCII digits only (werkzeug's int takes any Unicode
    digit, and numbers too long to read)."""
    regex = rf"[0-9]{{1,{MAX_DIGITS}}}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


class RestConverter(BaseConverter):
    """<rest(a, b):name> in a route: any rest of a path, as <path:name>,
    except one that begins with a or b (paths other rows serve), which is
    then nobody's: a 404, not this route's answer."""
    part_isolating = False
    weight = 200

    def __init__(self, url_map, *served):
        super().__init__(url_map)
        self.regex = rf"(?!(?:{'|'.join(map(re.escape, served))})(?:/|$))[^/].*?"


class Whole(fields.Field):
    """A whole number given as an int or a string of digits; never a bool or
    float, which no real client sends for these fields."""
    choices = None
    minimum = 1
    message = "Not a valid number."

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ValidationError(self.message)
        number = value if isinstance(value, int) else whole(value)
        if number is None:
            raise ValidationError(self.message)
        if self.choices is not None and number not in self.choices:
            raise ValidationError(self.message)
        if number < self.minimum:
            raise ValidationError(self.message)
        return number

    def _serialize(self, value, attr, obj, **kwargs):
        return value

    def openapi(self):
        """The field as the document declares it: an integer; in a request
        body, its digits as a string too, as Schoology's own examples send
        ids and flags ("uid": "2461632", "admin": "0")."""
        if self.choices is not None:
            number = {"type": "integer", "enum": list(self.choices)}
            text = {"type": "string", "enum": [str(c) for c in self.choices]}
        else:
            number = {"type": "integer", "minimum": self.minimum}
            text = {"type": "string", "pattern": rf"^[0-9]{{1,{MAX_DIGITS}}}$"}
        if getattr(self.parent, "numbers_as_text", False):
            return {"oneOf": [number, text]}
        return number


class Id(Whole):
    message = "Not a valid id: expected a positive whole number."


class Count(Whole):
    minimum = 0
    message = "Not a valid count: expected a whole number."


class Flag(Whole):
    choices = (0, 1)
    minimum = 0
    message = "Must be 0 or 1."


class Status(Whole):
    choices = (1, 2, 3, 4, 5)
    message = ("Must be 1 (active), 2 (expired), 3 (invite pending), "
               "4 (request pending) or 5 (archived).")

    def openapi(self):
        return dict(super().openapi(), description=(
            "1 active, 2 expired, 3 invite pending, 4 request pending, 5 archived"))


class CommaList(fields.Field):
    """A query parameter holding a comma-delimited list (uid=1,2). Empty items
    are skipped; an empty list means the filter is absent."""

    def __init__(self, item, **kwargs):
        super().__init__(**kwargs)
        self.item = item

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError("Not a valid list.")
        try:
            items = [self.item.deserialize(part.strip()) for part in value.split(",")
                     if part.strip()]
        except ValidationError as e:
            raise ValidationError(e.messages) from None
        return items or None

    def openapi(self):
        """A comma-delimited list in one parameter (uid=1,2): a string, with
        the items' pattern."""
        item = self.item.openapi() if hasattr(self.item, "openapi") else {}
        choices = getattr(getattr(self.item, "validate", None), "choices", None)
        if choices:
            one = "|".join(re.escape(str(c)) for c in choices)
        elif "enum" in item:
            one = "|".join(re.escape(str(c)) for c in item["enum"])
        elif item.get("type") == "integer":
            one = "[0-9]+"
        else:
            one = "[^,]+"
        return {"type": "string", "pattern": rf"^\s*({one})\s*(,\s*({one})\s*)*$",
                "description": self.metadata.get("description", "comma-delimited")}


class Code(fields.String):
    """A code or external id (course_code, section_code, school_uid). JSON
    clients send numeric codes as numbers ("section_code": 34) as often as
    strings; Schoology takes both."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        text = super()._deserialize(value, attr, data, **kwargs)
        if not text.strip():
            raise ValidationError("Must not be empty.")
        return text.strip()

    def openapi(self):
        return {"type": "string", "minLength": 1, "pattern": r"\S"}
