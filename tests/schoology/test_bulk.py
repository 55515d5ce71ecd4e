"""The bulk endpoints: bulk create, across realms, imports, bulk update and
delete. Every one answers 207 with a row per item, in both formats."""
import json

import pytest

from helpers import (FORMATS, GROUP, SECTION, Api, assert_same_data, demo_document, enrolled,
                     free_users)
from schoology_mock import DEMO_FIXTURES, create_app
from schoology_mock.store import load_file

FALL, SPRING, FULL_YEAR = 812202, 812203, 812201


def envelope(*items):
    return {"enrollments": {"enrollment": list(items)}}


def rows_of(api, response, fmt):
    assert response.status_code == 207, response.data
    data = api.data(response, fmt)
    rows = data["enrollments"]["enrollment"]
    return rows if isinstance(rows, list) else [rows]


def same_in_both_formats(method, url, body):
    """Send the request to two fresh servers, one in JSON and one in XML: the
    answers carry the same data (ids match: same fixtures, same seed)."""
    answers = {}
    for fmt in FORMATS:
        app = create_app({"TESTING": True, "AUTH": "off"}, store=load_file(DEMO_FIXTURES))
        api = Api(app.test_client())
        response = api.call(method, url, fmt, body=body)
        answers[fmt] = (response.status_code, api.data(response, fmt))
    assert answers["json"][0] == answers["xml"][0]
    xml = answers["xml"][1]
    if isinstance(xml["enrollments"]["enrollment"], dict):  # one row in XML
        xml["enrollments"]["enrollment"] = [xml["enrollments"]["enrollment"]]
    assert_same_data(answers["json"][1], xml)
    return answers["json"][1]


# --- POST /v1/{realm}/{id}/enrollments (bulk) ----------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("plural,realm_id,realm", [("sections", SECTION, "section"),
                                                   ("groups", GROUP, "group")])
def test_bulk_create_rows_match_the_reference(api, store, fmt, plural, realm_id, realm):
    uids = free_users(store, realm, realm_id, 3)
    response = api.call("POST", f"/v1/{plural}/{realm_id}/enrollments", fmt,
                        body=envelope(*({"uid": str(u), "admin": "0", "status": "1"}
                                        for u in uids)))
    rows = rows_of(api, response, fmt)
    assert [r["response_code"] for r in rows] == ([200] * 3 if fmt == "json" else ["200"] * 3)
    for row, uid in zip(rows, uids):
        assert list(row) == ["response_code", "id", "uid", "location"]
        if fmt == "json":
            assert isinstance(row["id"], str) and row["uid"] == uid
        assert row["location"] == f"http://localhost/v1/{plural}/{realm_id}/enrollments/{row['id']}"
        assert store.enrollments[int(row["id"])].uid == uid


def test_bulk_create_same_data_in_json_and_xml(store):
    uids = free_users(store, "group", GROUP, 2)
    rows = same_in_both_formats("POST", f"/v1/groups/{GROUP}/enrollments", envelope(
        {"uid": uids[0], "admin": 1, "status": 1}, {"uid": "999", "admin": 0, "status": 1},
        {"uid": uids[1], "admin": 0, "status": 2}))["enrollments"]["enrollment"]
    assert [r["response_code"] for r in rows] == [200, 400, 200]


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_bad_item_does_not_sink_the_others(api, store, fmt):
    good = free_users(store, "section", SECTION, 2)
    enrolled = next(iter(store.realms[("section", SECTION)].members()))
    items = [{"uid": good[0], "admin": 0, "status": 1},
             {"uid": 999, "admin": 0, "status": 1},
             {"uid": enrolled, "admin": 0, "status": 1},
             {"uid": good[1], "admin": 0, "status": 9},
             {"uid": good[1], "admin": 1, "status": 4}]
    rows = rows_of(api, api.call("POST", f"/v1/sections/{SECTION}/enrollments", fmt,
                                 body=envelope(*items)), fmt)
    codes = [int(r["response_code"]) for r in rows]
    assert codes == [200, 400, 400, 400, 200]
    assert "999" in rows[1]["error"] and "already enrolled" in rows[2]["error"]
    assert rows[3]["error"].startswith("status: ")
    index = store.realms[("section", SECTION)]
    assert good[0] in index.members() and good[1] in index.members()
    assert store.enrollments[index.of(good[1])[0]].status == 4


def test_a_non_object_item_gets_its_own_row(api, store):
    uid = free_users(store, "group", GROUP, 1)[0]
    rows = rows_of(api, api.call("POST", f"/v1/groups/{GROUP}/enrollments",
                                 body=envelope("junk", {"uid": uid, "admin": 0, "status": 1})),
                   "json")
    assert [r["response_code"] for r in rows] == [400, 200]


@pytest.mark.parametrize("fmt", FORMATS)
def test_exactly_50_items_are_taken_and_51_refused_whole(api, app, big_store, fmt):
    app.extensions["schoology_store"] = store = big_store
    uids = free_users(store, "group", GROUP, 51)
    assert len(uids) == 51
    items = [{"uid": u, "admin": 0, "status": 1} for u in uids]
    before = store.export()
    refused = api.call("POST", f"/v1/groups/{GROUP}/enrollments", fmt, body=envelope(*items))
    assert refused.status_code == 400 and "At most 50" in api.data(refused, fmt)
    assert store.export() == before
    rows = rows_of(api, api.call("POST", f"/v1/groups/{GROUP}/enrollments", fmt,
                                 body=envelope(*items[:50])), fmt)
    assert len(rows) == 50 and {int(r["response_code"]) for r in rows} == {200}


def test_a_single_xml_enrollment_is_one_item(api, store):
    uid = free_users(store, "group", GROUP, 1)[0]
    xml = (f"<body><enrollments><enrollment><uid>{uid}</uid><admin>0</admin><status>1</status>"
           "</enrollment></enrollments></body>").encode()
    response = api.call("POST", f"/v1/groups/{GROUP}/enrollments", "xml", raw=xml,
                        headers={"Content-Type": "text/xml"})
    assert response.status_code == 207 and store.realms[("group", GROUP)].members().get(uid)


MALFORMED_BULK = [
    ("empty list", json.dumps(envelope())),
    ("enrollments not an object", json.dumps({"enrollments": [{"uid": 1}]})),
    ("no enrollment key", json.dumps({"enrollments": {"item": []}})),
    ("broken json", '{"enrollments": {"enrollment": [{"uid": 1}'),
    ("enrollments empty in xml", "<body><enrollments/></body>"),
    ("broken xml", "<body><enrollments><enrollment><uid>1</uid></enrollments></body>"),
]


@pytest.mark.parametrize("name,raw", MALFORMED_BULK, ids=[m[0] for m in MALFORMED_BULK])
@pytest.mark.parametrize("url", [f"/v1/sections/{SECTION}/enrollments", "/v1/enrollments",
                                 "/v1/enrollments/import/course",
                                 f"/v1/enrollments/import/course/{FALL}"])
def test_malformed_bulk_requests_are_refused_whole(api, store, name, raw, url):
    before = store.export()
    content_type = "text/xml" if raw.startswith("<") else "application/json"
    response = api.call("POST", url, raw=raw.encode(), headers={"Content-Type": content_type})
    assert response.status_code == 400
    assert isinstance(json.loads(response.data), str)
    assert store.export() == before


def test_bulk_create_in_an_unknown_realm_is_404(api, store):
    before = store.export()
    response = api.call("POST", "/v1/groups/1/enrollments",
                        body=envelope({"uid": 45552101, "admin": 0, "status": 1}))
    assert response.status_code == 404 and store.export() == before


# --- POST /v1/enrollments (across realms) ---------------------------------------------
def test_across_realms_rows_match_the_reference(api, store):
    section_user = free_users(store, "section", 3719541, 1)[0]
    group_user = free_users(store, "group", GROUP, 1)[0]
    body = envelope({"realm": "section", "section_id": 3719541, "status": 1, "admin": 1,
                     "uid": section_user},
                    {"realm": "group", "group_id": str(GROUP), "status": "1", "admin": "0",
                     "uid": str(group_user)})
    rows = rows_of(api, api.call("POST", "/v1/enrollments", body=body), "json")
    assert [list(r) for r in rows] == [["response_code", "location", "uid", "id", "realm",
                                        "realm_id"]] * 2
    assert rows[0]["realm"] == "section" and rows[0]["realm_id"] == "3719541"
    assert rows[1]["realm"] == "group" and rows[1]["realm_id"] == str(GROUP)
    assert rows[1]["uid"] == group_user and isinstance(rows[1]["id"], str)
    assert rows[1]["location"].endswith(f"/v1/groups/{GROUP}/enrollments/{rows[1]['id']}")
    assert store.enrollments[int(rows[0]["id"])].admin == 1


def test_across_realms_same_data_in_json_and_xml(store):
    uid = free_users(store, "group", GROUP, 1)[0]
    same_in_both_formats("POST", "/v1/enrollments", envelope(
        {"realm": "group", "group_id": GROUP, "uid": uid, "admin": 0, "status": 1},
        {"realm": "section", "section_id": 1, "uid": uid, "admin": 0, "status": 1},
        {"realm": "course", "section_id": 1, "uid": uid, "admin": 0, "status": 1}))


@pytest.mark.parametrize("fmt", FORMATS)
def test_across_realms_bad_items_get_their_own_rows(api, store, fmt):
    enrolled = next(iter(store.realms[("section", SECTION)].members()))
    body = envelope({"realm": "section", "section_id": 1, "uid": enrolled, "admin": 0,
                     "status": 1},
                    {"realm": "group", "uid": enrolled, "admin": 0, "status": 1},
                    {"realm": "course", "section_id": SECTION, "uid": enrolled, "admin": 0,
                     "status": 1},
                    {"realm": "section", "section_id": SECTION, "uid": enrolled, "admin": 0,
                     "status": 1})
    before = store.export()
    rows = rows_of(api, api.call("POST", "/v1/enrollments", fmt, body=body), fmt)
    assert [int(r["response_code"]) for r in rows] == [404, 400, 400, 400]
    assert "group_id" in rows[1]["error"] and "realm" in rows[2]["error"]
    assert "already enrolled" in rows[3]["error"]
    assert store.export() == before


@pytest.mark.parametrize("fmt", FORMATS)
def test_update_existing_turns_already_enrolled_into_an_update(api, store, fmt):
    index = store.realms[("section", SECTION)]
    uid, eid = next((u, e) for u, (e,) in ((u, index.of(u)) for u in index.members())
                    if store.enrollments[e].admin == 0)
    body = envelope({"realm": "section", "section_id": SECTION, "uid": uid, "admin": 1,
                     "status": 3})
    rows = rows_of(api, api.call("POST", "/v1/enrollments?update_existing=1", fmt, body=body),
                   fmt)
    assert int(rows[0]["response_code"]) == 200 and rows[0]["id"] == str(eid)
    assert (store.enrollments[eid].admin, store.enrollments[eid].status) == (1, 3)
    assert len(index) == len(store.realms[("section", SECTION)])


def test_update_existing_must_be_a_flag(api, store):
    before = store.export()
    response = api.call("POST", "/v1/enrollments?update_existing=yes",
                        body=envelope({"realm": "group", "group_id": GROUP, "uid": 1,
                                       "admin": 0, "status": 1}))
    assert response.status_code == 400 and store.export() == before


# --- the imports -----------------------------------------------------------------------
def school_uid(store, uid):
    return store.users[uid].school_uid


def section_enrollment(store, section_id, uid):
    held = store.realms[("section", section_id)].of(uid)
    return store.enrollments[held[0]] if held else None


@pytest.mark.parametrize("fmt", FORMATS)
def test_import_by_grading_period_creates_updates_and_deletes(api, store, fmt):
    newcomer = free_users(store, "section", SECTION, 1)[0]
    index = store.realms[("section", SECTION)]
    member = next(u for u in index.members() if store.enrollments[index.of(u)[0]].admin == 0)
    leaver = next(u for u in store.realms[("section", SECTION)].members()
                  if u not in (newcomer, member))
    items = [{"course_code": "MATH-101", "section_code": "P1",
              "school_uid": school_uid(store, newcomer), "admin": "1"},
             {"course_code": "MATH-101", "section_code": "P1",
              "school_uid": school_uid(store, member), "admin": "1"},
             {"course_code": "MATH-101", "section_code": "P1",
              "school_uid": school_uid(store, leaver), "delete": "1"}]
    rows = rows_of(api, api.call("POST", f"/v1/enrollments/import/course/{FALL},{SPRING}", fmt,
                                 body=envelope(*items)), fmt)
    assert [int(r["response_code"]) for r in rows] == [200, 200, 200]
    assert [list(r) for r in rows] == [["response_code", "location", "school_uid",
                                        "course_code", "section_code"]] * 3
    created = section_enrollment(store, SECTION, newcomer)
    assert (created.admin, created.status) == (1, 1)
    assert rows[0]["location"] == (f"http://localhost/v1/sections/{SECTION}/enrollments/"
                                   f"{created.id}")
    assert section_enrollment(store, SECTION, member).admin == 1
    assert section_enrollment(store, SECTION, leaver) is None
    assert rows[0]["school_uid"] == school_uid(store, newcomer)
    assert (rows[0]["course_code"], rows[0]["section_code"]) == ("MATH-101", "P1")


def test_import_targets_only_sections_spanning_the_periods(api, store):
    """English 9 P4 runs in the fall only; P2 runs the full year."""
    uid = free_users(store, "section", 3719603, 1)[0]
    item = {"course_code": "ENG-9", "section_code": "P4", "school_uid": school_uid(store, uid)}
    rows = rows_of(api, api.call("POST", f"/v1/enrollments/import/course/{SPRING}",
                                 body=envelope(item)), "json")
    assert rows[0]["response_code"] == 404 and "spans" in rows[0]["error"]
    assert section_enrollment(store, 3719603, uid) is None
    rows = rows_of(api, api.call("POST", f"/v1/enrollments/import/course/{FALL}",
                                 body=envelope(item)), "json")
    assert rows[0]["response_code"] == 200 and section_enrollment(store, 3719603, uid)


def test_import_bad_items_get_their_own_rows(api, store):
    enrolled = next(iter(store.realms[("section", SECTION)].members()))
    outsider = free_users(store, "section", SECTION, 1)[0]
    before = store.export()
    rows = rows_of(api, api.call("POST", f"/v1/enrollments/import/course/{FALL}", body=envelope(
        {"course_code": "MATH-101", "section_code": "P1", "school_uid": "nobody"},
        {"course_code": "MATH-999", "section_code": "P1",
         "school_uid": school_uid(store, enrolled)},
        {"course_code": "MATH-101", "section_code": "P1",
         "school_uid": school_uid(store, outsider), "delete": 1},
        {"course_code": "MATH-101", "school_uid": school_uid(store, enrolled)},
        {"course_code": "MATH-101", "section_code": "P1",
         "school_uid": school_uid(store, enrolled), "admin": "teacher"})), "json")
    assert [r["response_code"] for r in rows] == [400, 404, 404, 400, 400]
    assert "school_uid" in rows[0]["error"] and rows[3]["error"].startswith("section_code")
    assert store.export() == before


@pytest.mark.parametrize("path", ["1", "abc", f"{FALL},1", ","])
def test_import_with_unknown_grading_periods_is_404(api, store, path):
    before = store.export()
    response = api.call("POST", f"/v1/enrollments/import/course/{path}", body=envelope(
        {"course_code": "MATH-101", "section_code": "P1", "school_uid": "S240101"}))
    assert response.status_code == 404 and response.data == b""
    assert store.export() == before


def test_imports_never_reach_a_group(api, store):
    groups_before = {k: dict(v.members()) for k, v in store.realms.items() if k[0] == "group"}
    uid = free_users(store, "group", GROUP, 1)[0]
    for url, item in ((f"/v1/enrollments/import/course/{FALL}",
                       {"course_code": "Robotics Club", "section_code": "Robotics Club",
                        "school_uid": school_uid(store, uid)}),
                      ("/v1/enrollments/import/course",
                       {"section_school_code": str(GROUP), "school_uid": school_uid(store, uid)})):
        rows = rows_of(api, api.call("POST", url, body=envelope(item)), "json")
        assert rows[0]["response_code"] == 404
    assert {k: dict(v.members()) for k, v in store.realms.items() if k[0] == "group"} == \
        groups_before


def test_import_by_grading_period_same_data_in_json_and_xml(store):
    uid = free_users(store, "section", SECTION, 1)[0]
    same_in_both_formats("POST", f"/v1/enrollments/import/course/{FALL}", envelope(
        {"course_code": "MATH-101", "section_code": "P1", "school_uid": school_uid(store, uid)},
        {"course_code": "MATH-101", "section_code": 9, "school_uid": "nobody"}))


@pytest.mark.parametrize("fmt", FORMATS)
def test_import_by_section_school_code(api, store, fmt):
    newcomer = free_users(store, "section", 3719588, 1)[0]
    leaver = next(iter(store.realms[("section", 3719588)].members()))
    rows = rows_of(api, api.call("POST", "/v1/enrollments/import/course", fmt, body=envelope(
        {"section_school_code": "ENG9-P2-2026", "school_uid": school_uid(store, newcomer),
         "admin": "1"},
        {"section_school_code": "ENG9-P2-2026", "school_uid": school_uid(store, leaver),
         "delete": "1"},
        {"section_school_code": "NOPE", "school_uid": school_uid(store, leaver)})), fmt)
    assert [int(r["response_code"]) for r in rows] == [200, 200, 404]
    assert list(rows[0]) == ["response_code", "location", "school_uid", "section_school_code",
                             "course_code", "section_code"]
    assert rows[0]["course_code"] == "ENG-9" and rows[0]["section_code"] == ""
    assert section_enrollment(store, 3719588, newcomer).admin == 1
    assert section_enrollment(store, 3719588, leaver) is None


def test_import_by_section_school_code_same_data_in_json_and_xml(store):
    uid = free_users(store, "section", 3719588, 1)[0]
    same_in_both_formats("POST", "/v1/enrollments/import/course", envelope(
        {"section_school_code": "ENG9-P2-2026", "school_uid": school_uid(store, uid),
         "section_code": "P2"}))


# --- PUT /v1/{realm}/{id}/enrollments (bulk update) -------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_bulk_update_by_id(api, store, fmt):
    ids = sorted(store.realms[("section", SECTION)].all)[:2]
    rows = rows_of(api, api.call("PUT", f"/v1/sections/{SECTION}/enrollments", fmt,
                                 body=envelope(*({"id": str(i), "status": "2"} for i in ids))),
                   fmt)
    assert [list(r) for r in rows] == [["response_code", "id"]] * 2
    assert [r["id"] for r in rows] == [str(i) for i in ids]
    assert [store.enrollments[i].status for i in ids] == [2, 2]


def test_bulk_update_takes_the_docs_xml_with_uid(api, store):
    """The docs' XML example names each row by <uid>: the user's enrollment."""
    index = store.realms[("section", SECTION)]
    uids = list(index.members())[:2]
    xml = "<body><enrollments>" + "".join(
        f"<enrollment><uid>{u}</uid><status>2</status></enrollment>" for u in uids) + \
        "</enrollments></body>"
    response = api.call("PUT", f"/v1/sections/{SECTION}/enrollments", "xml", raw=xml.encode(),
                        headers={"Content-Type": "text/xml"})
    rows = rows_of(api, response, "xml")
    assert [r["id"] for r in rows] == [str(index.of(u)[0]) for u in uids]
    assert [store.enrollments[index.of(u)[0]].status for u in uids] == [2, 2]


def test_bulk_update_bad_rows(api, store):
    index = store.realms[("section", SECTION)]
    eid = index.all[0]
    before = store.export()
    rows = rows_of(api, api.call("PUT", f"/v1/sections/{SECTION}/enrollments", body=envelope(
        {"id": 1, "status": 2}, {"id": eid}, {"status": 2}, {"id": eid, "status": 7},
        {"uid": 999, "status": 2}, {"id": eid, "uid": 999, "status": 2})), "json")
    assert [r["response_code"] for r in rows] == [404, 400, 400, 400, 404, 400]
    assert store.export() == before


def test_bulk_update_same_data_in_json_and_xml(store):
    eid = store.realms[("group", GROUP)].all[0]
    same_in_both_formats("PUT", f"/v1/groups/{GROUP}/enrollments",
                         envelope({"id": eid, "admin": 1}, {"id": 5, "admin": 1}))


# --- DELETE /v1/enrollments?enrollment_ids= ---------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_bulk_delete(api, store, fmt):
    ids = store.realms[("group", GROUP)].all[:2]
    url = f"/v1/enrollments?enrollment_ids={ids[0]},{ids[1]},1,x"
    rows = rows_of(api, api.call("DELETE", url, fmt), fmt)
    assert [int(r["response_code"]) for r in rows] == [200, 200, 404, 400]
    assert [r["id"] for r in rows] == [str(ids[0]), str(ids[1]), "1", "x"]
    assert not any(enrolled(store, i) for i in ids)
    again = rows_of(api, api.call("DELETE", url, fmt), fmt)
    assert [int(r["response_code"]) for r in again] == [404, 404, 404, 400]


@pytest.mark.parametrize("query", ["", "?enrollment_ids=", "?enrollment_ids=,,",
                                   "?enrollment_ids=" + ",".join(str(n) for n in range(1, 52))])
def test_bulk_delete_refuses_no_ids_or_more_than_50(api, store, query):
    before = store.export()
    assert api.call("DELETE", f"/v1/enrollments{query}").status_code == 400
    assert store.export() == before


def test_bulk_delete_same_data_in_json_and_xml(store):
    ids = store.realms[("section", SECTION)].all[:3]
    same_in_both_formats("DELETE", f"/v1/enrollments?enrollment_ids={ids[0]},{ids[2]},7",
                         None)


# --- POST /v1/{realm}/{id}/accesscode ---------------------------------------------------
def access_code(store, realm, realm_id):
    return store.access_codes[(realm, realm_id)].code


@pytest.mark.parametrize("fmt", FORMATS)
def test_access_code_enrolls_the_calling_user(store, fmt):
    app = create_app({"TESTING": True, "AUTH": "off", "ACTING_UID": 45552222}, store=store)
    api = Api(app.test_client())
    code = access_code(store, "group", GROUP)
    response = api.call("POST", f"/v1/groups/{GROUP}/accesscode", fmt,
                        body={"access_code": code})
    assert response.status_code == 201
    joined = api.data(response, fmt)
    assert list(joined) == ["id", "uid", "school_uid", "name_title", "name_title_show",
                            "name_first", "name_first_preferred", "use_preferred_first_name",
                            "name_middle", "name_middle_show", "name_last", "name_display",
                            "admin", "status", "picture_url", "enrollment_source"]
    assert joined["uid"] == "45552222"
    if fmt == "json":
        assert joined["admin"] == 0 and joined["status"] == "1"
    enrollment = store.enrollments[int(joined["id"])]
    assert (enrollment.uid, enrollment.realm_id, enrollment.admin, enrollment.status) == \
        (45552222, GROUP, 0, 1)


def test_access_code_acts_as_the_administrator_when_auth_is_off(api, store):
    admin = next(u["uid"] for u in demo_document()["users"] if u.get("role") == "administrator")
    response = api.call("POST", f"/v1/groups/{GROUP}/accesscode",
                        body={"access_code": access_code(store, "group", GROUP)})
    assert response.status_code == 201 and json.loads(response.data)["uid"] == admin


@pytest.mark.parametrize("fmt", FORMATS)
def test_access_code_refusals(store, fmt):
    app = create_app({"TESTING": True, "AUTH": "off", "ACTING_UID": 45552222}, store=store)
    api = Api(app.test_client())
    enrolled_in = next(sid for (realm, sid), index in store.realms.items()
                       if realm == "section" and 45552222 in index.members())
    before = store.export()
    cases = [
        (f"/v1/groups/{GROUP}/accesscode", {"access_code": "WRONG-CODE"}, 400),
        (f"/v1/groups/{GROUP}/accesscode",
         {"access_code": access_code(store, "group", 1530027790)}, 400),
        (f"/v1/sections/{enrolled_in}/accesscode",
         {"access_code": access_code(store, "section", enrolled_in)}, 400),
        (f"/v1/groups/{GROUP}/accesscode", {}, 400),
        ("/v1/groups/1/accesscode", {"access_code": "X"}, 404),
    ]
    for url, body, status in cases:
        response = api.call("POST", url, fmt, body=body)
        assert response.status_code == status, (url, body, response.data)
    assert store.export() == before
