"""Generated requests (hypothesis) across every write endpoint of both
dialects and the list parameters, in every format each speaks: no answer is
a 5xx, and a refused request (4xx) leaves the whole store export as it was.

The values are drawn near what the endpoints expect (real ids, fields they
read, a little off) and far from it (wrong types, long numbers, other
digits, control characters, lone surrogates, deep nesting), so that both
the checks and what lies behind them are reached."""
import json
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from helpers import to_xml_body
from schoology_mock import create_app

SECTIONS, GROUPS = [3719526, 3719541, 3719588, 3719603], [1530027713, 1530027790]
COURSES = [2091834501, 2091834577]
USERS = [45552222, 45552256, 45553412, 45552183, 45552101, 45553001, 45553138]
ENROLLMENTS = [54302506, 54303301, 54303315, 54303322]
ODD = ["", " ", "0", "-1", "1.5", "9" * 40, "9" * 5000, "\u0663", "\u00b2", "\x01", "\ud800",
       "<x/>", "a&b", "null", "true", "self", "sis_user_id:S240101", "hex:sis_user_id:00"]

scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 10 ** 12),
                    st.floats(allow_nan=True), st.sampled_from(ODD),
                    st.sampled_from([str(u) for u in USERS + SECTIONS + ENROLLMENTS]),
                    st.text(max_size=12))
ids = st.one_of(st.sampled_from(USERS + SECTIONS + GROUPS + ENROLLMENTS + COURSES),
                st.sampled_from(ODD), st.integers(0, 10 ** 10))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(
        ["uid", "admin", "status", "enrollment", "enrollments", "id", "x"]), inner, max_size=3)),
    max_leaves=8)

# Schoology: fields of an enrollment item, and of the import rows.
FIELDS = ["uid", "admin", "status", "id", "school_uid", "course_code", "section_code",
          "section_school_code", "delete", "realm", "realm_id", "access_code", "x"]
item = st.dictionaries(st.sampled_from(FIELDS), st.one_of(ids, scalars, values), max_size=5)
schoology_body = st.one_of(
    item,
    st.builds(lambda rows: {"enrollments": {"enrollment": rows}}, st.lists(item, max_size=4)),
    st.builds(lambda v: {"enrollments": v}, values),
    values)


def path_id(value):
    """A value as it travels in a path or query: percent-encoded, a lone
    surrogate as the UTF-8 bytes a careless client would send."""
    return quote(str(value), safe="", errors="surrogatepass")


def form_text(form):
    return urlencode(form, quote_via=lambda text, safe, encoding, errors: quote(
        text, safe, "utf-8", "surrogatepass"))


@st.composite
def schoology_requests(draw):
    realm = draw(st.sampled_from(["sections", "groups"]))
    realm_id = path_id(draw(st.one_of(st.sampled_from(SECTIONS if realm == "sections"
                                                      else GROUPS), ids)))
    item_id = path_id(draw(ids))
    method, path = draw(st.sampled_from([
        ("POST", f"/v1/{realm}/{realm_id}/enrollments"),
        ("PUT", f"/v1/{realm}/{realm_id}/enrollments"),
        ("PUT", f"/v1/{realm}/{realm_id}/enrollments/{item_id}"),
        ("DELETE", f"/v1/{realm}/{realm_id}/enrollments/{item_id}"),
        ("POST", f"/v1/{realm}/{realm_id}/accesscode"),
        ("POST", "/v1/enrollments"),
        ("DELETE", f"/v1/enrollments?enrollment_ids={path_id(draw(ids))},{item_id}"),
        ("POST", "/v1/enrollments/import/course"),
        ("POST", f"/v1/enrollments/import/course/{draw(st.sampled_from(['812201', '812202,812201', path_id(draw(ids))]))}"),
        ("GET", f"/v1/{realm}/{realm_id}/enrollments?" + "&".join(
            f"{k}={path_id(draw(ids))}" for k in draw(st.lists(st.sampled_from(
                ["start", "limit", "uid", "status", "admin", "type", "x"]), max_size=3)))),
    ]))
    fmt = draw(st.sampled_from(["json", "xml"]))
    body = draw(schoology_body) if method in ("POST", "PUT") else None
    return method, path, fmt, body


CANVAS_FORM = st.dictionaries(
    st.sampled_from(["enrollment[user_id]", "enrollment[type]", "enrollment[role_id]",
                     "enrollment[enrollment_state]", "enrollment[start_at]",
                     "enrollment[end_at]", "enrollment[associated_user_id]",
                     "enrollment[temporary_enrollment_source_user_id]",
                     "enrollment[temporary_enrollment_pairing_id]",
                     "enrollment[course_section_id]", "enrollment[][x]", "enrollment",
                     "task", "date", "user_ids[]", "course_ids[]", "enrollment_type",
                     "enrollment_role_id", "workflow_state", "ending_enrollment_state",
                     "state[]", "type[]", "role[]", "include[]", "page", "per_page",
                     "user_id", "a[b][c]", "x", "search_term", "starts_before", "ends_after",
                     "enrollment_term_id", "enrollment_type[]", "enrollment_state[]",
                     "enrollment_state", "user_ids", "sort", "order", "published",
                     "with_enrollments", "completed", "workflow_state[]"]),
    st.one_of(st.sampled_from(ODD), st.sampled_from([str(v) for v in USERS + SECTIONS]),
              st.sampled_from(["StudentEnrollment", "TeacherEnrollment", "active", "invited",
                               "conclude", "delete", "2026-12-01", "completed", "first"]),
              st.text(max_size=10)),
    max_size=6)


@st.composite
def canvas_requests(draw):
    course = path_id(draw(st.one_of(st.sampled_from(COURSES), ids)))
    section = path_id(draw(st.one_of(st.sampled_from(SECTIONS), ids)))
    enrollment = path_id(draw(ids))
    user = path_id(draw(st.one_of(st.sampled_from(USERS + ["self"]), ids)))
    method, path = draw(st.sampled_from([
        ("POST", f"/api/v1/courses/{course}/enrollments"),
        ("POST", f"/api/v1/sections/{section}/enrollments"),
        ("DELETE", f"/api/v1/courses/{course}/enrollments/{enrollment}"),
        ("POST", f"/api/v1/courses/{course}/enrollments/{enrollment}/accept"),
        ("POST", f"/api/v1/courses/{course}/enrollments/{enrollment}/reject"),
        ("PUT", f"/api/v1/courses/{course}/enrollments/{enrollment}/reactivate"),
        ("PUT", f"/api/v1/courses/{course}/users/{user}/last_attended"),
        ("POST", "/api/v1/accounts/self/bulk_enrollment"),
        ("POST", "/api/v1/accounts/self/temporary_enrollment_pairings"),
        ("DELETE", f"/api/v1/accounts/self/temporary_enrollment_pairings/{enrollment}"),
        ("GET", f"/api/v1/courses/{course}/enrollments"),
        ("GET", f"/api/v1/sections/{section}/enrollments"),
        ("GET", f"/api/v1/users/{user}/enrollments"),
        ("GET", "/api/v1/accounts/self/courses"),
        ("GET", "/api/v1/accounts/self/users"),
        ("GET", "/api/v1/accounts/self/terms"),
        ("GET", "/api/v1/courses"),
        ("GET", f"/api/v1/courses/{course}/users"),
        ("GET", f"/api/v1/courses/{course}/sections/{section}"),
    ]))
    form = draw(CANVAS_FORM)
    how = draw(st.sampled_from(["form", "json", "query"]))
    return method, path, how, form


def nested(form):
    """The form as the JSON a Rails client would send (a[b]=1 -> {"a": {"b": "1"}})."""
    out = {}
    for name, value in form.items():
        parts = name.replace("]", "").split("[")
        here = out
        for part in parts[:-1]:
            here = here.setdefault(part or "_", {}) if isinstance(here, dict) else {}
        if isinstance(here, dict):
            here[parts[-1] or "_"] = value
    return out


@pytest.fixture(scope="module")
def client():
    app = create_app({"TESTING": True, "AUTH": "off", "RATE_LIMIT": None, "JOURNAL_SIZE": 0})
    app.logger.disabled = True
    return app.test_client()


def export(client):
    return json.dumps(client.get("/_mock/state").json, sort_keys=True)


def check(client, method, path, **kw):
    before = export(client)
    answer = client.open(path, method=method, **kw)
    assert answer.status_code < 500, (method, path, kw, answer.data[:300])
    if 400 <= answer.status_code < 500:
        assert export(client) == before, (method, path, kw, answer.status_code)
    return answer.status_code


SETTINGS = settings(max_examples=600, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture
def statuses():
    """The statuses a property test saw, over all its examples (the fixture
    lives as long as the test, not an example): afterwards, at least 500
    requests, some accepted and some refused, so that the property was tried
    on both sides of the checks."""
    seen = []
    yield seen
    assert len(seen) >= 500, len(seen)
    assert any(s < 300 for s in seen) and any(400 <= s < 500 for s in seen), sorted(set(seen))


@SETTINGS
@given(request=schoology_requests())
def test_schoology_requests_never_fail_and_refusals_change_nothing(client, statuses, request):
    method, path, fmt, body = request
    accept = {"json": "application/json", "xml": "text/xml"}[fmt]
    data, kind = None, None
    if body is not None:
        if fmt == "json":
            data, kind = json.dumps(body), "application/json"
        else:
            try:
                data = to_xml_body(body if isinstance(body, dict) else {"value": body})
            except (ValueError, TypeError):  # a value xmltodict cannot write: send raw text
                data = b"<body>" + repr(body).encode("utf-8", "replace") + b"</body>"
            kind = "text/xml"
    headers = {"Accept": accept, **({"Content-Type": kind} if kind else {})}
    statuses.append(check(client, method, path, data=data, headers=headers))


@SETTINGS
@given(request=canvas_requests())
def test_canvas_requests_never_fail_and_refusals_change_nothing(client, statuses, request):
    method, path, how, form = request
    if how == "json":
        status = check(client, method, path, data=json.dumps(nested(form)),
                       headers={"Content-Type": "application/json"})
    elif how == "form":
        status = check(client, method, path, data=form_text(form),
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    else:
        status = check(client, method, f"{path}?{form_text(form)}")
    statuses.append(status)
