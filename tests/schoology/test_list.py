"""GET /v1/{realm}/{id}/enrollments: paging, links, filters, types, XML shape."""
import json
import re

import pytest

from helpers import FORMATS, REALMS, SECTION, assert_same_data, xml_to_data

# Field names, order and JSON types of a list item, as in the reference sample.
# Beyond the sample, as real enrollments: use_preferred_first_name, and in
# sections cross_listed_section_school_code before the links.
LIST_ITEM = [("id", str), ("uid", str), ("school_uid", str), ("name_title", str),
             ("name_title_show", str), ("name_first", str), ("name_first_preferred", str),
             ("use_preferred_first_name", str), ("name_middle", str),
             ("name_middle_show", str), ("name_last", str), ("name_display", str),
             ("admin", int), ("status", str), ("picture_url", str), ("enrollment_source", int),
             ("links", dict)]


def list_item(realm):
    if realm == "group":
        return LIST_ITEM
    return LIST_ITEM[:-1] + [("cross_listed_section_school_code", str), LIST_ITEM[-1]]


def page(api, url, fmt="json"):
    response = api.get(url, fmt)
    assert response.status_code == 200, response.data
    return api.data(response, fmt)


@pytest.mark.parametrize("plural,realm_id,realm", REALMS)
def test_list_item_fields_order_and_types_match_the_reference(api, plural, realm_id, realm):
    data = page(api, f"/v1/{plural}/{realm_id}/enrollments?limit=200")
    assert list(data) == ["enrollment", "total", "links"]
    assert isinstance(data["total"], str) and int(data["total"]) == len(data["enrollment"])
    for item in data["enrollment"]:
        assert [(k, type(v)) for k, v in item.items()] == list_item(realm)
        assert item["links"] == {
            "self": f"http://localhost/v1/{plural}/{realm_id}/enrollments/{item['id']}"}
        assert item["admin"] in (0, 1) and item["status"] in "12345"


def test_json_is_php_style(api):
    body = api.get(f"/v1/sections/{SECTION}/enrollments?limit=1").data.decode()
    assert "http:\\/\\/localhost\\/v1\\/sections" in body
    assert ": " not in body and ", " not in body


def test_xml_matches_the_reference_layout(api):
    response = api.get(f"/v1/sections/{SECTION}/enrollments?limit=2&enrollment_status=1", "xml")
    assert response.headers["Content-Type"] == "text/xml; charset=UTF-8"
    text = response.data.decode()
    assert text.startswith('<?xml version="1.0" encoding="utf-8" ?>\n<result>\n  <enrollment>\n'
                           "    <id>")
    assert "    <name_first_preferred />\n" in text  # empty string -> <x />
    assert "&amp;start=0&amp;limit=2</self>" in text
    # element order inside each <enrollment>, and the tail of the document
    for block in re.findall(r"<enrollment>(.*?)</enrollment>", text, re.S):
        names = re.findall(r"^    <(\w+)", block, re.M)
        assert names == [name for name, _ in list_item("section")]
    assert re.search(r"</enrollment>\n  <total>17</total>\n  <links>\n    <self>[^<]+</self>\n"
                     r"    <next>[^<]+</next>\n  </links>\n</result>\n$", text)


@pytest.mark.parametrize("plural,realm_id,realm", REALMS)
@pytest.mark.parametrize("query", ["", "?enrollment_status=1,3&limit=5", "?type=admin",
                                   "?picture_size=tiny&start=3&limit=4"])
def test_json_and_xml_carry_the_same_data(api, plural, realm_id, realm, query):
    url = f"/v1/{plural}/{realm_id}/enrollments{query}"
    as_json, as_xml = page(api, url, "json"), page(api, url, "xml")
    assert_same_data(as_json, as_xml)


def test_default_page_is_20_and_next_only_when_more(api, big_store, app):
    app.extensions["schoology_store"] = big_store
    first = page(api, "/v1/sections/4000001/enrollments")
    assert len(first["enrollment"]) == 20 and first["total"] == "1234"
    assert first["links"]["self"].endswith("/enrollments?start=0&limit=20")
    assert first["links"]["next"].endswith("/enrollments?start=20&limit=20")
    last = page(api, "/v1/sections/4000001/enrollments?start=1220&limit=20")
    assert len(last["enrollment"]) == 14 and "next" not in last["links"]
    beyond = page(api, "/v1/sections/4000001/enrollments?start=5000")
    assert beyond["enrollment"] == [] and beyond["total"] == "1234"


def test_limit_is_capped_at_200(api, big_store, app):
    app.extensions["schoology_store"] = big_store
    data = page(api, "/v1/sections/4000001/enrollments?limit=500")
    assert len(data["enrollment"]) == 200
    assert data["links"]["next"].endswith("start=200&limit=200")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("query,expect", [
    ("", None), ("enrollment_status=2,4", lambda i: i % 5 in (1, 3)),
    ("type=admin", lambda i: i % 97 == 0), ("type=member&enrollment_status=5",
                                            lambda i: i % 97 and i % 5 == 4)])
def test_walking_next_links_adds_up_to_total(api, big_store, app, fmt, query, expect):
    """Follow links.next from the first page to the last: every row once, in
    id order, as many as total says, and only rows the filters admit."""
    app.extensions["schoology_store"] = big_store
    url = f"/v1/sections/4000001/enrollments?{query}&limit=37" if query else \
        "/v1/sections/4000001/enrollments?limit=37"
    seen, total, pages = [], None, 0
    while url:
        data = page(api, url.replace("http://localhost", ""), fmt)
        items = data.get("enrollment") or []
        total = int(data["total"])
        seen += [item["id"] for item in items]
        url = data["links"].get("next")
        pages += 1
        assert pages < 100
    assert len(seen) == len(set(seen)) == total
    assert [int(i) for i in seen] == sorted(int(i) for i in seen)
    expected = [80000000 + n * 7 for n in range(1234) if expect is None or expect(n)]
    assert [int(i) for i in seen] == expected


def test_links_repeat_the_callers_filters_before_paging(api):
    data = page(api, f"/v1/sections/{SECTION}/enrollments?start=1&uid=45552222,45552101"
                     "&enrollment_status=1&limit=1")
    assert data["links"]["self"] == (f"http://localhost/v1/sections/{SECTION}/enrollments"
                                     "?uid=45552222,45552101&enrollment_status=1&start=1&limit=1")
    assert data["total"] == "2" and "next" not in data["links"]


def test_uid_filter_takes_a_comma_list(api):
    data = page(api, f"/v1/sections/{SECTION}/enrollments?uid=45552222,45552101,999")
    assert sorted(i["uid"] for i in data["enrollment"]) == ["45552101", "45552222"]


def test_type_and_status_filters(api):
    admins = page(api, f"/v1/sections/{SECTION}/enrollments?type=admin")["enrollment"]
    # Mrs. Strickland teaches the section; Mr. Okonkwo is its TA (a Canvas
    # TaEnrollment, which Schoology sees as an admin).
    assert [i["uid"] for i in admins] == ["45552101", "45552136"]
    members = page(api, f"/v1/sections/{SECTION}/enrollments?type=member&limit=200")
    assert {i["admin"] for i in members["enrollment"]} == {0}
    both = page(api, f"/v1/sections/{SECTION}/enrollments?type=admin,member&limit=200")
    assert int(both["total"]) == int(members["total"]) + 2
    for status in "12345":
        items = page(api, f"/v1/sections/{SECTION}/enrollments?enrollment_status={status}")
        assert items["enrollment"] and {i["status"] for i in items["enrollment"]} == {status}


def test_picture_size_picks_the_imagecache_preset(api):
    url = f"/v1/sections/{SECTION}/enrollments?limit=1"
    reg = page(api, url)["enrollment"][0]["picture_url"]
    assert "/imagecache/profile_reg/" in reg
    for size in ("big", "sm", "tiny"):
        sized = page(api, f"{url}&picture_size={size}")["enrollment"][0]["picture_url"]
        assert sized == reg.replace("profile_reg", f"profile_{size}")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("query,field", [
    ("start=-1", "start"), ("start=x", "start"), ("limit=0", "limit"), ("limit=ten", "limit"),
    ("uid=12,abc", "uid"), ("enrollment_status=6", "enrollment_status"),
    ("type=teacher", "type"), ("picture_size=huge", "picture_size")])
def test_bad_parameters_get_400_naming_the_parameter(api, fmt, query, field):
    response = api.get(f"/v1/sections/{SECTION}/enrollments?{query}", fmt)
    assert response.status_code == 400
    message = (json.loads(response.data) if fmt == "json" else xml_to_data(response.data))
    assert isinstance(message, str) and message.startswith(f"{field}: ")


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_realm_ids_are_404_with_empty_body(api, fmt):
    for url in ("/v1/sections/1/enrollments", "/v1/groups/3719526/enrollments",
                "/v1/sections/abc/enrollments"):
        response = api.get(url, fmt)
        assert response.status_code == 404 and response.data == b""
        assert response.headers["Content-Type"].startswith(
            "text/xml" if fmt == "xml" else "application/json")


def test_realms_that_hold_no_enrollments_answer_403(api):
    response = api.get("/v1/courses/2091834501/enrollments")
    assert response.status_code == 403 and response.data == b""
