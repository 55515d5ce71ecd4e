"""The dashboard's pages through the test client: what a realm's search
finds, the lists paged, bodies formatted, the journal read while it fills."""
import re
import threading
import time

import pytest

from helpers import GROUP, SECTION, demo_document, free_users
from schoology_mock import create_app
from schoology_mock.toolkit.journal import Entry
from schoology_mock.store import build_store


def rows(page):
    return re.findall(r"<tr>\s*<td>(\d+)</td>", page.text)


@pytest.mark.parametrize("query, names", [
    ("strick", ["Karen Strickland"]),  # a part of the name, in any case
    ("  DYLAN ", ["Dylan Schmidt"]),
    ("S240101", ["Dylan Schmidt"]),  # a school uid, exactly
    ("45552222", ["Dylan Schmidt"]),  # a uid, exactly
    ("4555222", []),  # a part of a uid is not one
    ("s240101", []),  # nor a school uid in another case
    ("zzz", []),
])
def test_a_realms_search(app, query, names):
    page = app.test_client().get(f"/_mock/school/section/{SECTION}", query_string={"q": query})
    assert page.status_code == 200
    assert len(rows(page)) == len(names)
    for name in names:
        assert name in page.text
    assert f"{len(names)} enrollment" in page.text


def test_a_search_pages_its_matches_and_leaves_out_deleted_enrollments(big_store):
    app = create_app({"TESTING": True, "AUTH": "off"}, store=big_store)
    client = app.test_client()
    hall = "/_mock/school/section/4000001"
    found = client.get(hall, query_string={"q": "student12"})  # 12, 120..129, 1200..1233
    assert "45 enrollments" in found.text and len(rows(found)) == 20
    last = client.get(hall, query_string={"q": "student12", "page": 3})
    assert len(rows(last)) == 5 and not set(rows(found)) & set(rows(last))
    gone = int(rows(found)[0])
    assert client.delete(f"/v1/sections/4000001/enrollments/{gone}").status_code == 204
    again = client.get(hall, query_string={"q": "student12"})
    assert str(gone) not in rows(again) and "44 enrollments" in again.text
    assert gone in big_store.enrollments  # Canvas still reads it: the dashboard shows Schoology's


def test_a_realm_that_is_not_there_is_a_404(app):
    client = app.test_client()
    assert client.get("/_mock/school/section/1").status_code == 404
    assert client.get(f"/_mock/school/group/{SECTION}").status_code == 404
    assert client.get(f"/_mock/school/group/{GROUP}").status_code == 200


def test_courses_and_groups_are_paged_apart():
    doc = demo_document()
    doc["groups"] += [{"id": str(9_000_000 + n), "title": f"Club {n:03d}"} for n in range(60)]
    app = create_app({"TESTING": True}, store=build_store(doc))
    client = app.test_client()
    first = client.get("/_mock/")
    shown = re.findall(r"Club (\d{3})", first.text)
    second = client.get("/_mock/", query_string={"groups_page": 2})
    rest = re.findall(r"Club (\d{3})", second.text)
    groups = len(app.extensions["schoology_store"].groups)
    assert len(re.findall(r"/_mock/school/group/\d+", first.text)) == 50
    assert len(re.findall(r"/_mock/school/group/\d+", second.text)) == groups - 50
    assert not set(shown) & set(rest)
    assert 'href="?page=1&amp;groups_page=1"' in second.text  # courses keep their page


def test_a_page_of_the_school_is_50_sections_however_the_courses_hold_them():
    doc = demo_document()
    doc["courses"] += [{"id": "9100001", "course_code": "BIG", "title": "Lecture course"},
                       {"id": "9100002", "course_code": "NONE", "title": "Course to come"}]
    doc["sections"] += [{"id": str(9_200_000 + n), "course_id": "9100001",
                         "title": f"Lecture {n:02d}"} for n in range(70)]
    client = create_app({"TESTING": True}, store=build_store(doc)).test_client()
    pages = [client.get("/_mock/", query_string={"page": n}).text for n in (1, 2)]
    assert "page 2 of 2" in pages[1]
    sections = [re.findall(r"/_mock/school/section/\d+", p) for p in pages]
    lectures = [re.findall(r"Lecture (\d\d)", p) for p in pages]
    assert len(sections[0]) == 50 and len(sum(sections, [])) == len(doc["sections"])
    assert sorted(sum(lectures, [])) == [f"{n:02d}" for n in range(70)]  # each once
    assert all("Lecture course" in p for p in pages)  # named on each page it spans
    assert "Course to come" in "".join(pages) and "no sections" in "".join(pages)


def entry_page(app, path):
    client = app.test_client()
    listed = client.get("/_mock/journal")
    entry = re.search(r'href="/_mock/journal/(\d+)">\d+</a></td>\s*<td>[^<]*</td>'
                      r'<td>\w+</td>\s*<td><code>\w+ ' + re.escape(path), listed.text)
    return client.get(f"/_mock/journal/{entry.group(1)}").text


def test_xml_bodies_are_shown_indented(app, api):
    uid = free_users(app.extensions["schoology_store"], "section", SECTION, 1)[0]
    created = app.test_client().post(
        f"/v1/sections/{SECTION}/enrollments", headers={"Accept": "text/xml"},
        content_type="text/xml",
        data=f"<body><uid>{uid}</uid><admin>0</admin><status>1</status></body>")
    assert created.status_code == 201
    shown = entry_page(app, f"/v1/sections/{SECTION}/enrollments")
    assert f"&lt;body&gt;\n  &lt;uid&gt;{uid}&lt;/uid&gt;\n" in shown
    assert f"&lt;result&gt;\n  &lt;id&gt;" in shown


def test_form_bodies_are_shown_a_field_a_line(canvas_app, canvas):
    uid = free_users(canvas_app.extensions["schoology_store"], "section", SECTION, 1)[0]
    made = canvas.call("POST", f"sections/{SECTION}/enrollments",
                       data={"enrollment[user_id]": uid, "enrollment[type]": "StudentEnrollment"})
    assert made.status_code == 200
    shown = entry_page(canvas_app, f"/api/v1/sections/{SECTION}/enrollments")
    assert f"enrollment[user_id] = {uid}\nenrollment[type] = StudentEnrollment" in shown


def test_json_nested_deeper_than_python_reads_is_shown_as_sent(app):
    """A body of 1,500 nested lists fits the journal's 4 KiB; the json module
    of Python 3.12 and older cannot read it (3.13's can): the page shows it."""
    body = "[" * 1500 + "]" * 1500
    refused = app.test_client().post(f"/v1/sections/{SECTION}/enrollments", data=body,
                                     content_type="application/json")
    assert refused.status_code == 400
    shown = entry_page(app, f"/v1/sections/{SECTION}/enrollments")
    assert "[" * 1500 in shown or "[\n" + " " * 2 + "[" in shown


def test_the_journal_page_reads_while_requests_land(app):
    """The API adds to the journal from other threads while a page reads it."""
    journal = app.extensions["schoology_journal"]
    stop = threading.Event()

    def requests_land():
        deadline = time.monotonic() + 30
        while not stop.is_set() and time.monotonic() < deadline:
            journal.add(Entry(0, "schoology", "GET", "/v1/users", b"", None, 200, 1.0, "", ""))

    for _ in range(4000):  # a full journal, so that every read walks 5,000 entries
        journal.add(Entry(0, "schoology", "GET", "/v1/users", b"", None, 200, 1.0, "", ""))
    adder = threading.Thread(target=requests_land)
    adder.start()
    try:
        client = app.test_client()
        for _ in range(30):
            assert client.get("/_mock/journal?notes=1").status_code == 200
    finally:
        stop.set()
        adder.join()
