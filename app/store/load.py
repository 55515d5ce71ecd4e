"""Loading fixtures: a document (a file, or a dict) becomes validated records
by kind, and records become a Store. Every record and every cross-reference
is checked, and a bad document is refused whole with a message naming the
file, the record and the field.

Records are immutable, so the records a server started from are kept (not
the document) and a reset builds a new store of the same records."""
import ctypes
import gc
import json
import threading
from contextlib import contextmanager

from marshmallow import ValidationError

from .fixtures import _NOT_XML, KINDS, FixtureError, Text
from .quick import Unsure, checker, clean_text
from .references import check_references
from .store import Store
from .stream import NotJSON, top_level

CHECKERS = {kind: checker(schema, Text, _NOT_XML) for kind, schema in KINDS.items()}


class NotFixtures(FixtureError):
    """Not a fixture document at all: not JSON (not_json), or not an object,
    or an object with keys that are not the fixture lists."""

    def __init__(self, message, not_json=False):
        super().__init__(message)
        self.not_json = not_json


def read_file(path):
    """The records of the fixture file at path (a path, or a Traversable from
    importlib.resources, which has an open() of its own)."""
    try:
        with (path.open("rb") if hasattr(path, "open") else open(path, "rb")) as f:
            return read_open(f, str(path))
    except OSError as e:
        raise FixtureError(f"{path}: cannot read fixture file: {e.strerror}") from None


def read_open(f, source, limit=-1):
    """The records of the fixture document read from the open file f (at
    most limit bytes). Its bytes are held here alone, so that they can go
    before its records are made."""
    data = f.read(limit)
    text, clean = _decoded(data, source)
    del data  # a district's file: its bytes go before its records are made,
    records = _parse_text(text, clean, source)
    del text  # and its text before the references are checked
    return _checked(records, source)


def parse_json(data, source):
    """The records of the fixture document in data (JSON, as bytes), read one
    record at a time (stream.py)."""
    text, clean = _decoded(data, source)
    del data
    records = _parse_text(text, clean, source)
    del text
    return _checked(records, source)


def _decoded(data, source):
    """(the text of data, as json.loads reads bytes; whether it is clean: see
    quick.clean_text)."""
    clean = clean_text(data)
    try:
        return data.decode(json.detect_encoding(data), "surrogatepass"), clean
    except ValueError as e:
        raise NotFixtures(f"{source}: not valid JSON: {e}", not_json=True) from None


def _parse_text(text, clean, source):
    """The records of the document in text, not yet checked across (_checked)."""
    try:
        with _no_collection():
            return _collect(top_level(text), source, clean)
    except NotJSON as e:
        raise NotFixtures(f"{source}: not valid JSON: {e}", not_json=True) from None
    except TypeError:  # JSON, but not an object
        raise NotFixtures(f"{source}: a fixture document is a JSON object of lists") from None


def load_file(path, seed=0):
    """A Store holding the fixture file at path."""
    return store_of(read_file(path), seed=seed)


def build_store(document, source="fixtures", seed=0):
    """A Store holding the fixture document (a dict)."""
    return store_of(parse(document, source), seed=seed)


def store_of(records, seed=0):
    """A new Store holding the records (by kind, as parse gives them)."""
    store = Store(seed=seed)
    with _no_collection():
        store.add_records(**records)
    _trim()  # the last step of every load
    return store


def _heap_trimmer():
    try:
        return ctypes.CDLL(None).malloc_trim  # glibc's
    except (OSError, TypeError, AttributeError):
        return None


_malloc_trim = _heap_trimmer()


def _trim():
    """Give the C heap's free memory back to the system, where malloc_trim
    exists (glibc): what a load freed (a district's dicts, read one at a
    time, and its text) is otherwise kept by the process, the more so when
    the load ran in a request's thread (it has a heap of its own). A few
    milliseconds."""
    if _malloc_trim is not None:
        _malloc_trim(0)


def parse(document, source):
    """Validated records by kind, or FixtureError."""
    if not isinstance(document, dict):
        raise NotFixtures(f"{source}: a fixture document is a JSON object of lists")
    # iterators, as the stream's are: a refused kind is read on from where it stopped
    pairs = ((key, iter(value) if isinstance(value, list) else None)
             for key, value in document.items())
    with _no_collection():
        records = _collect(pairs, source, clean=False)
    return _checked(records, source)


def _collect(pairs, source, clean):
    """Records by kind from (key, items or None when not a list) pairs, in
    the document's order. The first problem in the kinds' order is the one
    reported, as when the kinds were read in that order; a key given twice
    counts once, the last time, as JSON readers take it."""
    records, problems, unknown = {}, {}, set()
    once = {}  # one object for each repeated value (quick.checker)
    for check in CHECKERS.values():
        check.anew()
    for key, items in pairs:
        if key not in KINDS:
            unknown.add(key)
            for _ in items or ():
                pass  # read through, to know the rest is JSON
            continue
        problems.pop(key, None)
        if items is None:
            problems[key] = f"{source}: {key!r} must be a list"
        else:
            records[key], problems[key] = _load_kind(key, items, source, clean, once)
    if unknown:
        raise NotFixtures(f"{source}: unknown top-level key {sorted(unknown)[0]!r} "
                          f"(expected {', '.join(KINDS)})")
    for kind in KINDS:
        if problems.get(kind):
            raise FixtureError(problems[kind])
    return {kind: records.get(kind, []) for kind in KINDS}


def _checked(records, source):
    """records, once their references are checked (references.py)."""
    with _no_collection():
        check_references(records, source, FixtureError)
    return records


def _load_kind(kind, items, source, clean, once):
    """(records, None), or (None, what is wrong with the first bad one)."""
    if hasattr(items, "decoded"):  # a file's array (stream.Array)
        loaded = _decoded_kind(kind, items, clean, once)
        if loaded is not None:
            return loaded, None
    loaded, check, schema = [], CHECKERS[kind], KINDS[kind]
    items = iter(items)
    for n, item in enumerate(items):
        if type(item) is dict:  # noqa: E721
            try:
                loaded.append(check(item, clean, once))
                continue
            except Unsure:
                pass  # to the schema, which makes the record or says what is wrong
        where = f"{source}: {kind}[{n}]"
        if not isinstance(item, dict):
            problem = f"{where}: a record must be an object"
        else:
            try:
                loaded.append(schema.load(item))
                continue
            except ValidationError as e:
                field, message = _first_field(e.normalized_messages())
                problem = f"{where}: field {field!r}: {message}"
        for _ in items:
            pass  # read through, to know the rest is JSON
        return None, problem
    return loaded, None


def _decoded_kind(kind, array, clean, once):
    """The records of a file's array of that kind, the array decoded at once
    and each object made a record as soon as it is read (the quick path's
    check as its object_hook): no dict outlives its record, and no Python
    loop walks the records. None unless every value of the array was an
    object the quick path made a record of, and none of the objects nested
    in them was (made a record of where a field holds an object, it would
    not be what the field is given): then the array is read again, one
    value at a time, for what the schema says of the first bad one."""
    check, record_class, made = CHECKERS[kind], KINDS[kind].record_class, 0

    def record(item):
        nonlocal made
        try:
            made_now = check(item, clean, once)
        except Exception:  # noqa: BLE001 (whatever it is, the reading again will say)
            return item
        made += 1
        return made_now

    records = array.decoded(record)
    if records is None or made != len(records) or records and set(map(type, records)) != {
            record_class}:
        return None
    return records


def _first_field(messages):
    """('canvas.type', message) for the first problem named, nested or not."""
    path = []
    while isinstance(messages, dict):
        key, messages = next(iter(messages.items()))
        path.append(str(key))
        while isinstance(messages, list):
            messages = messages[0]
    return ".".join(path), messages


_pausing = threading.Lock()
_pause = {"loads": 0, "restore": False}


@contextmanager
def _no_collection():
    """No cyclic garbage collection while a school loads: millions of new
    objects, none of them garbage, would set off collections that each walk
    every object made so far. Loads in other threads share the pause."""
    with _pausing:
        if _pause["loads"] == 0:
            _pause["restore"] = gc.isenabled()
            gc.disable()
        _pause["loads"] += 1
    try:
        yield
    finally:
        with _pausing:
            _pause["loads"] -= 1
            if _pause["loads"] == 0:
                # What was made goes to the oldest generation unexamined (frozen,
                # then unfrozen): it is not garbage, and the young collection it
                # would otherwise set off walks every object of the school.
                gc.freeze()
                gc.unfreeze()
                if _pause["restore"]:
                    gc.enable()
