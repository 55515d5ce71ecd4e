"""The store on its own: the realm index against brute force, concurrency,
fixture validation, and the demo school."""
import json
import random
import threading

import pytest

from marshmallow import ValidationError

from schoology_mock.schoology.schemas import (BulkCreateRow, CourseImportRow, DeleteRow, Dumper, EnrollmentCreate,
                         EnrollmentCreatedOut, EnrollmentOut, EnrollmentUpdate, ListQuery,
                         Loader, MultiRealmRow, Renderer, SchoolCodeImportRow,
                         SectionEnrollmentCreatedOut, SectionEnrollmentOut, UpdateRow, view)
from schoology_mock.store import Conflict, FixtureError, build_store, load_file
from helpers import demo_document
from schoology_mock import DEMO_FIXTURES


def brute_force(store, realm_id, statuses, admins, uids):
    rows = sorted(e.id for e in store.enrollments.values()
                  if (e.realm, e.realm_id) == ("section", realm_id) and e.visible
                  and e.status in statuses and e.admin in admins
                  and (uids is None or e.uid in uids))
    return rows


def test_pages_match_brute_force_under_random_filters_and_writes(big_store):
    rng = random.Random(5)
    store, sid = big_store, 4000001
    uids = [e.uid for e in store.enrollments.values() if e.realm_id == sid]
    for round_ in range(300):
        # interleave writes so the buckets keep changing
        victim = rng.choice(store.realms[("section", sid)].all)
        if round_ % 3 == 0:
            store.update_enrollment("section", sid, victim, status=rng.randint(1, 5),
                                    admin=rng.randint(0, 1))
        elif round_ % 3 == 1:
            store.delete_enrollment("section", sid, victim)
        else:
            free = [u for u in uids if u not in store.realms[("section", sid)].members()]
            if free:
                store.create_enrollment("section", sid, rng.choice(free), 0, 1)
        statuses = tuple(sorted(rng.sample(range(1, 6), rng.randint(1, 5))))
        admins = tuple(sorted(rng.sample((0, 1), rng.randint(1, 2))))
        picked = set(rng.sample(uids, 40)) if rng.random() < 0.2 else None
        expected = brute_force(store, sid, statuses, admins, picked)
        start, limit = rng.randint(0, len(expected) + 5), rng.randint(1, 200)
        total, rows = store.list_enrollments("section", sid, start=start, limit=limit,
                                             statuses=statuses, admins=admins, uids=picked)
        assert total == len(expected)
        assert [e.id for e, _ in rows] == expected[start:start + limit]


def test_concurrent_creates_lose_nothing_and_enroll_each_user_once(big_store):
    store = big_store
    users = [u for u in store.users if u not in store.realms[("group", 1530027790)].members()]
    created, refused = [], []
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def worker(n):
        barrier.wait()
        # every worker tries every user: exactly one create per user may win
        for uid in users[n::2] + users[(n + 1)::2]:
            try:
                e, _ = store.create_enrollment("group", 1530027790, uid, 0, 1)
                with lock:
                    created.append(e)
            except Conflict:
                with lock:
                    refused.append(uid)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(e.uid for e in created) == sorted(users)
    assert len({e.id for e in created}) == len(created)
    index = store.realms[("group", 1530027790)]
    assert set(index.members()) >= set(users)
    total, _ = store.list_enrollments("group", 1530027790, limit=1)
    assert total == len(index.members())


def test_a_realm_finds_a_users_enrollments_whether_the_user_or_the_realm_holds_more():
    def enrollment(id_, uid, section):
        return {"id": id_, "uid": uid, "realm": "section", "realm_id": section, "admin": 0,
                "status": 1}
    store = build_store({
        "users": [{"uid": u} for u in (1, 2, 3, 4)], "courses": [{"id": 1}],
        "sections": [{"id": s, "course_id": 1} for s in (10, 11, 12)],
        "enrollments": [enrollment(100, 1, 10), enrollment(101, 1, 11), enrollment(102, 2, 11),
                        enrollment(103, 2, 12), enrollment(104, 1, 12), enrollment(105, 3, 11),
                        enrollment(106, 4, 11)]})
    store.delete_enrollment("section", 12, 104)  # Canvas still sees it: by_user keeps it
    found = {s: store.realms[("section", s)].of(1) for s in (10, 11, 12)}
    assert found == {10: (100,), 11: (101,), 12: ()}
    assert found == {s: store.realms[("section", s)].members().get(1, ()) for s in found}


def test_export_round_trips(store):
    store.update_user(45552222, name_display="Dylan S.")
    document = store.export()
    assert build_store(json.loads(json.dumps(document))).export() == document


def test_renderers_agree_with_marshmallow(store):
    for schema_class in (EnrollmentOut, EnrollmentCreatedOut, SectionEnrollmentOut,
                         SectionEnrollmentCreatedOut):
        fast, schema = Renderer(schema_class), schema_class()
        for e in store.enrollments.values():
            user = store.users[e.uid]
            assert fast(e, user) == schema.dump(view(e, user))


# --- fixtures ---------------------------------------------------------------
def test_the_demo_school_is_complete():
    doc = demo_document()
    assert len(doc["courses"]) >= 2 and len(doc["sections"]) >= 4 and len(doc["groups"]) >= 2
    assert len(doc["users"]) >= 60
    assert all(s["section_code"] and s["grading_periods"] for s in doc["sections"])
    assert {int(e["status"]) for e in doc["enrollments"]} == {1, 2, 3, 4, 5}
    assert {e["admin"] for e in doc["enrollments"]} == {0, 1}
    assert all(u["school_uid"] for u in doc["users"])
    coded = {(a["realm"], a["realm_id"]) for a in doc["access_codes"]}
    assert coded == {("section", s["id"]) for s in doc["sections"]} | \
        {("group", g["id"]) for g in doc["groups"]}
    load_file(DEMO_FIXTURES)  # and it loads


def broken(change):
    doc = demo_document()
    change(doc)
    return doc


@pytest.mark.parametrize("change,where", [
    (lambda d: d["users"][3].update(uid="abc"), "users[3]: field 'uid'"),
    (lambda d: d["users"][5].update(nickname="x"), "users[5]: field 'nickname'"),
    (lambda d: d["users"][6].update(name_last=7), "users[6]: field 'name_last'"),
    (lambda d: d["users"][7].update(uid=d["users"][8]["uid"]), "users[8]: field 'uid'"),
    (lambda d: d["users"][2].update(name_first="a\x07b"), "users[2]: field 'name_first'"),
    (lambda d: d["enrollments"][4].update(status="9"), "enrollments[4]: field 'status'"),
    (lambda d: d["enrollments"][4].update(admin=2), "enrollments[4]: field 'admin'"),
    (lambda d: d["enrollments"][4].update(realm="course"), "enrollments[4]: field 'realm'"),
    (lambda d: d["enrollments"][4].update(uid="1"), "enrollments[4]: field 'uid'"),
    (lambda d: d["enrollments"][4].update(realm_id="1"), "enrollments[4]: field 'realm_id'"),
    (lambda d: d["enrollments"][5].update(uid=d["enrollments"][4]["uid"]),
     "enrollments[5]: field 'uid'"),
    # a section's id is no group's, and a group's no section's
    (lambda d: d["enrollments"][6].update(realm="group"), "enrollments[6]: field 'realm_id'"),
    (lambda d: d["enrollments"][69].update(realm="section"), "enrollments[69]: field 'realm_id'"),
    (lambda d: d["enrollments"][70].update(uid=d["enrollments"][69]["uid"]),
     "enrollments[70]: field 'uid'"),
    (lambda d: d["enrollments"][7].update(canvas={"type": "ObserverEnrollment",
                                                  "associated_user_id": "9"}),
     "enrollments[7]: field 'canvas.associated_user_id'"),
    (lambda d: d["enrollments"][8].update(canvas={"temporary_enrollment_source_user_id": "9"}),
     "enrollments[8]: field 'canvas.temporary_enrollment_source_user_id'"),
    (lambda d: d["enrollments"][9].update(canvas={"temporary_enrollment_pairing_id": "9"}),
     "enrollments[9]: field 'canvas.temporary_enrollment_pairing_id'"),
    (lambda d: d["sections"][1].update(course_id="5"), "sections[1]: field 'course_id'"),
    (lambda d: d["sections"][1].update(grading_periods=["1"]),
     "sections[1]: field 'grading_periods'"),
    (lambda d: d["access_codes"][0].update(realm_id="1"), "access_codes[0]: field 'realm_id'"),
    (lambda d: d["groups"].append("x"), "groups[2]: a record must be an object"),
    (lambda d: d.update(teachers=[]), "unknown top-level key 'teachers'"),
])
def test_invalid_fixtures_name_the_file_record_and_field(tmp_path, change, where):
    path = tmp_path / "school.json"
    path.write_text(json.dumps(broken(change)))
    with pytest.raises(FixtureError) as e:
        load_file(path)
    assert str(e.value).startswith(f"{path}: {where}")


def test_unreadable_fixtures_name_the_file(tmp_path):
    path = tmp_path / "school.json"
    path.write_text("{ not json")
    with pytest.raises(FixtureError, match=f"{path}: not valid JSON"):
        load_file(path)
    with pytest.raises(FixtureError, match="missing.json: cannot read"):
        load_file(tmp_path / "missing.json")


def test_name_display_is_derived_when_absent():
    store = build_store({"users": [
        {"uid": 1, "name_first": "James", "name_last": "Howlett"},
        {"uid": 2, "name_title": "Dr.", "name_title_show": "1", "name_first": "Alan",
         "name_middle": "J.", "name_middle_show": 1, "name_last": "Feldman"},
        {"uid": 3, "name_first": "Elijah", "name_first_preferred": "Eli", "name_last": "Ray"},
        {"uid": 4, "name_first": "A", "name_last": "B", "name_display": "Chosen"}]})
    assert [store.users[u].name_display for u in (1, 2, 3, 4)] == [
        "James Howlett", "Dr. Alan J. Feldman", "Eli Ray", "Chosen"]


LOADER_CASES = {
    ListQuery: [{}, {"start": "5", "limit": "300", "x": "y"}, {"uid": "1,2,,3"},
                {"start": "-1"}, {"limit": "0"}, {"uid": "1,a"}, {"type": "admin,member"},
                {"type": "teacher"}, {"picture_size": "sm"}, {"enrollment_status": "1,6"},
                {"start": "a", "limit": "b"}],
    EnrollmentCreate: [{"uid": "1", "admin": "0", "status": "1"}, {"uid": 5, "admin": 1,
                       "status": 5, "extra": 1}, {}, {"uid": "1"}, {"uid": True, "admin": 0,
                       "status": 1}, {"uid": "1", "admin": "2", "status": "1"},
                       {"uid": "1", "admin": "0", "status": "1.0"}],
    EnrollmentUpdate: [{}, {"status": "2"}, {"admin": "x"}, {"uid": "4", "status": 3}],
}


@pytest.mark.parametrize("schema_class", list(LOADER_CASES), ids=lambda c: c.__name__)
def test_loaders_agree_with_marshmallow(schema_class):
    fast, schema = Loader(schema_class), schema_class()
    for data in LOADER_CASES[schema_class]:
        try:
            expected = schema.load(data)
        except ValidationError as e:
            with pytest.raises(ValidationError) as got:
                fast.load(data)
            first = next(iter(e.normalized_messages().items()))
            assert next(iter(got.value.normalized_messages().items())) == first
        else:
            assert fast.load(data) == expected


@pytest.mark.parametrize("schema_class", [BulkCreateRow, MultiRealmRow, CourseImportRow,
                                          SchoolCodeImportRow, UpdateRow, DeleteRow],
                         ids=lambda c: c.__name__)
def test_row_dumpers_agree_with_marshmallow(schema_class):
    fast, schema = Dumper(schema_class), schema_class()
    full = {"response_code": 200, "id": 54302505, "uid": "248101", "location": "http://x/1",
            "realm": "section", "realm_id": 3719526, "school_uid": "s2", "course_code": "CC106",
            "section_code": "", "section_school_code": "SC111", "error": "no user 9"}
    for values in (full, {"response_code": 404, "error": "gone"}, {"response_code": 200}):
        values = {k: v for k, v in values.items() if k in schema_class._declared_fields}
        assert fast(values) == schema.dump(values)
        assert list(fast(values)) == [k for k in schema_class._declared_fields if k in values]


def test_the_administrator_follows_role_changes(store):
    admin = store.administrator_uid()
    assert store.users[admin].role == "administrator"
    store.update_user(admin, role="", role_id=783211)  # a teacher now, in name and role
    assert store.administrator_uid() == store.default_uid()
    store.update_user(45552222, role="administrator")
    assert store.administrator_uid() == 45552222


def test_the_roster_dumper_agrees_with_marshmallow():
    from schoology_mock.schoology.schemas.roster import UserOut, dumper
    values = {"uid": 45552222, "id": "45552222", "school_id": "7", "synced": 0,
              "school_uid": "S1", "building_id": 9, "name_title_show": "1", "gender": None,
              "position": None, "grad_year": 2030, "parents": None, "child_uids": None,
              "send_message": True, "name_first": "Dylan", "not_a_field": 1}
    assert dumper(UserOut)(values) == UserOut().dump(values)
    assert list(dumper(UserOut)(values)) == list(UserOut().dump(values))


def _typed(value):
    """value with the type of every part, so that True and 1 differ."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return (type(value), value)


def test_the_compiled_export_writers_write_what_the_general_ones_do(store):
    """Users and enrollments (millions in a district) are exported by
    functions compiled from their fields: the same dicts, key for key, in the
    same order and with the same types, as record/kept_set/exported make, for
    every user and enrollment of the demo school and variants of each field."""
    from dataclasses import fields as fields_of, replace

    from schoology_mock.store import export
    from schoology_mock.store.records import CANVAS_FIELDS

    users = list(store.users.values())
    base = users[0]
    for fixed in (False, True):
        for password in ("", "secret"):
            users.append(replace(base, display_fixed=fixed, password=password))
    for name, default in export.ROSTER["users"].items():
        others = ("7", 7, "x") if isinstance(default, int) else ("x", "0", 0)
        for value in (default, str(default), *others):
            users.append(replace(base, **{name: value}))
    for u in users:
        general = export.kept_set(export.record(
            u, "display_fixed", *(() if u.display_fixed else ("name_display",)),
            *(() if u.password else ("password",))), "users")
        written = export.user(u)
        assert list(written) == list(general) and _typed(written) == _typed(general), u

    enrollments = list(store.enrollments.values())
    plain = next(e for e in enrollments if e.type == "StudentEnrollment" and not e.gone
                 and e.extras is export.NO_EXTRAS)
    active = next(e for e in enrollments if e.extras is not export.NO_EXTRAS)
    variants = {"gone": ("deleted", "rejected"), "type": ("TeacherEnrollment", "TaEnrollment",
                                                          "ObserverEnrollment", "StudentEnrollment"),
                "associated_user_id": (45552222,), "limit_privileges_to_course_section": (True,),
                "start_at": ("2026-08-24T15:00:00Z",), "end_at": ("2026-12-24T15:00:00Z",),
                "total_activity_time": (60,), "grades": ({"current_score": 90.5},),
                "temporary_enrollment_source_user_id": (45552222,),
                "temporary_enrollment_pairing_id": (3,), "created_at": ("2026-01-01T00:00:00Z",)}
    assert set(variants) >= set(CANVAS_FIELDS) - {"last_activity_at", "last_attended_at",
                                                  "updated_at"}
    for e in (plain, replace(plain, admin=1), active):
        for name, values in variants.items():
            enrollments += [replace(e, **{name: value}) for value in values]
    fast = 0
    for e in enrollments:
        general, written = export.exported(e), export.enrollment(e)
        assert list(written) == list(general) and _typed(written) == _typed(general), e
        fast += e.extras is export.NO_EXTRAS and not e.gone
    assert fast > 20  # the compiled core wrote some
    assert [f.name for f in fields_of(type(plain))][:6] == ["id", "uid", "realm", "realm_id",
                                                           "admin", "status"]
