"""Content negotiation, Schoology's headers, and the JSON/XML writers and reader."""
import json

import pytest

from schoology_mock.schoology.formats import jsonfmt, xmlfmt
from helpers import SECTION

URL = f"/v1/sections/{SECTION}/enrollments?limit=1"


@pytest.mark.parametrize("accept,kind", [
    (None, "json"), ("*/*", "json"), ("application/json", "json"), ("text/xml", "xml"),
    ("application/xml", "xml"), ("text/xml;q=1.0,application/json;q=0.0", "xml"),
    ("application/json;q=0.5, text/xml;q=0.9", "xml"), ("text/html", "json"),
    ("application/json, text/xml", "json")])
def test_accept_chooses_the_format(api, accept, kind):
    headers = {} if accept is None else {"Accept": accept}
    response = api.client.get(URL, headers=headers)
    expected = "text/xml; charset=UTF-8" if kind == "xml" else "application/json; charset=UTF-8"
    assert response.headers["Content-Type"] == expected
    assert response.data.startswith(b"<?xml" if kind == "xml" else b"{")


@pytest.mark.parametrize("accept", ["application/json", "text/xml"])
def test_schoology_headers_on_every_answer(api, accept):
    for response in (api.client.get(URL, headers={"Accept": accept}),
                     api.client.get("/v1/sections/1/enrollments", headers={"Accept": accept}),
                     api.client.delete(f"/v1/sections/{SECTION}/enrollments/54302505",
                                       headers={"Accept": accept})):
        assert response.headers["X-Schoology"] == "API"
        assert response.headers["Cache-Control"] == (
            "no-cache, no-store, must-revalidate, post-check=0, pre-check=0")


def test_json_writer_is_php_json_encode():
    assert jsonfmt.dumps({"a": "http://x/y", "n": 1, "e": "", "u": "Zoë"}) == \
        b'{"a":"http:\\/\\/x\\/y","n":1,"e":"","u":"Zo\\u00eb"}'
    assert json.loads(jsonfmt.dumps({"u": "Zoë / 🎓"})) == {"u": "Zoë / 🎓"}


def test_xml_writer_layout_and_escaping():
    out = xmlfmt.dumps({"enrollment": [{"id": "1", "name": "A & B <c>", "e": "", "n": None,
                                        "links": {"self": "http://x?a=1&b=2"}}],
                        "total": "1", "grading_periods": [435, 436]}).decode()
    assert out == ('<?xml version="1.0" encoding="utf-8" ?>\n<result>\n'
                   "  <enrollment>\n    <id>1</id>\n    <name>A &amp; B &lt;c&gt;</name>\n"
                   "    <e />\n    <n />\n    <links>\n      <self>http://x?a=1&amp;b=2</self>\n"
                   "    </links>\n  </enrollment>\n  <total>1</total>\n"
                   "  <grading_periods>435</grading_periods>\n"
                   "  <grading_periods>436</grading_periods>\n</result>\n")


def test_xml_reader_ignores_the_root_name_and_lists_repeats():
    assert xmlfmt.loads(b"<result><uid>1</uid><admin>0</admin></result>") == \
        {"uid": "1", "admin": "0"}
    assert xmlfmt.loads(b'<?xml version="1.0"?>\n<body>\n  <enrollments>\n    <enrollment>'
                        b"<uid>1</uid></enrollment>\n    <enrollment><uid>2</uid>"
                        b"</enrollment>\n  </enrollments>\n</body>") == \
        {"enrollments": {"enrollment": [{"uid": "1"}, {"uid": "2"}]}}
    assert xmlfmt.loads("<body><name>Zoë</name></body>".encode("utf-8")) == {"name": "Zoë"}


@pytest.mark.parametrize("raw", [
    b"<body><uid>1</uid>", b"", b"not xml",
    b'<!DOCTYPE lol [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><body>&b;</body>',
    b'<!DOCTYPE x SYSTEM "file:///etc/passwd"><body/>'])
def test_xml_reader_refuses_broken_and_dtd_documents(raw):
    with pytest.raises(xmlfmt.XMLError):
        xmlfmt.loads(raw)


def test_rows_are_encoded_as_the_json_module_would_with_ensure_ascii():
    """orjson writes the rows; what it leaves raw (past ASCII, DEL) or refuses
    (a lone surrogate) must come out as json.dumps(ensure_ascii=True) has it."""
    import json
    import random
    from schoology_mock.schoology.formats import jsonfmt
    reference = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode
    rng = random.Random(7)
    pieces = ["a", "é", "\x01", "\x7f", "/", '"', "\\", "\n", "\U0001F600", "\u2028", "\ud800",
              "中", "\x1f", " ", "<", "\ufffd"]
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        value = {"k" + text: [text, 1, None, True, {"x": text}], "n": rng.randint(-10**12, 10**12)}
        assert jsonfmt._encoded(value) == reference(value), repr(text)
