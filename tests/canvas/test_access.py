"""Who may call Canvas's /api/v1: bearer tokens, refusals in Canvas's shapes,
authentication off, and Schoology's rate limit left out."""


from helpers import (CANVAS_STUDENT, CANVAS_TEACHER, DYLAN_P1, ENGLISH, NOT_FOUND,
                     SECTION, Canvas)


def test_no_token_bad_token_and_not_permitted(canvas):
    path = f"sections/{SECTION}/enrollments"
    anonymous = canvas.client.get("/api/v1/" + path)
    assert anonymous.status_code == 401
    assert anonymous.json == {"status": "unauthenticated",
                              "errors": [{"message": "user authorization required"}]}
    assert anonymous.headers["WWW-Authenticate"] == 'Bearer realm="canvas-lms"'
    bad = canvas.get(path, token="nope")
    assert bad.status_code == 401 and bad.json == {"errors": [{"message": "Invalid access token."}]}
    assert bad.headers["WWW-Authenticate"] == 'Bearer realm="canvas-lms"'
    in_query = canvas.client.get(f"/api/v1/{path}?access_token={CANVAS_TEACHER}")
    assert in_query.status_code == 200
    refused = canvas.get(f"users/{45552256}/enrollments", token=CANVAS_STUDENT)
    assert refused.status_code == 403 and "WWW-Authenticate" not in refused.headers
    assert refused.json == {"status": "unauthorized", "errors": [
        {"message": "user not authorized to perform that action"}]}
    assert canvas.get("accounts/self", token=CANVAS_TEACHER).status_code == 403


def test_unknown_ids_paths_and_methods_are_canvas_404s(canvas):
    for method, path in (("GET", "courses/1/enrollments"), ("GET", "sections/x/enrollments"),
                         ("GET", "users/sis_user_id:NOPE/enrollments"), ("GET", "nothing/here"),
                         ("PATCH", f"sections/{SECTION}/enrollments"),
                         ("GET", "accounts/2/enrollments/54302505"),
                         ("GET", "accounts/self/enrollments/1530027713"),
                         ("DELETE", f"courses/{ENGLISH}/enrollments/{DYLAN_P1}")):
        response = canvas.call(method, path)
        assert (response.status_code, response.json) == (404, NOT_FOUND), (method, path)


def test_auth_off_makes_every_canvas_request_the_administrator(api):
    response = api.client.get("/api/v1/users/self")
    assert response.status_code == 200 and response.json["id"] == 45553001


def test_the_schoology_rate_limit_does_not_apply(store):
    from schoology_mock import create_app
    client = create_app({"TESTING": True, "RATE_LIMIT": "2/60"}, store=store).test_client()
    canvas = Canvas(client, CANVAS_TEACHER)
    assert all(canvas.get(f"sections/{SECTION}").status_code == 200 for _ in range(10))
