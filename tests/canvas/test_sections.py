"""GET /api/v1/courses/:course_id/sections: canvasapi's Course.get_sections,
unchanged, walking the Link pages; the order, the includes, search_term and
who may list them."""
import re

import pytest
import requests
from canvasapi import Canvas
from canvasapi.exceptions import BadRequest

from helpers import (ALGEBRA, CANVAS_ADMIN, CANVAS_OBSERVER, CANVAS_STUDENT, ENGLISH,
                     demo_document)
from schoology_mock.store import build_store

DOC = demo_document()


def sections_of(course_id):
    """The demo school's sections of a course, by name then id, as Canvas sorts."""
    found = [s for s in DOC["sections"] if int(s["course_id"]) == int(course_id)]
    return sorted(found, key=lambda s: (s["title"].casefold(), int(s["id"])))


def students_in(server, section_id, states=None):
    """The uids of the section's student enrollments that are not gone (in
    states, if given), as the store holds them."""
    store = server.app.extensions["schoology_store"]
    return sorted(e.uid for e, _ in store.section_enrollments([int(section_id)])
                  if e.type == "StudentEnrollment" and e.visible
                  and (states is None or e.state in states))


def test_canvasapi_walks_every_page_in_canvass_order(server):
    course = Canvas(server.url, CANVAS_ADMIN).get_course(ALGEBRA)
    listed = list(course.get_sections(include=["total_students"], per_page=1))
    expected = sections_of(ALGEBRA)
    assert len(expected) >= 2  # more than one page at per_page=1
    assert [(s.id, s.name, s.course_id) for s in listed] == \
        [(int(s["id"]), s["title"], ALGEBRA) for s in expected]
    assert [s.total_students for s in listed] == \
        [len(students_in(server, s.id, ("active", "invited"))) for s in listed]
    assert any(s.total_students for s in listed)
    assert all(s.sis_section_id for s in listed)  # an admin reads SIS ids


def test_numbered_pages_in_the_link_header(server):
    url = f"{server.url}/api/v1/courses/{ALGEBRA}/sections"
    auth = {"Authorization": f"Bearer {CANVAS_ADMIN}"}
    first = requests.get(url, params={"per_page": 1}, headers=auth, timeout=10)
    rels = dict((rel, page) for page, rel in re.findall(
        r'[?&]page=(\w+)&per_page=1>; rel="(\w+)"', first.headers["Link"]))
    last = len(sections_of(ALGEBRA))
    assert rels == {"current": "1", "next": "2", "first": "1", "last": str(last)}
    final = requests.get(url, params={"per_page": 1, "page": last}, headers=auth, timeout=10)
    assert 'rel="next"' not in final.headers["Link"] and f'page={last - 1}&per_page=1>; ' \
        'rel="prev"' in final.headers["Link"]
    whole = requests.get(url, params={"all": 1, "per_page": 1}, headers=auth, timeout=10)
    assert "Link" not in whole.headers and len(whole.json()) == last


def test_students_with_their_pictures_and_search_term(server):
    course = Canvas(server.url, CANVAS_ADMIN).get_course(ALGEBRA)
    first = sections_of(ALGEBRA)[0]
    found = list(course.get_sections(include=["students", "avatar_url"],
                                     search_term=first["title"][-6:]))
    assert [s.id for s in found] == [int(first["id"])]
    students = found[0].students
    assert sorted(u["id"] for u in students) == students_in(server, first["id"])
    assert all(u["avatar_url"].startswith("https://") for u in students)
    with pytest.raises(BadRequest, match="2 or more characters is required"):
        list(course.get_sections(search_term="a"))


def test_who_may_list_them(server):
    """Members of the course list its sections; includes are for those who
    read the roster (not an observer); others get Canvas's 403 and 404."""
    as_student = Canvas(server.url, CANVAS_STUDENT).get_course(ALGEBRA)  # Dylan, in Period 1
    mine = list(as_student.get_sections(include=["total_students"]))
    assert len(mine) == len(sections_of(ALGEBRA)) and all(
        isinstance(s.total_students, int) and not hasattr(s, "sis_section_id") for s in mine)
    observer = Canvas(server.url, CANVAS_OBSERVER).get_course(ALGEBRA)
    seen = list(observer.get_sections(include=["total_students"]))
    assert seen and not any(hasattr(s, "total_students") for s in seen)
    outsider = requests.get(f"{server.url}/api/v1/courses/{ENGLISH}/sections",
                            headers={"Authorization": f"Bearer {CANVAS_OBSERVER}"}, timeout=10)
    assert outsider.status_code == 403 and outsider.json()["status"] == "unauthorized"
    missing = requests.get(f"{server.url}/api/v1/courses/1/sections",
                           headers={"Authorization": f"Bearer {CANVAS_ADMIN}"}, timeout=10)
    assert missing.status_code == 404


def test_a_course_without_sections_lists_none(start_server):
    document = demo_document()
    document["courses"].append({"id": "2091839999", "course_code": "ART-1", "title": "Art"})
    server = start_server(store=build_store(document), RATE_LIMIT=None)
    course = Canvas(server.url, CANVAS_ADMIN).get_course(2091839999)
    assert list(course.get_sections(include=["total_students"])) == []


def test_refusals_keep_canvass_key_order(server):
    """Canvas writes status first in its 401 and 403 bodies: the schema that
    writes them keeps that order, byte for byte."""
    url = f"{server.url}/api/v1/courses/{ENGLISH}/sections"
    assert requests.get(url, timeout=10).text == \
        '{"status":"unauthenticated","errors":[{"message":"user authorization required"}]}'
    refused = requests.get(url, headers={"Authorization": f"Bearer {CANVAS_OBSERVER}"},
                           timeout=10)
    assert refused.text == ('{"status":"unauthorized","errors":[{"message":"user not '
                            'authorized to perform that action"}]}')
