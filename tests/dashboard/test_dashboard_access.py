"""Who reaches the dashboard: as the control API, told in a page; with an
admin token, a browser signs in once and keeps a cookie made from it."""
import pytest

from schoology_mock import create_app

FAR = {"REMOTE_ADDR": "10.1.2.3"}


@pytest.fixture
def client():
    return create_app({"TESTING": True, "ADMIN_TOKEN": "s3cret"}).test_client()


def sign_in(client, token="s3cret", next_page="/_mock/journal", **headers):
    return client.post("/_mock/sign-in", data={"token": token, "next": next_page},
                       environ_base=FAR, headers=headers)


def test_without_the_token_a_page_asks_for_it_and_sends_the_person_back(client):
    asked = client.get("/_mock/journal?notes=1", environ_base=FAR)
    assert asked.status_code == 401 and asked.mimetype == "text/html"
    assert 'name="token"' in asked.text and 'value="/_mock/journal?notes=1"' in asked.text
    wrong = sign_in(client, token="guess")
    assert wrong.status_code == 401 and "not the admin token" in wrong.text
    assert "Set-Cookie" not in wrong.headers
    right = sign_in(client, next_page="/_mock/journal?notes=1")
    assert right.status_code == 302 and right.location == "/_mock/journal?notes=1"
    cookie = right.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/_mock/" in cookie
    assert "s3cret" not in cookie
    page = client.get("/_mock/journal?notes=1", environ_base=FAR)
    assert page.status_code == 200 and "Sign out" in page.text


def test_the_cookie_opens_the_control_api_too_and_signing_out_closes_it(client):
    assert client.get("/_mock/state", environ_base=FAR).status_code == 401
    sign_in(client)
    assert client.get("/_mock/state", environ_base=FAR).status_code == 200
    assert client.post("/_mock/sign-out", environ_base=FAR).status_code == 302
    assert client.get("/_mock/state", environ_base=FAR).status_code == 401
    assert client.get("/_mock/", environ_base=FAR).status_code == 401


def test_a_cookie_of_another_token_or_made_up_is_refused(client):
    other = create_app({"TESTING": True, "ADMIN_TOKEN": "other"}).test_client()
    made = sign_in(other, token="other").headers["Set-Cookie"].split(";")[0].split("=", 1)
    client.set_cookie(made[0], made[1], path="/_mock/")
    assert client.get("/_mock/", environ_base=FAR).status_code == 401
    client.set_cookie(made[0], "s3cret", path="/_mock/")
    assert client.get("/_mock/", environ_base=FAR).status_code == 401


def test_signing_in_from_another_sites_page_is_refused(client):
    forged = sign_in(client, **{"Sec-Fetch-Site": "cross-site"})
    assert forged.status_code == 403 and "Set-Cookie" not in forged.headers
    assert "other sites" in forged.text


@pytest.mark.parametrize("elsewhere", ["//evil.example/", "https://evil.example/_mock/",
                                       "/_mock/\\evil", "/v1/users", ""])
def test_after_signing_in_the_browser_stays_on_the_dashboard(client, elsewhere):
    assert sign_in(client, next_page=elsewhere).location == "/_mock/"


def test_without_a_token_a_far_browser_is_told_why_in_a_page():
    client = create_app({"TESTING": True}).test_client()
    far = client.get("/_mock/", environ_base=FAR)
    assert far.status_code == 403 and far.mimetype == "text/html"
    assert "only this machine" in far.text and "--admin-token" in far.text
    assert client.get("/_mock/sign-in", environ_base=FAR).status_code == 403
    near = client.get("/_mock/sign-in")
    assert near.status_code == 302 and near.location == "/_mock/"
    assert client.get("/_mock/").status_code == 200 and "Sign out" not in client.get(
        "/_mock/").text


def test_behind_a_proxy_the_cookie_is_for_https_only():
    client = create_app({"TESTING": True, "ADMIN_TOKEN": "s3cret",
                         "BASE_URL": "https://sandbox.example.org"}).test_client()
    assert "Secure" in sign_in(client).headers["Set-Cookie"]
