"""The dashboard at /_mock/, driven in a real browser (Playwright with the
system's Chromium, headless; noxfile.py installs it when missing): find a section, see its first enrollments,
enroll a user through the API and see the request and the roster change."""
import pytest
import requests

from helpers import SECTION, free_users
from screenshots import chromium


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium(), headless=True)
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


def test_the_journal_fills_while_the_page_is_open(live, page):
    page.goto(f"{live.url}/_mock/journal")
    assert "no requests yet" in page.locator("#requests tbody").inner_text()
    requests.get(f"{live.url}/v1/groups/1530027713/enrollments", timeout=10)
    newest = page.locator("#requests tbody tr").first
    newest.filter(has_text="GET /v1/groups/1530027713/enrollments").wait_for(timeout=10_000)


def test_arm_a_fault_see_it_fire_and_its_count_fall_then_disarm(live, page):
    page.goto(f"{live.url}/_mock/controls")
    page.get_by_label("Status").fill("503")
    page.get_by_label("Times").fill("2")
    page.get_by_role("button", name="Arm").click()
    assert "Fault 1 armed." in page.get_by_role("status").inner_text()
    remaining = page.locator("#faults .remaining").first
    assert remaining.inner_text() == "2"
    listed = requests.get(f"{live.url}/v1/sections/{SECTION}/enrollments", timeout=10)
    assert listed.status_code == 503
    page.locator("#faults .remaining", has_text="1").wait_for(timeout=10_000)  # live
    page.get_by_role("button", name="Disarm").click()
    assert "none armed" in page.locator("#faults").inner_text()
    assert requests.get(f"{live.url}/v1/sections/{SECTION}/enrollments",
                        timeout=10).status_code == 200


def test_freeze_the_clock_reset_and_load_from_the_page(live, page, tmp_path):
    from helpers import demo_document
    import json
    page.goto(f"{live.url}/_mock/controls")
    page.get_by_label("At", exact=True).fill("2027-01-01T00:00:00Z")
    page.get_by_label("Frozen").check()
    page.get_by_role("button", name="Set the clock").click()
    assert page.locator("#now").inner_text() == "1798761600"
    assert live.app.extensions["schoology_clock"]() == 1798761600
    page.get_by_role("button", name="Real time").click()
    assert live.app.extensions["schoology_clock"].frozen is None

    store = live.app.extensions["schoology_store"]
    requests.delete(f"{live.url}/v1/sections/{SECTION}/enrollments/54302505", timeout=10)
    page.get_by_role("button", name="Reset to the start").click()
    assert "Back to" in page.get_by_role("status").inner_text()
    assert live.app.extensions["schoology_store"] is not store
    assert 54302505 in live.app.extensions["schoology_store"].enrollments

    smaller = demo_document()
    smaller["enrollments"] = smaller["enrollments"][:10]
    school = tmp_path / "small.json"
    school.write_text(json.dumps(smaller))
    page.get_by_label("A fixture file").set_input_files(str(school))
    page.get_by_role("button", name="Load", exact=True).click()
    assert "10 enrollments" in page.get_by_role("status").inner_text()
    assert len(live.app.extensions["schoology_store"].enrollments) == 10

    broken = tmp_path / "broken.json"
    broken.write_text('{"users": [{"uid": "x"}]}')
    page.get_by_label("A fixture file").set_input_files(str(broken))
    page.get_by_role("button", name="Load", exact=True).click()
    assert "broken.json" in page.get_by_role("alert").inner_text()
    assert len(live.app.extensions["schoology_store"].enrollments) == 10  # unchanged
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the state").click()
    saved = json.loads(open(download.value.path()).read())
    assert len(saved["enrollments"]) == 10


def test_the_screenshots_of_the_readme_are_taken_as_the_script_takes_them(live, browser,
                                                                          tmp_path):
    from screenshots import PAGES, take
    saved = take(live.url, tmp_path, browser)
    assert [p.name for p in saved] == list(PAGES)
    for path in saved:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000


def test_with_an_admin_token_a_browser_signs_in_once(start_server, page):
    server = start_server(AUTH="off", ADMIN_TOKEN="s3cret")
    page.goto(f"{server.url}/_mock/school/section/{SECTION}")
    page.get_by_label("Admin token").fill("not it")
    page.get_by_role("button", name="Sign in").click()
    assert "not the admin token" in page.get_by_role("alert").inner_text()
    page.get_by_label("Admin token").fill("s3cret")
    page.get_by_role("button", name="Sign in").click()
    assert page.url == f"{server.url}/_mock/school/section/{SECTION}"
    assert page.locator("#enrollments tbody tr").count() == 20
    with page.expect_download() as download:  # the control API takes the cookie too
        page.goto(f"{server.url}/_mock/controls")
        page.get_by_role("link", name="Download the state").click()
    assert b'"enrollments"' in open(download.value.path(), "rb").read()
    page.get_by_role("button", name="Sign out").click()
    assert page.get_by_label("Admin token").is_visible()
    assert requests.get(f"{server.url}/_mock/state", timeout=10).status_code == 401


def test_the_roster_fills_while_the_page_is_open(live, page):
    from helpers import GROUP
    page.goto(f"{live.url}/_mock/school/group/{GROUP}")
    uid = free_users(live.app.extensions["schoology_store"], "group", GROUP, 1)[0]
    assert str(uid) not in page.locator("#enrollments tbody").inner_text()
    created = requests.post(f"{live.url}/v1/groups/{GROUP}/enrollments", timeout=10,
                            json={"uid": uid, "admin": 0, "status": 1})
    assert created.status_code == 201
    page.locator("#enrollments tbody tr", has_text=created.json()["id"]).wait_for(
        timeout=10_000)
