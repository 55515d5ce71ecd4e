"""Contract notes on Schoology requests: what the real API would silently
ignore, coerce or cap is noted in the journal, in JSON and in XML; with
strict mode on it is refused with a 400 naming it, and nothing changes."""
import pytest
import requests

from helpers import ACCEPT, ADMIN, CONTENT_TYPE, FORMATS, SECTION, free_users, to_xml_body

LIST = f"/v1/sections/{SECTION}/enrollments"
IMPORT = "/v1/enrollments/import/course"


def free_uid(server):
    return free_users(server.app.extensions["schoology_store"], "section", SECTION, 1)[0]


# (kind, method, path, body given the free uid, what the note names, its clean twin)
SLOPPY = [
    ("unknown parameter", "GET", LIST + "?limit=5&colour=red", None, "colour", LIST + "?limit=5"),
    ("unknown field", "POST", LIST, lambda uid: {"uid": uid, "admin": 0, "status": 1, "admn": 1},
     "admn", None),
    ("unknown field", "POST", IMPORT, lambda uid: {"enrollments": {"enrollment": [
        {"section_school_code": "MATH101-P1-2026", "school_uid": "T1002", "grade": "A"}]}},
     "enrollments.enrollment[0].grade", None),
    ("coerced", "POST", LIST, lambda uid: {"uid": f" {uid} ", "admin": 0, "status": 1},
     "uid", None),
    ("coerced", "POST", IMPORT, lambda uid: {"enrollments": {"enrollment": [
        {"section_school_code": "MATH101-P1-2026", "school_uid": 1002}]}},
     "enrollments.enrollment[0].school_uid", None),
    ("capped", "GET", LIST + "?limit=500", None, "limit: 500 is served as 200",
     LIST + "?limit=200"),
    ("ignored", "GET", LIST + "?picture_size=big,sm", None, "picture_size",
     LIST + "?picture_size=big"),
    ("ignored", "GET", LIST + "?start=0&limit=5&start=5", None, "start", LIST + "?start=0&limit=5"),
]
IDS = [f"{kind}-{names}" for kind, _, _, _, names, _ in SLOPPY]


def send(server, fmt, method, path, body):
    headers = {"Accept": ACCEPT[fmt]}
    data = None
    if body is not None:
        headers["Content-Type"] = CONTENT_TYPE[fmt]
        data = to_xml_body(body) if fmt == "xml" else None
    return requests.request(method, server.url + path, headers=headers, timeout=10,
                            data=data, json=body if fmt == "json" else None)


def journal(server, query="notes=1"):
    return requests.get(f"{server.url}/_mock/requests?{query}", timeout=10).json()["requests"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind,method,path,body,named,clean", SLOPPY, ids=IDS)
def test_each_kind_of_note_is_in_the_journal(start_server, fmt, kind, method, path, body,
                                             named, clean):
    server = start_server(AUTH="off")
    sent = body(free_uid(server)) if body else None
    answer = send(server, fmt, method, path, sent)
    assert answer.status_code < 300, answer.text  # the real API takes it
    noted = journal(server)
    if kind == "coerced" and fmt == "xml":
        assert noted == []  # XML is all text: nothing to coerce
        return
    assert len(noted) == 1 and noted[0]["path"] == path.split("?")[0]
    assert any(n.startswith(f"{kind}: {named}") for n in noted[0]["notes"]), noted[0]["notes"]
    if clean:
        send(server, fmt, method, clean, None)
        assert len(journal(server)) == 1  # the clean twin has none
        assert journal(server, "notes=0")[-1]["notes"] == []


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind,method,path,body,named,clean", SLOPPY, ids=IDS)
def test_strict_mode_refuses_each_kind_and_changes_nothing(start_server, fmt, kind, method,
                                                          path, body, named, clean):
    server = start_server(AUTH="off", STRICT=True)
    before = requests.get(f"{server.url}/_mock/state", timeout=10).content
    sent = body(free_uid(server)) if body else None
    answer = send(server, fmt, method, path, sent)
    if kind == "coerced" and fmt == "xml":
        assert answer.status_code < 300  # nothing to refuse in XML
        return
    assert answer.status_code == 400
    if fmt == "json":
        message = answer.json()
    else:
        assert answer.text.startswith('<?xml version="1.0" encoding="utf-8" ?>\n<result>')
        message = answer.text.split("<result>", 1)[1].split("</result>", 1)[0]
    assert message.startswith(f"Strict mode: {kind}: {named}"), message
    assert requests.get(f"{server.url}/_mock/state", timeout=10).content == before
    if clean:
        assert send(server, fmt, method, clean, None).status_code == 200


def test_the_journal_filter_takes_only_yes_or_no(live):
    bad = requests.get(f"{live.url}/_mock/requests?notes=maybe", timeout=10)
    assert bad.status_code == 400 and "notes" in bad.json()["error"]
    count = requests.post(f"{live.url}/_mock/requests/count", json={"notes": True}, timeout=10)
    assert count.json() == {"count": 0}


def test_a_real_client_sends_nothing_strict_mode_refuses(edfi_schoology, start_server):
    """The Ed-Fi extractor lists, creates, bulk-creates and bulk-deletes
    against a strict mock, signed with OAuth, then reads the roster."""
    server = start_server(STRICT=True, RATE_LIMIT=None)
    uids = free_users(server.app.extensions["schoology_store"], "section", SECTION, 3)
    done = edfi_schoology(server, ADMIN, "enroll_and_extract", section=SECTION, uids=uids)
    assert done["listed"] > 5 and done["deleted"] == [200] * 3
    assert done["roles"] and done["users"] and done["courses"] and done["sections"]
    assert journal(server) == []
    assert len(journal(server, "")) > 10  # it did reach the mock


def test_serve_strict_alone_is_on():
    from schoology_mock.serving.cli import build_parser, configure
    config, _ = configure(build_parser().parse_args(["serve", "--strict"]), {})
    assert config["STRICT"] is True
    config, _ = configure(build_parser().parse_args(["serve", "--strict", "off"]), {})
    assert config["STRICT"] is False
    config, _ = configure(build_parser().parse_args(["serve"]), {})
    assert config.get("STRICT", False) is False


def test_schoolopy_lists_in_strict_mode_but_its_limit_elsewhere_is_refused(start_server):
    """schoolopy appends limit=20 to every GET, POST and PUT: a list takes it;
    a single user does not, and strict mode says so."""
    import schoolopy
    server = start_server(STRICT=True, RATE_LIMIT=None)
    client = schoolopy.Schoology(schoolopy.Auth(*ADMIN), api_host=f"{server.url}/v1/")
    assert len(client.get_section_enrollments(SECTION)) == 20
    assert client.get_roles() and client.get_user_sections(45552101)
    with pytest.raises(requests.HTTPError) as refused:
        client.get_user(45552101)
    assert refused.value.response.status_code == 400
    assert refused.value.response.json().startswith("Strict mode: unknown parameter: limit")


def test_the_pytest_plugin_option_makes_a_suite_fail_on_sloppy_requests(pytester):
    pytester.makeini("[pytest]\nschoology_mock_auth = off\nschoology_mock_strict = on\n")
    pytester.makepyfile(test_sloppy=f'''
import requests

def test_sloppy(schoology_mock):
    url = schoology_mock.url + "/sections/{SECTION}/enrollments"
    assert requests.get(url + "?limit=500", timeout=10).status_code == 400
    assert requests.get(url + "?limit=5", timeout=10).status_code == 200
    assert [e["notes"] for e in schoology_mock.journal.requests(notes=True)] == [
        ["capped: limit: 500 is served as 200"]]
    assert schoology_mock.journal.count(notes=False) == 1
''')
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_a_body_read_as_the_envelope_notes_the_single_fields_it_passes_over(start_server):
    """With the bulk envelope there, the view takes it: the one enrollment's
    fields beside it are what Schoology ignores."""
    server = start_server(AUTH="off")
    first, second = free_users(server.app.extensions["schoology_store"], "section", SECTION, 2)
    answer = send(server, "json", "POST", LIST, {
        "uid": first, "admin": 0, "status": 1,
        "enrollments": {"enrollment": [{"uid": second, "admin": 0, "status": 1, "grade": 9}]}})
    assert answer.status_code == 207
    notes = journal(server)[0]["notes"]
    assert sorted(n.split(":")[1].strip() for n in notes) == [
        "admin", "enrollments.enrollment[0].grade", "status", "uid"]


def test_a_single_enrollment_takes_no_paging_and_says_so(live):
    url = f"{live.url}{LIST}/54302505?limit=abc&picture_size=big"
    assert requests.get(url, timeout=10).status_code == 200
    assert journal(live)[0]["notes"] == [
        "unknown parameter: limit: not a parameter of this endpoint; Schoology ignores it"]


def test_a_padded_code_is_coerced(live):
    answer = send(live, "json", "POST", IMPORT, {"enrollments": {"enrollment": [
        {"section_school_code": " MATH101-P1-2026 ", "school_uid": "T1002"}]}})
    assert answer.status_code == 207
    assert journal(live)[0]["notes"] == [
        "coerced: enrollments.enrollment[0].section_school_code: ' MATH101-P1-2026 ' is read "
        "as 'MATH101-P1-2026'"]


def test_strict_mode_refuses_the_first_note_in_the_order_of_kinds(start_server):
    server = start_server(AUTH="off", STRICT=True)
    answer = send(server, "json", "GET", LIST + "?limit=500&colour=red", None)
    assert answer.json().startswith("Strict mode: unknown parameter: colour")
