"""Screenshots of the dashboard's main pages, for the README:

    python tests/screenshots.py        # refreshes tests/screenshots/*.png

Starts a mock of the demo school, sends it a few requests (one with a
contract note, one failing on an armed fault), and saves each page as
Chromium shows it. tests/dashboard/test_dashboard.py takes them the same way."""
import os
import shutil
import sys
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
PAGES = {  # file name -> path under the server
    "school.png": "/_mock/",
    "section.png": "/_mock/school/section/3719526",
    "requests.png": "/_mock/journal",
    "request.png": "/_mock/journal/2",
    "controls.png": "/_mock/controls",
}


def chromium():
    """The browser: $CHROMIUM, else the system's Chromium, else None, which
    is Playwright's own (`python -m playwright install chromium`)."""
    return (os.environ.get("CHROMIUM") or shutil.which("chromium")
            or shutil.which("chromium-browser"))


def take(url, folder, browser):
    """Fill the journal and arm a fault at url (a live mock, auth off), then
    save a screenshot of each page in folder; the paths saved."""
    requests.get(f"{url}/v1/sections/3719526/enrollments?limit=5", timeout=10)
    requests.post(f"{url}/v1/sections/3719526/enrollments", timeout=10,
                  json={"uid": 45552145, "admin": 0, "status": 1, "grade": "A"})
    requests.post(f"{url}/_mock/faults", timeout=10, json={
        "method": "GET", "path": "/v1/groups/.*", "status": 503, "times": 3})
    requests.get(f"{url}/v1/groups/1530027713/enrollments", timeout=10)
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    saved = []
    for name, path in PAGES.items():
        page.goto(url + path)
        page.screenshot(path=str(folder / name), full_page=False)
        saved.append(folder / name)
    page.close()
    return saved


def main():
    sys.path.insert(0, str(HERE.parent))
    from playwright.sync_api import sync_playwright

    from schoology_mock import create_app
    from schoology_mock.serving import MockServer
    server = MockServer(create_app({"AUTH": "off", "RATE_LIMIT": None})).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium(), headless=True)
            for path in take(server.url, HERE / "screenshots", browser):
                print(path.relative_to(HERE.parent))
            browser.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
