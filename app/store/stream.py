"""A fixture file read record by record. Decoded whole, a district's fixture
is millions of dicts at once: gigabytes, and the records made from them end up
scattered among the freed dicts, so the memory is never given back. Read one
record at a time, each dict is gone before the next is made.

The records are decoded by the json module's own scanner, so what is read is
what json.loads reads; only the object and arrays at the top are walked here.
An array may also be decoded in one call of the scanner, each record made
from its dict by an object_hook as soon as it is read (Array.decoded): no
Python loop between records, and still no dict kept.
"""
import json
import re
from json.scanner import make_scanner

_SPACE = re.compile(r"[ \t\n\r]*")
_SPACES = frozenset(" \t\n\r")
_scan = make_scanner(json.JSONDecoder())


class NotJSON(ValueError):
    """The text is not JSON; str() is the json module's own message."""


def top_level(text):
    """For the JSON object in text: yields (key, items) for each of its keys
    in turn, where items is the key's Array (the caller reads it whole before
    the next key), or None when the value is not an array. Raises NotJSON
    when text is not JSON, and TypeError when it is JSON but not an object."""
    position = _skip(text, 0)
    if not text.startswith("{", position):
        error = _json_error(text)
        if error is not None:
            raise error
        raise TypeError("not an object")
    position = _skip(text, position + 1)
    if text.startswith("}", position):
        position += 1
    else:
        while True:
            key, position = _value(text, position)
            if not isinstance(key, str):
                _whole(text)
            position = _skip(text, position)
            if not text.startswith(":", position):
                _whole(text)
            position = _skip(text, position + 1)
            if text.startswith("[", position):
                array = Array(text, position)
                yield key, array
                position = array.start + 1 if array.end is None else array.end
            else:
                position = _value(text, position)[1]  # decoded only to find its end
                yield key, None
            position = _skip(text, position)
            if text.startswith(",", position):
                position = _skip(text, position + 1)
            elif text.startswith("}", position):
                position += 1
                break
            else:
                _whole(text)
    if _skip(text, position) != len(text):
        _whole(text)


class Array:
    """An array of the text, read whole one way or the other: iterated, one
    value decoded at a time; or decoded() at once, its objects made into
    what the caller keeps as they are read. end: where the array ends, once
    read."""
    __slots__ = ("text", "start", "end")

    def __init__(self, text, start):
        self.text, self.start, self.end = text, start, None

    def __iter__(self):
        return _items(self.text, self.start + 1, self)

    def decoded(self, object_hook):
        """The array's values, decoded at once, each object in it (nested
        ones first) replaced by object_hook(the object) as it is read, as the
        json module's object_hook is; None when the json module does not read
        the array (then iterate over it, to know why)."""
        scan = make_scanner(json.JSONDecoder(object_hook=object_hook))
        try:
            values, self.end = scan(self.text, self.start)
        except (StopIteration, ValueError, RecursionError):
            return None
        return values


def _items(text, position, array):
    """The values of the array whose first value is at position; sets
    array.end past its closing bracket."""
    position = _skip(text, position)
    if text.startswith("]", position):
        array.end = position + 1
        return
    while True:
        value, position = _value(text, position)
        yield value
        # most files have a comma right after each record, and no space
        if text[position:position + 1] == ",":
            position += 1
            if text[position:position + 1] in _SPACES:
                position = _skip(text, position)
            continue
        position = _skip(text, position)
        if text.startswith(",", position):
            position = _skip(text, position + 1)
        elif text.startswith("]", position):
            array.end = position + 1
            return
        else:
            _whole(text)


def _skip(text, position):
    return _SPACE.match(text, position).end()


def _value(text, position):
    try:
        return _scan(text, position)
    except (StopIteration, ValueError, RecursionError):
        _whole(text)


def _whole(text):
    """Raise NotJSON with what the json module says of the whole text."""
    # never None: the same scanner reads both
    raise _json_error(text) or NotJSON("not read as the json module reads it")


def _json_error(text):
    """NotJSON with what the json module says of the whole text, or None
    when it reads it."""
    try:
        json.loads(text)
    except ValueError as e:
        return NotJSON(str(e))
    except RecursionError:
        return NotJSON("nested too deeply")
    return None
