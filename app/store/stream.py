"""A fixture file read record by record. Decoded whole, a district's fixture
is millions of dicts at once: gigabytes, and the records made from them end up
scattered among the freed dicts, so the memory is never given back. Read one
record at a time, each dict is gone before the next is made.

The records are decoded by the json module's own scanner, so what is read is
what json.loads reads; only the object and arrays at the top are walked here.
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
    in turn, where items iterates over the key's array, decoding one value
    at a time (the caller reads them all, or none, before the next key), or
    is None when the value is not an array. Raises NotJSON when text is not
    JSON, and TypeError when it is JSON but not an object."""
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
                cursor = [position + 1]
                yield key, _items(text, cursor)
                position = cursor[0]
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


def _items(text, cursor):
    """The values of the array whose first value is at cursor[0]; leaves
    cursor[0] past its closing bracket."""
    position = _skip(text, cursor[0])
    if text.startswith("]", position):
        cursor[0] = position + 1
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
            cursor[0] = position + 1
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
