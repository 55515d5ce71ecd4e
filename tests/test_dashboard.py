"""The dashboard at /_mock/, driven in a real browser (Playwright with
Debian's Chromium, headless): find a section, see its first enrollments,
enroll a user through the API and see the request and the roster change."""
import os
import shutil

import pytest
import requests

from helpers import SECTION, free_users

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    opened = browser.new_page()
    yield opened
    opened.close()


def test_find_a_section_and_see_its_first_enrollments(live, page):
    page.goto(f"{live.url}/_mock/")
    assert "62" in page.locator(".totals").inner_text()  # users of the demo school
    page.get_by_role("link", name="Algebra I: Period 1").click()
    rows = page.locator("#enrollments tbody tr")
    assert rows.count() == 20
    assert "21 enrollments" in page.locator(".count").inner_text()
    assert "Karen Strickland" in rows.first.inner_text()
    assert "TeacherEnrollment" in rows.first.inner_text()
    page.get_by_role("link", name="next").click()
    assert page.locator("#enrollments tbody tr").count() == 1
    page.get_by_label("Search enrollments").fill("S240101")
    page.get_by_role("button", name="Search").click()
    assert page.locator("#enrollments tbody tr").count() == 1
    assert "Dylan Schmidt" in page.locator("#enrollments tbody").inner_text()


def test_an_enrollment_through_the_api_shows_in_the_journal_and_the_roster(live, page):
    uid = free_users(live.app.extensions["schoology_store"], "section", SECTION, 1)[0]
    created = requests.post(f"{live.url}/v1/sections/{SECTION}/enrollments", timeout=10,
                            json={"uid": uid, "admin": 0, "status": 1, "grade": "A"})
    assert created.status_code == 201
    page.goto(f"{live.url}/_mock/journal")
    first = page.locator("#requests tbody tr").first
    assert f"POST /v1/sections/{SECTION}/enrollments" in first.inner_text()
    assert "201" in first.locator(".status").inner_text()
    first.get_by_role("link").click()
    assert "unknown field: grade" in page.locator("#notes").inner_text()
    assert '"uid": ' in page.locator("#response-body").inner_text()
    page.goto(f"{live.url}/_mock/school/section/{SECTION}?q={uid}")
    assert page.locator("#enrollments tbody tr").count() == 1
    assert created.json()["id"] in page.locator("#enrollments tbody").inner_text()


def test_the_dashboard_keeps_the_control_apis_guard(live):
    """A page of another site cannot read it."""
    other = requests.get(f"{live.url}/_mock/", headers={"Sec-Fetch-Site": "cross-site"},
                         timeout=10)
    assert other.status_code == 403
    assert requests.get(f"{live.url}/_mock/", timeout=10).status_code == 200
