"""OAuth 1.0a: what real clients send is accepted, what Schoology refuses is
refused with its message, and the credentials decide who is calling."""
import re
import time
import uuid

import pytest
import requests
from requests_oauthlib import OAuth1

from helpers import (ADMIN, GROUP as ROBOTICS, ROBOTICS_CODE, SECTION, STUDENT, TEACHER as TEACHER_KEY,
                     TOKEN,
                     assert_same_data, xml_to_data)
from schoology_mock import DEFAULTS
from schoology_mock.schoology.auth.oauth import REPLAY

LIST = f"/v1/sections/{SECTION}/enrollments"


@pytest.fixture
def server(start_server):
    return start_server()


def joined_uid(server, auth, **kw):
    """Join the Robotics Club by its code: who the mock thinks is calling."""
    r = requests.post(f"{server.url}/v1/groups/{ROBOTICS}/accesscode", auth=auth,
                      json={"access_code": ROBOTICS_CODE}, timeout=10, **kw)
    assert r.status_code == 201, r.text
    return r.json()["uid"]


@pytest.mark.parametrize("method", ["HMAC-SHA1", "PLAINTEXT"])
@pytest.mark.parametrize("placement", ["AUTH_HEADER", "QUERY"])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_requests_oauthlib_two_legged(server, method, placement, fmt):
    auth = OAuth1(*ADMIN, signature_method=method, signature_type=placement)
    accept = "application/json" if fmt == "json" else "text/xml"
    r = requests.get(f"{server.url}{LIST}?enrollment_status=1&limit=5", auth=auth,
                     headers={"Accept": accept}, timeout=10)
    assert r.status_code == 200, r.text
    data = r.json() if fmt == "json" else xml_to_data(r.content)
    assert len(data["enrollment"]) == 5


def test_the_consumer_key_acts_as_its_user(server):
    assert joined_uid(server, OAuth1(*STUDENT)) == "45552222"


def test_three_legged_acts_as_the_tokens_user(server):
    auth = OAuth1("demo-teacher-key", "demo-teacher-secret", *TOKEN)
    assert joined_uid(server, auth) == "45552222"


def test_signed_for_the_host_header_the_client_sends(server):
    """schoolopy and the Ed-Fi client call 127.0.0.1 but send Host:
    api.schoology.com, and sign for that host."""
    r = requests.get(f"{server.url}{LIST}", auth=OAuth1(*ADMIN), timeout=10,
                     headers={"Host": "api.schoology.com"})
    assert r.status_code == 200, r.text


def test_signed_bodies_and_query_strings(server):
    auth = OAuth1(*ADMIN)
    r = requests.put(f"{server.url}{LIST}/54302505?limit=20", auth=auth, json={"status": "2"},
                     timeout=10)
    assert r.status_code == 204, r.text
    r = requests.delete(f"{server.url}/v1/enrollments?enrollment_ids=54302506", auth=auth,
                        timeout=10)
    assert r.status_code == 207, r.text


def header(key, secret, token="", token_secret="", *, form="docs", stamp=None, nonce=None):
    """A PLAINTEXT Authorization header written by hand, as some clients do."""
    stamp = stamp or int(time.time())
    nonce = nonce or uuid.uuid4().hex
    if form == "docs":
        return (f'OAuth realm="Schoology API", oauth_consumer_key="{key}", '
                f'oauth_token="{token}", oauth_nonce="{nonce}", oauth_timestamp="{stamp}", '
                'oauth_signature_method="PLAINTEXT", oauth_version="1.0", '
                f'oauth_signature="{secret}%26{token_secret}"')
    if form == "php":  # realm="" and an unencoded &
        return (f'OAuth realm="", oauth_consumer_key="{key}", oauth_nonce="{nonce}", '
                f'oauth_signature_method="PLAINTEXT", oauth_timestamp="{stamp}", '
                f'oauth_token="{token}", oauth_version="1.0", '
                f'oauth_signature="{secret}&{token_secret}"')
    # node: no spaces after commas, another order, realm encoded
    return (f'OAuth oauth_signature="{secret}%26{token_secret}",oauth_version="1.0",'
            f'oauth_timestamp="{stamp}",oauth_nonce="{nonce}",realm="Schoology%20API",'
            f'oauth_signature_method="PLAINTEXT",oauth_consumer_key="{key}"')


@pytest.mark.parametrize("form", ["docs", "php", "node"])
def test_hand_written_headers_real_clients_send(server, form):
    r = requests.get(f"{server.url}{LIST}", timeout=10,
                     headers={"Authorization": header(*ADMIN, form=form)})
    assert r.status_code == 200, r.text


def refused(server, path=LIST, **headers):
    r = requests.get(f"{server.url}{path}", headers=headers, timeout=10)
    assert r.status_code == 401
    assert r.headers["Content-Type"].startswith("text/plain")
    return r.text


def test_no_credentials_are_refused(server):
    assert refused(server) == "Verification of signature failed (no oauth_signature in request)."


def test_unknown_consumer_or_token_is_refused(server):
    message = refused(server, Authorization=header("nobody", "x"))
    assert message == ('The consumer_key "nobody" token "" combination does not exist or is '
                       "not enabled.")
    assert "combination does not exist" in refused(
        server, Authorization=header(*ADMIN, *TOKEN))  # a token of another consumer


def test_a_bad_signature_is_refused_with_the_base_string(server):
    message = refused(server, Authorization=header("demo-admin-key", "wrong-secret"))
    assert message.startswith("Verification of signature failed (signature base string was ")
    r = requests.get(f"{server.url}{LIST}", auth=OAuth1("demo-admin-key", "wrong"), timeout=10)
    assert r.status_code == 401 and f"{SECTION}%2Fenrollments" in r.text


def test_a_timestamp_outside_the_window_is_refused(server):
    message = refused(server, Authorization=header(*ADMIN, stamp=int(time.time()) - 3600))
    assert message.startswith("OAuth verification failed: Timestamp given is invalid")


def test_a_replayed_request_is_refused_with_schoologys_message(server):
    replayed = header(*ADMIN, nonce="same-nonce")
    ok = requests.get(f"{server.url}{LIST}", headers={"Authorization": replayed}, timeout=10)
    assert ok.status_code == 200
    assert refused(server, Authorization=replayed) == REPLAY
    assert REPLAY == ("Duplicate timestamp/nonce combination, possible replay attack.  "
                      "Request rejected.")


def test_timestamps_out_of_sequence_are_refused(server):
    now = int(time.time())
    assert requests.get(f"{server.url}{LIST}", timeout=10,
                        headers={"Authorization": header(*ADMIN, stamp=now)}).status_code == 200
    message = refused(server, Authorization=header(*ADMIN, stamp=now - 5))
    assert message == f"Timestamp is out of sequence. Request rejected. Got {now - 5} last max is {now}"


def test_refused_requests_change_nothing(server):
    store = server.app.extensions["schoology_store"]
    before = store.export()
    r = requests.delete(f"{server.url}{LIST}/54302505", timeout=10,
                        headers={"Authorization": header("demo-admin-key", "wrong")})
    assert r.status_code == 401 and store.export() == before


def test_auth_off_lets_every_request_in_as_the_administrator(live):
    assert requests.get(f"{live.url}{LIST}", timeout=10).status_code == 200
    assert joined_uid(live, None) == "45553001"


@pytest.mark.parametrize("key", [ADMIN, STUDENT])
def test_users_me_redirects_to_the_calling_user(server, key):
    store = server.app.extensions["schoology_store"]
    me = requests.get(f"{server.url}/v1/users/me", auth=OAuth1(*key), allow_redirects=False,
                      timeout=10)
    assert me.status_code == 303 and me.content == b""
    uid = store.consumers[key[0]].uid
    assert me.headers["Location"] == f"{server.url}/v1/users/{uid}"
    # re-signed, as clients do before following
    as_json = requests.get(me.headers["Location"], auth=OAuth1(*key), timeout=10)
    as_xml = requests.get(me.headers["Location"], auth=OAuth1(*key), timeout=10,
                          headers={"Accept": "text/xml"})
    assert as_json.status_code == 200 and as_json.json()["uid"] == str(uid)
    assert as_json.json()["id"] == uid
    assert as_json.json()["name_display"] == store.users[uid].name_display
    assert_same_data(as_json.json(), xml_to_data(as_xml.content))


def test_following_the_303_with_the_same_header_is_a_replay(server):
    r = requests.get(f"{server.url}/v1/users/me", auth=OAuth1(*STUDENT), timeout=10)
    assert [h.status_code for h in r.history] == [303]
    assert r.status_code == 401 and r.text == REPLAY


def test_reading_another_users_record_is_401_with_no_body(server):
    """Through a personal key, anyone else (his teacher too); through his
    access token, those he shares a section or group with, not a teacher of a
    club he is not in; an administrator's key, anyone."""
    def read(uid, *key):
        return requests.get(f"{server.url}/v1/users/{uid}", auth=OAuth1(*key), timeout=10)
    for uid in (45552183, 45552101):
        r = read(uid, *STUDENT)
        assert r.status_code == 401 and r.content == b""
    r = read(45552101, *TEACHER_KEY, *TOKEN)
    assert r.status_code == 200 and r.json()["name_last"] == "Strickland"
    r = read(45552183, *TEACHER_KEY, *TOKEN)
    assert r.status_code == 401 and r.content == b""
    assert read(45552183, *ADMIN).status_code == 200


def test_a_burst_over_the_rate_limit_gets_429_then_succeeds_after_the_window(start_server):
    running = start_server(RATE_LIMIT="5/1")
    with requests.Session() as s:
        url = f"{running.url}{LIST}"
        answers = []
        for _ in range(20):  # 5 a window: a 429 comes by the 6th, or the 11th across a refill
            answers.append(s.get(url, auth=OAuth1(*ADMIN), timeout=10,
                                 headers={"Accept": "text/xml"}))
            if answers[-1].status_code == 429:
                break
        limited = answers[-1]
        assert limited.status_code == 429 and len(answers) <= 11
        assert int(limited.headers["Retry-After"]) == 1
        assert b"Too many requests" in limited.content and limited.content.startswith(b"<?xml")
        # another application is not throttled by this one
        assert s.get(url, auth=OAuth1(*STUDENT), timeout=10).status_code in (200, 403)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            again = s.get(url, auth=OAuth1(*ADMIN), timeout=10)
            if again.status_code != 429:
                break
        assert again.status_code == 200


def test_the_default_limit_is_schoologys_and_can_be_turned_off(start_server):
    assert DEFAULTS["RATE_LIMIT"] == (50, 5.0)
    running = start_server(RATE_LIMIT="off")
    with requests.Session() as s:
        codes = {s.get(f"{running.url}{LIST}?limit=1", auth=OAuth1(*ADMIN),
                       timeout=10).status_code for _ in range(60)}
    assert codes == {200}


def approve(server, token, username, password, callback="http://127.0.0.1:9/done?x=1"):
    """Sign in on the approval page and send its form, as a browser would
    (the demo consumers register no callback: a loopback one is allowed)."""
    page = requests.get(f"{server.url}/oauth/authorize", timeout=10,
                        params={"oauth_token": token, "oauth_callback": callback})
    assert page.status_code == 200 and 'name="password"' in page.text
    assert page.headers["X-Frame-Options"] == "DENY"
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    answer = requests.post(f"{server.url}/oauth/authorize", allow_redirects=False, timeout=10,
                           data={"oauth_token": token, "oauth_callback": callback,
                                 "csrf_token": csrf, "username": username,
                                 "password": password})
    assert answer.status_code == 302, answer.text
    joiner = "&" if "?" in callback else "?"
    assert answer.headers["Location"] == f"{callback}{joiner}oauth_token={token}"


def test_three_legged_flow_with_requests_oauthlib(server):
    from requests_oauthlib import OAuth1Session
    consumer = ("demo-teacher-key", "demo-teacher-secret")
    session = OAuth1Session(*consumer)
    pending = session.fetch_request_token(f"{server.url}/v1/oauth/request_token")
    assert set(pending) >= {"oauth_token", "oauth_token_secret", "xoauth_token_ttl"}
    # before approval the request token is refused
    early = OAuth1Session(*consumer, resource_owner_key=pending["oauth_token"],
                          resource_owner_secret=pending["oauth_token_secret"])
    assert early.get(f"{server.url}/v1/oauth/access_token", timeout=10).status_code == 401
    approve(server, pending["oauth_token"], "S240101", "demo-student-password")
    exchange = OAuth1Session(*consumer, resource_owner_key=pending["oauth_token"],
                             resource_owner_secret=pending["oauth_token_secret"])
    answer = exchange.get(f"{server.url}/v1/oauth/access_token", timeout=10)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("application/x-www-form-urlencoded")
    from urllib.parse import parse_qs
    access = {k: v[0] for k, v in parse_qs(answer.text).items()}
    auth = OAuth1(*consumer, access["oauth_token"], access["oauth_token_secret"])
    assert joined_uid(server, auth) == "45552222"
    # the request token is used up
    again = OAuth1Session(*consumer, resource_owner_key=pending["oauth_token"],
                          resource_owner_secret=pending["oauth_token_secret"])
    assert again.get(f"{server.url}/v1/oauth/access_token", timeout=10).status_code == 401


def test_schoolopy_three_legged_flow_and_get_me(server):
    import schoolopy
    auth = schoolopy.Auth("demo-teacher-key", "demo-teacher-secret", three_legged=True,
                          domain=server.url)
    auth.API_ROOT = f"{server.url}/v1"  # schoolopy's Auth has no other way to name the host
    url = auth.request_authorization(callback_url="http://localhost/done")
    assert url.startswith(f"{server.url}/oauth/authorize?oauth_token=")
    # the username may be the uid as well as the school_uid
    approve(server, auth.request_token, "45552222", "demo-student-password",
            "http://localhost/done")
    assert auth.authorize() and auth.authorized
    me = schoolopy.Schoology(auth, api_host=f"{server.url}/v1/").get_me()
    assert me.uid == "45552222"  # its session re-signs when it follows the 303


@pytest.mark.parametrize("value", [
    'OAuth oauth_signature="x"',  # the rest missing
    'OAuth oauth_consumer_key="demo-admin-key", oauth_signature="demo-admin-secret%26", '
    'oauth_signature_method="PLAINTEXT", oauth_timestamp="soon", oauth_nonce="n"',
    'OAuth oauth_consumer_key="demo-admin-key", oauth_signature="demo-admin-secret%26", '
    'oauth_signature_method="RSA-SHA1", oauth_timestamp="1795428614", oauth_nonce="n"',
    'OAuth oauth_consumer_key="demo-admin-key", oauth_consumer_key="again", '
    'oauth_signature="s"',
    "Bearer oauth_signature"])
def test_malformed_headers_are_refused(server, value):
    message = refused(server, Authorization=value)
    assert message.startswith("OAuth verification failed: ")
