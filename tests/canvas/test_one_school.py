"""One school seen through both dialects: Schoology's changes in Canvas,
the state round trip of every Canvas key, Rails' JSON escaping, and the
journal and faults over Canvas requests."""
import json


from helpers import ALGEBRA, CANVAS_TEACHER, DYLAN, DYLAN_P1, P3, SECTION, Api, Canvas, post
from schoology_mock.store import build_store


def test_schoology_changes_are_seen_by_canvas(canvas, app, store):
    schoology = Api(app.test_client())
    assert schoology.call("DELETE", f"/v1/sections/{SECTION}/enrollments/{DYLAN_P1}"
                          ).status_code == 204
    assert canvas.get(f"accounts/self/enrollments/{DYLAN_P1}").json["enrollment_state"] == \
        "deleted"
    listed = canvas.get(f"sections/{SECTION}/enrollments?per_page=100").json
    assert DYLAN_P1 not in {r["id"] for r in listed}
    schoology.call("PUT", f"/v1/sections/{SECTION}/enrollments/54302518", body={"admin": 1})
    assert canvas.get("accounts/self/enrollments/54302518").json["type"] == "TeacherEnrollment"
    created = schoology.call("POST", f"/v1/sections/{P3}/enrollments",
                             body={"uid": DYLAN, "admin": 0, "status": 4}).json
    seen = canvas.get(f"accounts/self/enrollments/{created['id']}").json
    assert (seen["type"], seen["enrollment_state"]) == ("StudentEnrollment", "creation_pending")


def test_state_round_trips_every_canvas_key(canvas, store):
    canvas.call("DELETE", f"courses/{ALGEBRA}/enrollments/{DYLAN_P1}", data={"task": "delete"})
    post(canvas, f"sections/{P3}/enrollments", user_id="45553412", type="ObserverEnrollment",
         associated_user_id=str(DYLAN), end_at="2027-06-11")
    exported = store.export()
    assert {"canvas_accounts", "canvas_tokens"} <= set(exported)
    assert build_store(json.loads(json.dumps(exported))).export() == exported


def test_rails_json_escaping(canvas, store):
    store.update_user(DYLAN, name_first="Dylan <Dee> & co")
    text = canvas.get(f"users/{DYLAN}").data.decode()
    assert "Dylan \\u003cDee\\u003e \\u0026 co" in text and "<" not in text


def test_journal_and_faults_cover_canvas(canvas_app):
    client, canvas = canvas_app.test_client(), None
    canvas = Canvas(client, CANVAS_TEACHER)
    canvas.get(f"sections/{SECTION}")
    entry = canvas_app.extensions["schoology_journal"].select(path="/api/v1/")[-1]
    assert entry["dialect"] == "canvas" and entry["identity"]["uid"] == 45552101
    canvas_app.extensions["schoology_faults"].add(
        {"path": "/api/v1/sections/.*", "status": 503, "body": "maintenance", "times": 1})
    faulted = canvas.get(f"sections/{SECTION}")
    assert faulted.status_code == 503 and faulted.json == {"errors": [{"message": "maintenance"}]}
    assert canvas.get(f"sections/{SECTION}").status_code == 200
