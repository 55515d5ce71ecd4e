"""OAuth a shared sandbox can trust, from the attacker's side: approving a
request token takes the approving user's password; the user is sent back
only to the consumer's registered callback (or, with none, a loopback
address or the server's own); the approval form carries a CSRF token and
cannot be framed; and only verified requests leave nonces and timestamps
behind, in a memory that stays bounded under a flood."""
import re
import time
import uuid
from urllib.parse import parse_qs

import pytest
import requests
from requests_oauthlib import OAuth1, OAuth1Session

from helpers import ADMIN, SECTION, STUDENT, TEACHER, demo_document
from schoology_mock import create_app
from schoology_mock.schoology.auth.oauth import MAX_NONCES, MAX_NONCES_PER_KEY, REPLAY
from schoology_mock.store import build_store

ADMIN_UID, TEACHER_UID, STUDENT_UID, TA_UID = 45553001, 45552101, 45552222, 45552136
PASSWORDS = {"A0001": "demo-admin-password", "T1001": "demo-teacher-password",
             "S240101": "demo-student-password"}
NOW = 1_800_000_000  # the frozen server clock of the test-client tests
LIST = f"/v1/sections/{SECTION}/enrollments"


def make_app(document=None, **config):
    store = build_store(document) if document is not None else None
    app = create_app(dict({"TESTING": True, "RATE_LIMIT": None}, **config), store=store)
    client = app.test_client()
    app.extensions["schoology_clock"].set(at=NOW, freeze=True)
    return app, client


@pytest.fixture
def client():
    return make_app()[1]


def header(key, secret, token="", token_secret="", *, stamp=NOW, nonce=None):
    """A PLAINTEXT Authorization header; a wrong secret makes a forged one."""
    return {"Authorization": (
        f'OAuth oauth_consumer_key="{key}", oauth_token="{token}", '
        f'oauth_nonce="{nonce or uuid.uuid4().hex}", oauth_timestamp="{stamp}", '
        f'oauth_signature_method="PLAINTEXT", oauth_version="1.0", '
        f'oauth_signature="{secret}%26{token_secret}"')}


def request_token(client, consumer=STUDENT):
    answer = client.get("/v1/oauth/request_token", headers=header(*consumer))
    assert answer.status_code == 200, answer.text
    values = parse_qs(answer.text)
    return values["oauth_token"][0], values["oauth_token_secret"][0]


def exchange(client, consumer, pending):
    """(status, access token pair or None) of /v1/oauth/access_token."""
    answer = client.get("/v1/oauth/access_token", headers=header(*consumer, *pending))
    if answer.status_code != 200:
        return answer.status_code, None
    values = parse_qs(answer.text)
    return 200, (values["oauth_token"][0], values["oauth_token_secret"][0])


def page(client, token, callback=""):
    return client.get("/oauth/authorize",
                      query_string={"oauth_token": token, "oauth_callback": callback})


def csrf_of(answer):
    return re.search(r'name="csrf_token" value="([^"]+)"', answer.text).group(1)


def post(client, token, callback="", csrf=None, **form):
    """The approval form as sent: csrf None takes the page's own token."""
    if csrf is None:
        csrf = csrf_of(page(client, token))
    return client.post("/oauth/authorize", data=dict(
        {"oauth_token": token, "oauth_callback": callback, "csrf_token": csrf}, **form))


def another_users_enrollment(app, uid):
    store = app.extensions["schoology_store"]
    index = store.realms[("section", SECTION)]
    return next(eid for eid in index.all if store.enrollments[eid].uid != uid)


# --- 1. approving proves who approves ------------------------------------------------
def test_a_consumer_key_cannot_approve_its_token_as_the_administrator(client):
    """The attack: a request token of the student's key, approved as the
    administrator by naming their uid, exchanged, then used to delete."""
    app = client.application
    pending = request_token(client, STUDENT)
    shown = page(client, pending[0])
    assert shown.status_code == 200 and 'name="password"' in shown.text
    assert 'name="uid"' not in shown.text and "Whitaker" not in shown.text  # no list of users
    tries = [{"uid": str(ADMIN_UID)},  # today's form, without a password
             {"uid": str(ADMIN_UID), "username": "A0001", "password": ""},
             {"username": "A0001", "password": "demo-student-password"},  # someone else's
             {"username": str(ADMIN_UID), "password": "demo-admin-password "}]
    for form in tries:
        refused = post(client, pending[0], **form)
        assert refused.status_code == 403, form
        assert "Wrong username or password." in refused.text and "Location" not in refused.headers
    assert exchange(client, STUDENT, pending) == (401, None)
    assert app.extensions["schoology_store"].request_tokens[pending[0]].uid is None


def test_five_wrong_passwords_use_the_request_token_up(client):
    pending = request_token(client, STUDENT)
    for _ in range(4):
        assert post(client, pending[0], username="A0001", password="guess").status_code == 403
    last = post(client, pending[0], username="A0001", password="guess")
    assert last.status_code == 403 and "used up" in last.text
    # not even the right password helps now
    assert page(client, pending[0]).status_code == 404
    assert post(client, pending[0], csrf=csrf_of(page(client, request_token(client)[0])),
                username="S240101", password=PASSWORDS["S240101"]).status_code == 403
    assert exchange(client, STUDENT, pending) == (401, None)


def test_new_request_tokens_buy_no_more_guesses_at_one_password(client):
    """Five tries a token, but ten wrong passwords for a username within 15
    minutes, whatever tokens they came with: then its sign-ins wait."""
    from schoology_mock.store.oauth import USER_TRIES, USER_WINDOW
    for n in range(USER_TRIES):
        pending = request_token(client, STUDENT)
        assert post(client, pending[0], username="A0001", password=f"guess{n}").status_code == 403
    pending = request_token(client, STUDENT)
    waiting = post(client, pending[0], username="A0001", password="demo-admin-password")
    assert waiting.status_code == 429 and "too many wrong passwords" in waiting.text
    assert client.application.extensions["schoology_store"].request_tokens[pending[0]].uid \
        is None  # not approved, even with the right password
    # another username is not held up; and the window passes
    other = request_token(client, STUDENT)
    assert post(client, other[0], username="S240101",
                password=PASSWORDS["S240101"]).status_code == 200
    client.application.extensions["schoology_clock"].set(advance=USER_WINDOW + 1)
    assert post(client, pending[0], username="A0001",  # the token waited; it lasts an hour
                password="demo-admin-password").status_code == 200


def test_the_token_acts_as_the_user_who_signed_in_and_no_more(client):
    app = client.application
    pending = request_token(client, STUDENT)
    csrf = csrf_of(page(client, pending[0]))
    approved = post(client, pending[0], csrf=csrf, username="S240101",
                    password=PASSWORDS["S240101"])
    assert approved.status_code == 200 and approved.text.startswith("Approved.")
    assert page(client, pending[0]).status_code == 400  # approved already
    # approved once: a second sign-in, as the administrator, cannot take it over
    again = post(client, pending[0], csrf=csrf, username="A0001", password=PASSWORDS["A0001"])
    assert again.status_code == 400 and "approved already" in again.text
    status, access = exchange(client, STUDENT, pending)
    assert status == 200
    me = client.get("/v1/users/me", headers=header(*STUDENT, *access))
    assert me.headers["Location"].endswith(f"/v1/users/{STUDENT_UID}")
    victim = another_users_enrollment(app, STUDENT_UID)
    delete = client.delete(f"{LIST}/{victim}", headers=header(*STUDENT, *access))
    assert delete.status_code == 403
    assert app.extensions["schoology_store"].enrollments[victim].visible


def test_the_administrator_signing_in_makes_an_administrators_token(client):
    """The same flow with the right password does reach the administrator:
    the refusals above are the password's doing, not a broken flow."""
    app = client.application
    pending = request_token(client, STUDENT)
    assert post(client, pending[0], username=str(ADMIN_UID),
                password=PASSWORDS["A0001"]).status_code == 200
    status, access = exchange(client, STUDENT, pending)
    victim = another_users_enrollment(app, ADMIN_UID)
    assert client.delete(f"{LIST}/{victim}",
                         headers=header(*STUDENT, *access)).status_code == 204


def test_a_user_without_a_password_cannot_be_approved_as(client):
    assert client.application.extensions["schoology_store"].users[TA_UID].password == ""
    pending = request_token(client, TEACHER)
    for password in ("", "\0", "anything"):
        assert post(client, pending[0], username="T1002", password=password).status_code == 403
    assert exchange(client, TEACHER, pending) == (401, None)


def test_passwords_compare_whole_and_exactly():
    doc = demo_document()
    doc["users"][0]["password"] = "pässwörd"  # non-ASCII: compared as UTF-8 bytes
    app, client = make_app(doc)
    for wrong in ("pässwör", "pässwördd", "PÄSSWÖRD", "passwort"):
        pending = request_token(client, TEACHER)
        assert post(client, pending[0], username="T1001", password=wrong).status_code == 403
    pending = request_token(client, TEACHER)
    assert post(client, pending[0], username="T1001", password="pässwörd").status_code == 200


def test_authorize_any_user_keeps_the_pick_any_user_page():
    app, client = make_app(AUTHORIZE_ANY_USER=True)
    pending = request_token(client, TEACHER)
    shown = page(client, pending[0])
    assert f'<option value="{TA_UID}">' in shown.text and 'name="password"' not in shown.text
    assert shown.headers["X-Frame-Options"] == "DENY"
    # still a CSRF token and a callback check
    assert post(client, pending[0], csrf="x", uid=str(TA_UID)).status_code == 403
    assert post(client, pending[0], "http://evil.example/", uid=str(TA_UID)).status_code == 400
    assert post(client, pending[0], uid=str(TA_UID)).status_code == 200  # no password
    status, access = exchange(client, TEACHER, pending)
    me = client.get("/v1/users/me", headers=header(*TEACHER, *access))
    assert me.headers["Location"].endswith(f"/v1/users/{TA_UID}")


def test_authorize_any_user_is_off_by_default(client):
    assert client.application.config["AUTHORIZE_ANY_USER"] is False


def test_passwords_are_never_served_by_the_api(client):
    for path in (f"/v1/users/{STUDENT_UID}", f"{LIST}?limit=200"):
        for accept in ("application/json", "text/xml"):
            answer = client.get(path, headers=dict(header(*ADMIN), Accept=accept))
            assert answer.status_code == 200
            # the user object has Schoology's "password" field, always empty
            assert b"demo-student-password" not in answer.data
            assert b"password" not in answer.data.replace(b'"password":""', b"").replace(
                b"<password />", b"")
    canvas = client.get(f"/api/v1/users/{STUDENT_UID}/enrollments",
                        headers={"Authorization": "Bearer demo-canvas-admin-token"})
    assert canvas.status_code == 200 and b"password" not in canvas.data


def test_password_and_callback_round_trip_through_the_control_api(client):
    state = client.get("/_mock/state").json
    users = {u["uid"]: u for u in state["users"]}
    assert users[str(ADMIN_UID)]["password"] == "demo-admin-password"
    assert "password" not in users[str(TA_UID)]  # none: left out, as it loads
    assert all("callback" not in c for c in state["consumers"])
    users[str(TA_UID)]["password"] = "new-ta-password"
    state["consumers"][1]["callback"] = "https://lms.school.example/oauth/done"
    assert client.post("/_mock/load", json=state).status_code == 200
    again = client.get("/_mock/state").json
    assert again == state
    # and they work: the TA signs in, and only the registered callback is taken
    pending = request_token(client, TEACHER)
    assert page(client, pending[0], "http://127.0.0.1/done").status_code == 400
    answer = post(client, pending[0], "https://lms.school.example/oauth/done",
                  username="T1002", password="new-ta-password")
    assert answer.status_code == 302
    assert answer.headers["Location"] == (
        f"https://lms.school.example/oauth/done?oauth_token={pending[0]}")


@pytest.mark.parametrize("callback", ["javascript:alert(1)", "ftp://app.example/",
                                      "https://user@app.example/", "app.example/path",
                                      "http://[", "https://app.example/a b"])
def test_a_bad_registered_callback_is_refused_at_load(client, callback):
    state = client.get("/_mock/state").json
    state["consumers"][0]["callback"] = callback
    refused = client.post("/_mock/load", json=state)
    assert refused.status_code == 400
    assert "consumers[0]: field 'callback'" in refused.json["error"]


def test_the_live_flow_with_requests_oauthlib_cannot_escalate(start_server):
    """The attacker's own steps, with a real client against a live server."""
    server = start_server()
    session = OAuth1Session(*STUDENT)
    pending = session.fetch_request_token(f"{server.url}/v1/oauth/request_token")
    token = pending["oauth_token"]
    shown = requests.get(f"{server.url}/oauth/authorize", params={"oauth_token": token},
                         timeout=10)
    answer = requests.post(f"{server.url}/oauth/authorize", timeout=10, allow_redirects=False,
                           data={"oauth_token": token, "uid": str(ADMIN_UID),
                                 "csrf_token": csrf_of(shown)})
    assert answer.status_code == 403
    exchange = OAuth1Session(*STUDENT, resource_owner_key=token,
                             resource_owner_secret=pending["oauth_token_secret"])
    assert exchange.get(f"{server.url}/v1/oauth/access_token", timeout=10).status_code == 401
    # the student's key itself may not delete another user's enrollment either
    victim = another_users_enrollment(server.app, STUDENT_UID)
    r = requests.delete(f"{server.url}{LIST}/{victim}", auth=OAuth1(*STUDENT), timeout=10)
    assert r.status_code == 403


# --- 2. checks first, records after ---------------------------------------------------
def test_an_unsigned_request_with_a_future_timestamp_locks_nobody_out(client):
    forged = client.get(LIST, headers=header("demo-teacher-key", "wrong", stamp=NOW + 590,
                                             nonce="chosen"))
    assert forged.status_code == 401
    assert forged.text.startswith("Verification of signature failed (signature base string")
    # the real client, at the real time, with the very nonce the forger used
    real = client.get(LIST, headers=header(*TEACHER, stamp=NOW, nonce="chosen"))
    assert real.status_code == 200, real.text
    verifier = client.application.extensions["schoology_verifier"]
    assert verifier.seen[("demo-teacher-key", "")] == (NOW, {"chosen"})


def test_a_forged_request_burns_no_nonce(client):
    for secret in ("wrong", "demo-teacher-secret%26junk"):
        forged = client.get(LIST, headers=header("demo-teacher-key", secret, nonce="n-1"))
        assert forged.status_code == 401 and "signature" in forged.text
    assert client.get(LIST, headers=header(*TEACHER, nonce="n-1")).status_code == 200
    # ...which the verified request did burn
    assert client.get(LIST, headers=header(*TEACHER, nonce="n-1")).text == REPLAY


def test_verified_requests_still_set_the_sequence(client):
    assert client.get(LIST, headers=header(*TEACHER, stamp=NOW + 5)).status_code == 200
    late = client.get(LIST, headers=header(*TEACHER, stamp=NOW))
    assert late.status_code == 401
    assert late.text == ("Timestamp is out of sequence. Request rejected. "
                         f"Got {NOW} last max is {NOW + 5}")


def test_resending_the_signed_header_after_the_303_is_still_a_replay(client):
    signed = header(*STUDENT, nonce="followed")
    me = client.get("/v1/users/me", headers=signed)
    assert me.status_code == 303
    followed = client.get(f"/v1/users/{STUDENT_UID}", headers=signed)
    assert followed.status_code == 401 and followed.text == REPLAY


def flood_app(consumers):
    doc = demo_document()
    doc["consumers"] += [{"key": f"flood-{n}", "secret": "flood-secret", "uid": str(ADMIN_UID)}
                         for n in range(consumers)]
    app, client = make_app(doc)
    assert client.get(LIST, headers=header(*ADMIN)).status_code == 200  # makes the verifier
    return app.extensions["schoology_verifier"], client


def held(verifier):
    return sum(len(nonces) for _, nonces in verifier.seen.values())


def test_the_default_bounds_of_the_nonce_memory():
    assert (MAX_NONCES_PER_KEY, MAX_NONCES) == (10_000, 100_000)
    verifier, _ = flood_app(0)
    assert (verifier.max_nonces_per_key, verifier.max_nonces) == (MAX_NONCES_PER_KEY, MAX_NONCES)


def test_the_nonce_memory_stays_bounded_across_keys_under_a_flood():
    verifier, client = flood_app(40)
    verifier.max_nonces = 50  # the same rule as the default 100,000, at a size a test can fill
    for n in range(40):
        for _ in range(5):
            ok = client.get(LIST, headers=header(f"flood-{n}", "flood-secret"))
            assert ok.status_code == 200, ok.text
            assert verifier.remembered == held(verifier) <= 50
    assert verifier.remembered == 50  # 200 verified requests: it filled, then let go
    assert len(verifier.seen) == 10  # the ten keys most recently heard from, 5 nonces each
    assert ("flood-39", "") in verifier.seen and ("demo-admin-key", "") not in verifier.seen
    # the keys it still holds are protected as before
    replayed = header("flood-39", "flood-secret", nonce="again")
    assert client.get(LIST, headers=replayed).status_code == 200
    assert client.get(LIST, headers=replayed).text == REPLAY


def test_one_key_may_use_a_bounded_number_of_nonces_per_timestamp():
    verifier, client = flood_app(1)
    verifier.max_nonces_per_key = 10
    for _ in range(10):
        assert client.get(LIST, headers=header("flood-0", "flood-secret")).status_code == 200
    over = client.get(LIST, headers=header("flood-0", "flood-secret"))
    assert over.status_code == 401
    assert over.text == ("OAuth verification failed: over 10 requests with timestamp "
                         f"{NOW} from this consumer and token; sign the next ones with a "
                         "later timestamp.")
    assert len(verifier.seen[("flood-0", "")][1]) == 10
    # a later timestamp starts afresh, and the earlier nonces are let go
    assert client.get(LIST, headers=header("flood-0", "flood-secret",
                                           stamp=NOW + 1)).status_code == 200
    assert verifier.seen[("flood-0", "")][0] == NOW + 1
    assert verifier.remembered == held(verifier) == 2  # the admin's and this one


def test_keys_older_than_the_window_are_forgotten():
    verifier, client = flood_app(20)
    for n in range(20):
        assert client.get(LIST, headers=header(f"flood-{n}", "flood-secret")).status_code == 200
    assert len(verifier.seen) == 21
    assert client.post("/_mock/clock", json={"advance": 601}).status_code == 200
    assert client.get(LIST, headers=header(*ADMIN, stamp=NOW + 601)).status_code == 200
    assert list(verifier.seen) == [("demo-admin-key", "")] and verifier.remembered == 1


# --- 3. the callback, CSRF and framing -------------------------------------------------
@pytest.mark.parametrize("callback", [
    "http://evil.example/steal",
    "https://127.0.0.1.evil.example/",  # a loopback address as a subdomain
    "http://localhost.evil.example/",
    "http://127.0.0.1@evil.example/",  # user info: the host is evil.example
    "http://evil.example\\@127.0.0.1/",  # a browser reads the host as evil.example
    "http://evil.example%2f@127.0.0.1/",
    "javascript:alert(1)//127.0.0.1",
    "//evil.example/",
    "http://localhost:8000@evil.example/",
    "http://127.0.0.1 .evil.example/",
    "http://10.0.0.1/",
    "http://[::ffff:8.8.8.8]/",
])
def test_a_foreign_callback_is_refused_with_a_400_never_a_redirect(client, callback):
    pending = request_token(client)
    shown = page(client, pending[0], callback)
    assert shown.status_code == 400 and "Location" not in shown.headers
    assert shown.text.startswith("Not approved: oauth_callback ")
    assert shown.headers["Content-Type"].startswith("text/plain")
    assert shown.headers["X-Frame-Options"] == "DENY"
    sent = post(client, pending[0], callback, username="S240101", password=PASSWORDS["S240101"])
    assert sent.status_code == 400 and "Location" not in sent.headers
    assert exchange(client, STUDENT, pending) == (401, None)  # not approved


def test_the_refusal_says_why(client):
    pending = request_token(client)
    foreign = page(client, pending[0], "http://evil.example/steal").text
    assert foreign == ("Not approved: oauth_callback http://evil.example/steal is refused: with "
                       "no callback registered for this application, only a loopback address "
                       "(127.0.0.1, ::1, localhost) or this server's own host is allowed.")
    malformed = page(client, pending[0], "http://[").text
    assert malformed == ("Not approved: oauth_callback 'http://[' is not a well-formed http or "
                         "https URL (ASCII, with a host and no user name).")


@pytest.mark.parametrize("callback", ["http://[", "http://[::1", "http://127.0.0.1:99999/",
                                      "http://127.0.0.1:port/", "http:///path", "http://"])
def test_a_malformed_callback_is_a_400_not_a_500(client, callback):
    pending = request_token(client)
    assert page(client, pending[0], callback).status_code == 400
    sent = post(client, pending[0], callback, username="S240101", password=PASSWORDS["S240101"])
    assert sent.status_code == 400 and "well-formed" in sent.text


@pytest.mark.parametrize("callback", ["http://127.0.0.1:8765/cb?state=1", "http://127.9.9.9/",
                                      "https://[::1]:3000/cb", "http://localhost/cb",
                                      "http://LOCALHOST:5000/"])
def test_a_loopback_callback_is_taken(client, callback):
    pending = request_token(client)
    assert page(client, pending[0], callback).status_code == 200
    sent = post(client, pending[0], callback, username="S240101", password=PASSWORDS["S240101"])
    assert sent.status_code == 302
    joiner = "&" if "?" in callback else "?"
    # (the host as werkzeug writes it: lower case)
    expected = f"{callback}{joiner}oauth_token={pending[0]}"
    assert sent.headers["Location"].lower() == expected.lower()


def test_the_servers_own_host_is_taken():
    app, client = make_app(BASE_URL="https://sandbox.example")
    pending = request_token(client)
    assert page(client, pending[0], "https://sandbox.example/after").status_code == 200
    assert page(client, pending[0], "http://sandbox.example:8443/after").status_code == 200
    assert page(client, pending[0], "https://other.example/after").status_code == 400
    assert page(client, pending[0], "https://sub.sandbox.example/after").status_code == 400
    # a Host header is the client's to choose: it makes no address the server's own
    shown = client.get("/oauth/authorize", base_url="http://attacker.example",
                       query_string={"oauth_token": pending[0],
                                     "oauth_callback": "http://attacker.example/x"})
    assert shown.status_code == 400


def registered(callback):
    doc = demo_document()
    doc["consumers"][2]["callback"] = callback  # demo-student-key's
    return make_app(doc)[1]


@pytest.mark.parametrize("callback,taken", [
    ("https://app.example/oauth", True),
    ("https://app.example/oauth/done?state=1", True),
    ("https://APP.example:443/oauth/x", True),
    ("https://app.example/oauthx", False),
    ("https://app.example/other", False),
    ("https://app.example/oauth/../admin", False),
    ("https://app.example/oauth/%2e%2e/admin", False),
    ("http://app.example/oauth", False),  # another scheme
    ("https://app.example:8443/oauth", False),  # another port
    ("https://sub.app.example/oauth", False),  # a URL names its host exactly
    ("http://127.0.0.1/oauth", False),  # loopback only when nothing is registered
])
def test_a_registered_callback_url(callback, taken):
    client = registered("https://app.example/oauth")
    pending = request_token(client)
    assert page(client, pending[0], callback).status_code == (200 if taken else 400)


@pytest.mark.parametrize("callback,taken", [
    ("https://app.example/anything", True),
    ("http://sub.app.example:8080/x", True),
    ("https://evilapp.example/", False),
    ("https://app.example.evil.example/", False),
    ("http://localhost/", False),
])
def test_a_registered_domain(callback, taken):
    client = registered("app.example")
    pending = request_token(client)
    assert page(client, pending[0], callback).status_code == (200 if taken else 400)


def test_a_missing_or_wrong_csrf_token_is_refused(client):
    pending = request_token(client)
    other = request_token(client)
    form = {"oauth_token": pending[0], "username": "S240101", "password": PASSWORDS["S240101"]}
    for csrf in (None, "", "0" * 64, csrf_of(page(client, other[0]))):  # another token's
        data = dict(form, **({} if csrf is None else {"csrf_token": csrf}))
        refused = client.post("/oauth/authorize", data=data)
        assert refused.status_code == 403 and "CSRF token" in refused.text
    assert exchange(client, STUDENT, pending) == (401, None)
    right = client.post("/oauth/authorize", data=dict(form, csrf_token=csrf_of(
        page(client, pending[0]))))
    assert right.status_code == 200


def test_every_answer_of_the_approval_page_forbids_framing(client):
    pending = request_token(client)
    answers = [
        page(client, pending[0]),  # the page
        page(client, "no-such-token"),  # 404
        page(client, pending[0], "http://evil.example/"),  # 400
        client.post("/oauth/authorize", data={"oauth_token": pending[0]}),  # CSRF 403
        post(client, pending[0], username="x", password="y"),  # wrong password 403
        client.put("/oauth/authorize"),  # 405
        post(client, pending[0], "http://127.0.0.1/cb", username="S240101",
             password=PASSWORDS["S240101"]),  # 302
    ]
    assert [a.status_code for a in answers] == [200, 404, 400, 403, 403, 405, 302]
    for answer in answers:
        assert answer.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in client.get(LIST, headers=header(*ADMIN)).headers


def test_the_page_escapes_what_it_echoes(client):
    pending = request_token(client)
    callback = 'http://127.0.0.1/"><script>alert(1)</script>'
    shown = page(client, pending[0], callback)
    assert shown.status_code == 200 and "<script>" not in shown.text
    wrong = post(client, pending[0], username='"><script>x</script>', password="p")
    assert wrong.status_code == 403 and "<script>" not in wrong.text


def test_request_tokens_expire_and_are_bounded(store):
    """A request token lives xoauth_token_ttl seconds on the store's clock, and
    minting them in a loop keeps at most MAX_REQUEST_TOKENS waiting."""
    from schoology_mock.store.errors import NotFound as Gone
    from schoology_mock.store.oauth import MAX_REQUEST_TOKENS, REQUEST_TOKEN_TTL
    now = [1_800_000_000.0]
    store.clock = lambda: now[0]
    first = store.issue_request_token("demo-student-key")
    assert store.pending_request_token(first.token) == first
    now[0] += REQUEST_TOKEN_TTL + 1
    with pytest.raises(Gone):
        store.pending_request_token(first.token)
    assert first.token not in store.request_tokens
    tokens = [store.issue_request_token("demo-student-key").token
              for _ in range(MAX_REQUEST_TOKENS + 5)]
    assert len(store.request_tokens) == MAX_REQUEST_TOKENS
    assert tokens[0] not in store.request_tokens and tokens[-1] in store.request_tokens


def test_a_flood_that_pushes_a_key_out_cannot_replay_its_requests():
    """Filling the memory with keys of one's own forgets the teacher's key; a
    captured request of the teacher's must still not be taken again."""
    verifier, client = flood_app(40)
    verifier.max_nonces = 50
    captured = header(*TEACHER, stamp=NOW - 5, nonce="captured")
    assert client.get(LIST, headers=captured).status_code == 200
    for n in range(40):  # the flood, at the present second
        for _ in range(5):
            assert client.get(LIST, headers=header(f"flood-{n}", "flood-secret")).status_code \
                == 200
    assert ("demo-teacher-key", "") not in verifier.seen  # forgotten, for room
    replayed = client.get(LIST, headers=captured)
    assert replayed.status_code == 401 and "out of sequence" in replayed.text
    # while the teacher's next request, at the present second, is taken
    assert client.get(LIST, headers=header(*TEACHER)).status_code == 200


def test_an_access_token_issued_is_a_change_the_snapshot_keeps(client):
    store = client.application.extensions["schoology_store"]
    pending = request_token(client, STUDENT)
    assert post(client, pending[0], username="S240101",
                password=PASSWORDS["S240101"]).status_code == 200
    before = store.generation
    status, token = exchange(client, STUDENT, pending)
    assert status == 200 and store.generation > before
    assert token[0] in {t["token"] for t in client.get("/_mock/state").json["tokens"]}


def test_a_method_the_token_path_does_not_take_is_405_once_signed(client):
    """Signed with the request token, as the exchange is, a PUT to the
    access token path is checked as that path is: then 405, as Schoology
    answers a method a path does not take."""
    pending = request_token(client, STUDENT)
    answer = client.put("/v1/oauth/access_token", headers=header(*STUDENT, *pending))
    assert answer.status_code == 405 and "GET" in answer.headers["Allow"]
