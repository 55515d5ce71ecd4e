"""The OpenAPI documents: written from the routes and the contracts, valid
OpenAPI 3.1, served in JSON and YAML, written by the command, rendered at
/_mock/docs, and every example in them (the demo school's own answers)
holds to its schema."""
import json
from dataclasses import replace
import subprocess
import sys

import pytest
import requests
import yaml
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from schoology_mock import create_app
from schoology_mock.toolkit import openapi

DIALECTS = ("schoology", "canvas")


class Documents(dict):
    """Each dialect's document, built on first use."""

    def __missing__(self, name):
        app = create_app({"TESTING": True})
        self[name] = openapi.build(app, name, "http://127.0.0.1:8000")
        return self[name]


@pytest.fixture(scope="module")
def documents():
    return Documents()


@pytest.mark.parametrize("name", DIALECTS)
def test_the_document_is_valid_openapi_3_1(documents, name):
    doc = documents[name]
    validate(doc)
    assert doc["openapi"] == "3.1.0"
    assert doc["servers"][0]["url"] == "http://127.0.0.1:8000"


@pytest.mark.parametrize("name", DIALECTS)
def test_every_served_route_of_the_dialect_is_in_the_document(documents, name):
    app = create_app({"TESTING": True})
    prefix = app.extensions["schoology_dialects"][name].contract.prefix
    served = {(m.lower(), openapi.openapi_path(r.rule)) for r in app.url_map.iter_rules()
              if r.rule.startswith(prefix) for m in r.methods - {"HEAD", "OPTIONS"}}
    described = {(m, p) for p, ops in documents[name]["paths"].items() for m in ops}
    assert served == described and len(served) > 20


def test_a_route_without_a_contract_stops_the_build():
    app = create_app({"TESTING": True})
    app.add_url_rule("/v1/sections/<id:realm_id>/grades", "grades", lambda realm_id: "")
    with pytest.raises(LookupError, match="get /v1/sections/{realm_id}/grades: served, but"):
        openapi.build(app, "schoology")


def test_a_contract_without_a_route_stops_the_build():
    app = create_app({"TESTING": True})
    dialects = app.extensions["schoology_dialects"]
    contract = dialects["schoology"].contract
    roles = contract.operations["get /v1/roles"]
    dialects["schoology"] = replace(dialects["schoology"], contract=replace(
        contract, operations=dict(contract.operations, **{"get /v1/titles": roles})))
    with pytest.raises(LookupError, match="get /v1/titles: described, but not served"):
        openapi.build(app, "schoology")


def examples(doc):
    """(where, example, schema) for every JSON example of the document."""
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            bodies = [("request", op.get("requestBody", {}))] + list(op["responses"].items())
            for status, body in bodies:
                for mediatype, content in body.get("content", {}).items():
                    if "example" in content and mediatype.endswith("json"):
                        yield (f"{method} {path} {status}", content["example"],
                               content["schema"])


def registry_of(doc):
    """The document as a JSON Schema resource, so that its $refs resolve."""
    return Registry().with_resource("urn:doc", Resource.from_contents(
        doc, default_specification=DRAFT202012))


@pytest.mark.parametrize("name", DIALECTS)
def test_every_example_holds_to_its_schema(documents, name):
    doc = documents[name]
    registry = registry_of(doc)
    seen = 0
    for where, example, schema in examples(doc):
        schema = json.loads(json.dumps(schema).replace('"#/components', '"urn:doc#/components'))
        errors = list(OAS31Validator(schema, registry=registry).iter_errors(example))
        assert not errors, (where, [e.message for e in errors][:3])
        seen += 1
    assert seen >= 20  # most operations have a sample


def test_the_schemas_are_strict_enough_to_catch_a_wrong_answer(documents):
    """An answer with a field of the wrong type, or one too many, breaks it."""
    doc = documents["schoology"]
    registry = registry_of(doc)
    get = doc["paths"]["/v1/sections/{realm_id}/enrollments/{enrollment_id}"]["get"]
    content = get["responses"]["200"]["content"]["application/json"]
    schema = {"$ref": "urn:doc" + content["schema"]["$ref"]}
    good = content["example"]
    assert OAS31Validator(schema, registry=registry).is_valid(good)
    for bad in (dict(good, status=1), dict(good, extra="x"),
                {k: v for k, v in good.items() if k != "uid"}):
        assert not OAS31Validator(schema, registry=registry).is_valid(bad)


@pytest.mark.parametrize("name", DIALECTS)
def test_served_in_json_and_yaml_with_this_server_first(live, name):
    as_json = requests.get(f"{live.url}/_mock/openapi/{name}.json", timeout=30)
    as_yaml = requests.get(f"{live.url}/_mock/openapi/{name}.yaml", timeout=30)
    assert as_json.status_code == as_yaml.status_code == 200
    assert as_json.headers["Content-Type"] == "application/json"
    assert as_yaml.headers["Content-Type"].startswith("application/yaml")
    assert yaml.safe_load(as_yaml.text) == as_json.json()
    assert as_json.json()["servers"][0]["url"] == live.url


def test_the_command_writes_the_document(documents):
    for name in DIALECTS:
        out = subprocess.run([sys.executable, "-m", "schoology_mock", "openapi",
                              "--dialect", name], capture_output=True, text=True, check=True)
        assert json.loads(out.stdout) == documents[name]
    out = subprocess.run([sys.executable, "-m", "schoology_mock", "openapi", "--format", "yaml",
                          "--server", "https://mock.example"], capture_output=True, text=True,
                         check=True)
    doc = yaml.safe_load(out.stdout)
    assert doc["servers"][0]["url"] == "https://mock.example"
    assert doc["paths"] == documents["schoology"]["paths"]


def test_the_docs_page_renders_both_documents_from_local_files(live):
    page = requests.get(f"{live.url}/_mock/docs/", timeout=10)
    assert page.status_code == 200 and "swagger-ui-bundle.js" in page.text
    assert "/_mock/openapi/schoology.json" in page.text
    assert "/_mock/openapi/canvas.json" in page.text
    assert "https://" not in page.text.split("<body>", 1)[1]  # nothing from the internet
    bundle = requests.get(f"{live.url}/_mock/docs/swagger-ui-bundle.js", timeout=10)
    assert bundle.status_code == 200 and len(bundle.content) > 100_000


def test_an_unknown_document_is_a_404(live):
    assert requests.get(f"{live.url}/_mock/openapi/moodle.json", timeout=10).status_code == 404
    assert requests.get(f"{live.url}/_mock/openapi/canvas.xml", timeout=10).status_code == 404



def test_every_xml_example_holds_to_its_schema(documents):
    """The XML answers (read as the JSON their schema describes: XML carries
    no types) hold to the same schemas as the JSON ones."""
    from schoology_mock.schoology.formats import xmlfmt
    from test_readme_contract import typed
    doc = documents["schoology"]
    registry = registry_of(doc)
    seen = 0
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            bodies = [("request", op.get("requestBody", {}))] + list(op["responses"].items())
            for status, body in bodies:
                content = body.get("content", {}).get("text/xml", {})
                if "example" not in content:
                    continue
                value = typed(doc, xmlfmt.loads(content["example"].encode()), content["schema"])
                schema = json.loads(json.dumps(content["schema"]).replace(
                    '"#/components', '"urn:doc#/components'))
                errors = list(OAS31Validator(schema, registry=registry).iter_errors(value))
                assert not errors, (method, path, status, [e.message for e in errors][:3])
                seen += 1
    assert seen >= 25


def test_a_new_host_each_time_does_not_grow_what_is_kept(live):
    """The document names the Host it was asked on, yet keeps one copy."""
    for n in range(5):
        doc = requests.get(f"{live.url}/_mock/openapi/schoology.json", timeout=30,
                           headers={"Host": f"mock-{n}.localhost"}).json()
        assert doc["servers"][0]["url"] == f"http://mock-{n}.localhost"
        assert list(doc)[:3] == ["openapi", "info", "servers"]
    assert list(live.app.extensions["schoology_openapi"]) == ["schoology"]
