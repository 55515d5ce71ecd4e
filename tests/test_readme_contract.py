"""Every README example, sent to a live mock, holds to the served document:
its request (parameters, body and credentials) and its answer (status,
headers and body), checked by openapi-core. The Schoology examples are sent
signed as the administrator, as a real client sends them. An XML body is
read into the JSON the document's schema describes (XML carries no types:
<admin>1</admin> is the integer the schema says), then checked as that JSON."""
import json
import re

import pytest
import requests
from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_schema_validator import OAS31Validator
from requests_oauthlib import OAuth1

from helpers import ADMIN
from schoology_mock.schoology.formats import xmlfmt
from test_readme import as_request, curl_commands


def operation_of(doc, method, path):
    """The document's operation for a request path: concrete paths before
    templated ones, as OpenAPI says."""
    templates = sorted(doc["paths"], key=lambda t: (t.count("{"), -len(t)))
    for template in templates:
        pattern = "^" + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path) and method.lower() in doc["paths"][template]:
            return doc["paths"][template][method.lower()]
    raise AssertionError(f"{method} {path}: no operation in the document")


def resolved(doc, schema):
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def typed(doc, value, schema):
    """value (read from XML: text, dicts and lists) as the schema types it."""
    schema = resolved(doc, schema)
    if "oneOf" in schema:
        for choice in schema["oneOf"]:
            candidate = typed(doc, value, choice)
            if OAS31Validator(dict(choice, components=doc["components"])).is_valid(candidate):
                return candidate
        return value
    kinds = schema.get("type", [])
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if value is None or value == "":
        return "" if "string" in kinds else None if "null" in kinds else value
    if "array" in kinds:
        items = value if isinstance(value, list) else [value]
        return [typed(doc, item, schema.get("items", {})) for item in items]
    if "object" in kinds and isinstance(value, dict):
        properties = schema.get("properties", {})
        out = {k: typed(doc, v, properties.get(k, {})) for k, v in value.items()}
        for name, inner in properties.items():  # a list of none leaves no element
            if name not in out and resolved(doc, inner).get("type") == "array":
                out[name] = []
        return out
    if "integer" in kinds and isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value):
        return int(value)
    return value


def as_json(doc, body, schema):
    data = xmlfmt.loads(body if isinstance(body, bytes) else body.encode())
    return json.dumps(typed(doc, data, schema)).encode()


def json_twin_request(doc, prepared, operation):
    """The request as the document's JSON describes it, when it was XML (and
    its headers as text: requests-oauthlib leaves some as bytes)."""
    twin = prepared.copy()
    for name, value in list(twin.headers.items()):
        if isinstance(value, bytes):
            twin.headers[name] = value.decode()
    if "xml" not in twin.headers.get("Content-Type", ""):
        return twin
    schema = operation["requestBody"]["content"]["text/xml"]["schema"]
    twin.body = as_json(doc, prepared.body, schema)
    twin.headers["Content-Type"] = "application/json"
    return twin


def json_twin_response(doc, response, operation):
    if "xml" not in response.headers.get("Content-Type", "") or not response.content:
        return response
    content = operation["responses"][str(response.status_code)]["content"]
    twin = requests.Response()
    twin.status_code, twin.headers = response.status_code, dict(response.headers)
    twin.headers["Content-Type"] = "application/json"
    twin._content = as_json(doc, response.content, content["text/xml"]["schema"])
    assert "text/xml" in content
    return twin


def replay(server, title, dialect, auth=None):
    doc = requests.get(f"{server.url}/_mock/openapi/{dialect}.json", timeout=30).json()
    api = OpenAPI.from_dict(doc)
    commands = curl_commands(title)
    assert len(commands) >= 5
    with requests.Session() as session:
        for command in commands:
            method, url, headers, data = as_request(command, server.url)
            prepared = session.prepare_request(requests.Request(method, url, headers=headers,
                                                                data=data, auth=auth))
            response = session.send(prepared, timeout=10, allow_redirects=False)
            assert response.status_code < 300, (command, response.text)
            operation = operation_of(doc, method, prepared.path_url.split("?")[0])
            checked = json_twin_request(doc, prepared, operation)
            api.validate_request(RequestsOpenAPIRequest(checked))
            api.validate_response(RequestsOpenAPIRequest(checked),
                                  RequestsOpenAPIResponse(json_twin_response(doc, response,
                                                                             operation)))


def test_the_schoology_examples_hold_to_the_document(start_server):
    replay(start_server(RATE_LIMIT=None), "Try it", "schoology", OAuth1(*ADMIN))


def test_the_canvas_examples_hold_to_the_document(start_server):
    replay(start_server(), "Canvas", "canvas")


def test_a_wrong_answer_would_be_caught(start_server):
    """The check has teeth: the same list answer with a field of the wrong
    type does not validate."""
    server = start_server(RATE_LIMIT=None)
    doc = requests.get(f"{server.url}/_mock/openapi/schoology.json", timeout=30).json()
    api = OpenAPI.from_dict(doc)
    url = f"{server.url}/v1/sections/3719526/enrollments?limit=2"
    prepared = requests.Request("GET", url, auth=OAuth1(*ADMIN)).prepare()
    response = requests.Session().send(prepared, timeout=10)
    api.validate_response(RequestsOpenAPIRequest(prepared), RequestsOpenAPIResponse(response))
    broken = response.json()
    broken["enrollment"][0]["admin"] = "1"
    response._content = json.dumps(broken).encode()
    with pytest.raises(Exception, match="(?i)invalid|schema"):
        api.validate_response(RequestsOpenAPIRequest(prepared),
                              RequestsOpenAPIResponse(response))
