"""Fixture loading: the quick path (quick.py) decides as the schemas do, and
a file read record by record (stream.py) loads as its document does.

Generated documents (hypothesis) start from the demo school and change a few
fields of a few records to values near and far from what the field takes;
each is loaded three ways: as a dict with the quick path, as a dict by the
schemas alone, and as JSON text, compact or indented, with its keys in
another order. All three refuse it with the same message or make the same
store."""
import dataclasses
import json
import random

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from helpers import demo_document
from schoology_mock.store import FixtureError, build_store, load, parse_json, quick
from schoology_mock.store.fixtures import _NOT_XML, KINDS, Text

DEMO = demo_document()
VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.integers(10 ** 6, 10 ** 20),
    st.floats(allow_nan=False), st.sampled_from(
        ["", " 12 ", "12", "0", "1", "5", "-1", "1.5", "\u0663", "\u00b2", "9" * 31, "\x01",
         "a\x0bb", "\ufffe", "section", "group", "M", "X", "administrator", "45552222",
         "3719526", "StudentEnrollment", "TeacherEnrollment", "2026-08-24T15:00:00Z"]),
    st.lists(st.integers(0, 3), max_size=2), st.dictionaries(st.sampled_from(
        ["type", "enrollment_state", "x"]), st.sampled_from(["", "active", "TaEnrollment"]),
        max_size=2))


def outcome(load_it):
    try:
        return "store", load_it().export()
    except FixtureError as e:
        return "refused", str(e)


def schemas_only(document, monkeypatch):
    def unsure(item, clean=False, once=None):
        raise quick.Unsure
    unsure.anew = lambda: None
    with monkeypatch.context() as patch:
        patch.setattr(load, "CHECKERS", {kind: unsure for kind in KINDS})
        return outcome(lambda: build_store(document, source="school.json"))


def as_text(document, seed):
    """The document as JSON bytes, its top-level keys shuffled, compact or indented."""
    keys = list(document)
    random.Random(seed).shuffle(keys)
    reordered = {key: document[key] for key in keys}
    return json.dumps(reordered, indent=2 if seed % 2 else None,
                      ensure_ascii=bool(seed % 3)).encode()


PRESENT = sorted(kind for kind in KINDS if DEMO.get(kind))


def _as_numbers(document):
    """The document with its numbers as JSON numbers (the demo writes them as
    text, as Schoology does): the form the quick path takes as it is."""
    return {kind: [{key: int(value) if isinstance(value, str) and value.isdigit()
                    and key not in ("school_uid", "grad_year", "section_code", "course_code",
                                    "title", "code") else value
                    for key, value in record.items()} for record in records]
            for kind, records in document.items()}


NUMBERS = _as_numbers(DEMO)


@st.composite
def change(draw):
    """(kind, record, field, value): a field of the kind's schema (or an
    unknown one) of one of the demo's records, and a value for it."""
    kind = draw(st.sampled_from(PRESENT))
    field = draw(st.sampled_from(sorted(KINDS[kind].fields) + ["x"]))
    return kind, draw(st.integers(0, len(DEMO[kind]) - 1)), field, draw(VALUES)


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(changes=st.lists(change(), max_size=3), seed=st.integers(0, 10 ** 6),
       numbers=st.booleans())
def test_quick_path_schemas_and_text_load_alike(changes, seed, numbers, monkeypatch):
    document = json.loads(json.dumps(NUMBERS if numbers else DEMO))
    for kind, n, field, value in changes:
        document[kind][n][field] = value
    quick_dict = outcome(lambda: build_store(document, source="school.json"))
    assert quick_dict == schemas_only(document, monkeypatch)
    try:
        text = as_text(document, seed)
    except ValueError:  # a value JSON cannot write
        return
    assert outcome(lambda: load.store_of(parse_json(text, "school.json"))) == quick_dict


TRICKY = [None, True, False, 0, 1, 2, 5, 6, -1, 10 ** 20, 1.0, 1.5, "", " ", "0", "1", " 7 ",
          "-1", "1.5", "\u0663", "\u00b2", "9" * 31, "\x01", "\x0b", "\ufffe", "\t", "\u00e9",
          "section", "group", "M", "administrator", "StudentEnrollment", "2026-08-24T15:00:00Z",
          [], [1], {}, {"type": "TaEnrollment"}, {"enrollment_state": "rejected"}]


def _fields(record):
    """Each field's value and type (True == 1, but a bool is not an id)."""
    return {field.name: (type(getattr(record, field.name)), getattr(record, field.name))
            for field in dataclasses.fields(record)}


@pytest.mark.parametrize("kind", PRESENT)
def test_each_field_with_each_tricky_value_is_loaded_by_the_quick_path_as_by_its_schema(kind):
    """Whatever the quick path makes, the schema makes alike; what it is
    unsure of, the schema decides."""
    check, schema = load.CHECKERS[kind], KINDS[kind]
    made = 0
    for record in DEMO[kind][:2] + NUMBERS[kind][:2]:
        for field in [*schema.fields, "x"]:
            for value in TRICKY:
                item = dict(record, **{field: value})
                for clean in (False, True):
                    try:
                        quick_record = check(dict(item), clean and "\x01" not in str(value)
                                             and "\x0b" not in str(value)
                                             and "\ufffe" not in str(value))
                    except quick.Unsure:
                        continue
                    made += 1
                    assert _fields(quick_record) == _fields(schema.load(item)), (field, value)
    assert made > 0


@pytest.mark.parametrize("shapes", [1000, 2])
def test_records_listing_their_fields_in_other_orders_are_loaded_as_by_the_schema(
        shapes, monkeypatch):
    """The quick path makes a builder for each order of a record's keys, up to
    quick.SHAPES of them (then it converts each field): whatever the order,
    it makes what the schema makes."""
    monkeypatch.setattr(quick, "SHAPES", shapes)
    for kind in PRESENT:
        check, made = quick.checker(KINDS[kind], Text, _NOT_XML), 0
        for n, record in enumerate(NUMBERS[kind] + DEMO[kind]):
            keys = list(record)
            random.Random(n).shuffle(keys)
            item = {key: record[key] for key in keys}
            for clean in (False, True):
                try:
                    quick_record = check(dict(item), clean)
                except quick.Unsure:
                    continue
                made += 1
                assert _fields(quick_record) == _fields(KINDS[kind].load(item)), (kind, n)
        assert made > 0, kind


@pytest.mark.parametrize("nested", ["canvas", "grades"])
def test_an_object_nested_in_a_record_is_read_as_given_even_when_it_looks_like_a_record(
        nested, monkeypatch):
    """A file's array is decoded at once, each object made a record as it is
    read (nested ones first): one nested in a record, made a record too, is
    not what the record holds. The file is refused as its document is."""
    document = demo_document()
    lookalike = dict(NUMBERS["enrollments"][0])
    enrollment = document["enrollments"][1]
    enrollment["canvas"] = (lookalike if nested == "canvas"
                            else {"grades": {"current_score": lookalike}})
    text = json.dumps(document).encode()
    refused = outcome(lambda: load.store_of(parse_json(text, "school.json")))
    assert refused[0] == "refused" and "enrollments[1]: field 'canvas." in refused[1]
    assert refused == outcome(lambda: build_store(document, source="school.json"))
    assert refused == schemas_only(document, monkeypatch)


def test_a_loaded_record_shares_no_list_with_its_document():
    document = demo_document()
    # ids as numbers, as the quick path takes them as they are
    document["sections"] = [dict(s, grading_periods=list(map(int, s["grading_periods"])))
                            for s in NUMBERS["sections"]]
    store = build_store(document)
    periods = document["sections"][0]["grading_periods"]
    section = store.sections[document["sections"][0]["id"]]
    assert section.grading_periods == periods
    periods.append(12345)
    assert 12345 not in section.grading_periods


def test_the_first_problem_in_the_kinds_order_is_reported_whatever_the_files_order():
    document = demo_document()
    document["enrollments"][3]["status"] = 9
    document["users"][5]["uid"] = "x"
    text = json.dumps({"enrollments": document.pop("enrollments"), **document}).encode()
    with pytest.raises(FixtureError, match=r"users\[5\]: field 'uid'"):
        parse_json(text, "school.json")


def test_a_bad_record_then_broken_json_is_not_json():
    document = demo_document()
    document["users"][0]["uid"] = "x"
    text = json.dumps(document).encode()[:-2]
    with pytest.raises(FixtureError, match="school.json: not valid JSON: Expecting"):
        parse_json(text, "school.json")


def test_a_key_given_twice_counts_the_last_time():
    document = demo_document()
    users = json.dumps(document.pop("users"))
    text = ('{"users": [{"uid": "x"}], "users": ' + users + ", "
            + json.dumps(document)[1:]).encode()
    assert load.store_of(parse_json(text, "s")).export() == build_store(demo_document()).export()


@pytest.mark.parametrize("escape, refused", [("\\u0001", True), ("\\b", True), ("\\f", True),
                                             ("\\ufffe", True), ("\\t", False), ("\\u00e9", False),
                                             ("\\\\b", False)])
def test_text_xml_cannot_carry_is_refused_in_a_file_escaped_or_not(escape, refused):
    text = json.dumps(demo_document()).replace('"Karen"', f'"Ka{escape}ren"', 1).encode()
    assert b"Ka" + escape.encode() in text
    if refused:
        with pytest.raises(FixtureError, match="control character"):
            parse_json(text, "s")
    else:
        parse_json(text, "s")


@pytest.mark.parametrize("text, message", [
    (b"[]", "a fixture document is a JSON object of lists"),
    (b'{"users": {}}', "'users' must be a list"),
    (b'{"users": [], "pupils": []}', "unknown top-level key 'pupils'"),
    (b'{"users": [1]}', r"users\[0\]: a record must be an object"),
    (b'{"users": [}', "not valid JSON"),
    (b'{"users": []} x', "not valid JSON: Extra data"),
    (b"\xff\xfe{", "not valid JSON"),
])
def test_what_is_not_a_fixture_file_is_refused_with_its_reason(text, message):
    with pytest.raises(FixtureError, match=message):
        parse_json(text, "s")


# Ids, flags, statuses and counts as text: what the quick path reads as an int
# must be what the field reads, and anything else the field decides.
DIGITS = ["0", "1", "2", "5", "6", "7", "007", "0007", "00", "+7", "-7", "-0", " 7", "7 ", "7\n",
          "\u00a07", "1_000", "1.0", "1e3", "0x1f", "\u0663", "\u00b2", "\uff17", "7\u0663",
          "9" * 30, "0" * 29 + "1", "9" * 31, "1" + "0" * 40, "", " ", "45552222", True, False,
          1.0, -1, 0, None]


def _numbers_of(schema):
    """The names of the schema's whole-number fields and lists of them."""
    return [name for name, field in schema.fields.items()
            if isinstance(field, quick.Whole) or isinstance(getattr(field, "inner", None),
                                                            quick.Whole)]


@pytest.mark.parametrize("kind", PRESENT)
def test_ids_flags_and_statuses_given_as_text_are_read_by_the_quick_path_as_by_the_schema(kind):
    """Each whole-number field of each kind (an id, a flag, a status, a
    count, or a list of ids) given each value near a string of digits: the
    quick path makes the record the schema makes, or leaves the schema to
    decide; never a record the schema would refuse or make otherwise."""
    check, schema = load.CHECKERS[kind], KINDS[kind]
    made = 0
    for record in DEMO[kind][:2] + NUMBERS[kind][:2]:
        for field in _numbers_of(schema):
            listed = isinstance(schema.fields[field], quick.List)
            for value in DIGITS:
                for given in ([value], [value, "12"], ["12", value]) if listed else (value,):
                    item = dict(record, **{field: given})
                    try:
                        quick_record = check(dict(item), True)
                    except quick.Unsure:
                        continue
                    made += 1
                    assert _fields(quick_record) == _fields(schema.load(item)), (field, given)
    assert made > 0


def _as_text(record):
    """The record's plain fields, every number as text, as Schoology writes them."""
    return {key: str(value) if type(value) is int else value  # noqa: E721
            for key, value in record.items() if type(value) in (str, int, list)}


@pytest.mark.parametrize("kind", PRESENT)
def test_a_record_whose_ids_are_text_is_made_without_the_schema(kind, monkeypatch):
    """The demo's records, every id, flag and status as text, are made by the
    quick path's builder: neither field by field nor by the schema."""
    unsure = []
    real = quick._builder

    def watched(schema, keys, text, not_xml, converted):
        def converting(item, keep=None):
            unsure.append(item)
            return converted(item)
        return real(schema, keys, text, not_xml, converting)
    monkeypatch.setattr(quick, "_builder", watched)
    check = quick.checker(KINDS[kind], Text, _NOT_XML)
    for record in map(_as_text, DEMO[kind]):
        assert _fields(check(dict(record), True)) == _fields(KINDS[kind].load(record))
    assert not unsure


def test_equal_ids_given_as_text_are_kept_once():
    """An id many records repeat (a user's building, an enrollment's realm)
    given as text is one int object, as when given as a number."""
    check, once = load.CHECKERS["enrollments"], {}
    first, second = (check({"id": str(50 + n), "uid": "45552101", "realm": "section",
                            "realm_id": "1000000007", "admin": "0", "status": "1"}, True, once)
                     for n in range(2))
    assert (first.uid, first.realm_id, first.id) == (45552101, 1000000007, 50)
    assert first.uid is second.uid and first.realm_id is second.realm_id


def test_records_giving_their_keys_in_ever_other_orders_share_a_builder(monkeypatch):
    """A file whose records list their keys in ever new orders: one builder
    for the set of keys, whatever the orders (past quick.SHAPES of them),
    and each record what the schema makes."""
    built = []
    real = quick._builder

    def counted(schema, keys, *args):
        built.append(keys)
        return real(schema, keys, *args)
    monkeypatch.setattr(quick, "_builder", counted)
    monkeypatch.setattr(quick, "SHAPES", 4)
    check = quick.checker(KINDS["users"], Text, _NOT_XML)
    record = NUMBERS["users"][0]
    for n in range(50):
        keys = list(record)
        random.Random(n).shuffle(keys)
        item = {key: record[key] for key in keys}
        assert _fields(check(dict(item), True)) == _fields(KINDS["users"].load(item))
    assert built == [frozenset(record)]


def test_a_load_after_a_file_of_ever_new_key_orders_remembers_orders_again(monkeypatch):
    """Past quick.SHAPES orders, each record's set of keys is looked up; the
    next load remembers orders again, and loads as the schema does."""
    orders = len({tuple(user) for user in DEMO["users"]})  # the demo's own, a few
    monkeypatch.setattr(quick, "SHAPES", orders)
    monkeypatch.setattr(load, "CHECKERS", {kind: quick.checker(schema, Text, _NOT_XML)
                                           for kind, schema in KINDS.items()})
    document = demo_document()
    for n, user in enumerate(document["users"]):
        keys = list(user)
        random.Random(n).shuffle(keys)
        document["users"][n] = {key: user[key] for key in keys}
    shuffled = json.dumps(document).encode()
    expected = build_store(demo_document()).export()
    assert load.store_of(parse_json(shuffled, "s")).export() == expected
    assert None in load.CHECKERS["users"].orders.values()  # past counting
    assert load.store_of(parse_json(json.dumps(DEMO).encode(), "s")).export() == expected
    assert None not in load.CHECKERS["users"].orders.values()
    assert build_store(document).export() == expected


def test_a_run_of_repeated_ids_as_text_is_read_each_time_as_by_the_schema():
    """The last digits a builder read are kept with their int: other digits
    of the same number, or other text, are never taken for them."""
    check, schema = load.CHECKERS["enrollments"], KINDS["enrollments"]
    for n, realm_id in enumerate(["7", "7", "007", "7", " 7", "7", "\u0667", "7", "8", "7"]):
        item = {"id": str(50 + n), "uid": "45552101", "realm": "section", "realm_id": realm_id,
                "admin": "0", "status": "1"}
        try:
            made = check(dict(item), True)
        except quick.Unsure:
            assert realm_id in (" 7", "\u0667")  # the schema's to decide: " 7" is 7
            continue
        assert _fields(made) == _fields(schema.load(item)), realm_id
