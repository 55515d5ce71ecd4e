"""Schemathesis, a contract fuzzer, against a live mock of each dialect: for
every operation of the served document it sends generated requests (a
bounded number, from a fixed seed, first the examples the document gives,
then requests drawn from the schemas). Requests the document allows find no
5xx, no status it does not declare, and no answer that breaks it; requests
it does not allow find no 5xx. Apart from the fuzzer, every path with an id
is swept with ids that are none (negative, zero, not a number, too long):
each is a 4xx the document declares, and changes nothing.

Each operation is its own test, driven through schemathesis's Hypothesis
strategies (`APIOperation.as_strategy`), not its pytest integration, which
reaches into pytest's internals and breaks with pytest's releases."""
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from requests_oauthlib import OAuth1
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance,
                                               response_schema_conformance,
                                               status_code_conformance)

from helpers import ADMIN, CANVAS_ADMIN
from schoology_mock import create_app

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
EXAMPLES = 12  # per operation and mode: about 2,000 requests in all, well under two minutes
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                suppress_health_check=list(HealthCheck))
CANVAS_HEADERS = {"Authorization": f"Bearer {CANVAS_ADMIN}"}
DIALECTS = ("schoology", "canvas")


def labels(name):
    """The operations of a dialect's document ("GET /v1/users/{id}"), read
    at collection from a mock in this process, so each is a test of its own."""
    client = create_app({"TESTING": True}).test_client()
    loaded = schemathesis.openapi.from_dict(client.get(f"/_mock/openapi/{name}.json").json)
    return [result.ok().label for result in loaded.get_all_operations()]


OPERATIONS = [(name, label) for name in DIALECTS for label in labels(name)]


@pytest.fixture(scope="module")
def fuzzed():
    """One server per module (per test worker), signing on, no rate limit:
    the fuzzer's writes pile up in it, as a long-lived sandbox's would."""
    from schoology_mock.serving import MockServer
    server = MockServer(create_app({"TESTING": True, "RATE_LIMIT": None})).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def documents(fuzzed):
    """Each dialect's document as the live mock serves it."""
    return {name: schemathesis.openapi.from_url(f"{fuzzed.url}/_mock/openapi/{name}.json")
            for name in DIALECTS}


@pytest.fixture(scope="module")
def signed():
    with requests.Session() as session:
        session.auth = OAuth1(*ADMIN)  # every request signed, as a real client signs it
        yield session


def fuzz(operation, mode, send):
    """The document's examples (for requests it allows), then generated
    requests, each sent by send(case)."""
    strategies = [operation.as_strategy(generation_mode=mode)]
    if mode is GenerationMode.POSITIVE:
        strategies[:0] = operation.get_strategies_from_examples()
    for strategy in strategies:
        FUZZ(given(case=strategy)(send))()


def sender(name, signed, checks):
    """Sends a case as the dialect's clients do: Schoology's signed with
    OAuth 1.0a, Canvas's with a bearer token."""
    signing = {"session": signed} if name == "schoology" else {"headers": CANVAS_HEADERS}

    def send(case):
        case.call_and_validate(checks=checks, timeout=10, **signing)
    return send


@pytest.mark.parametrize("name, label", OPERATIONS)
def test_inside_the_document(documents, signed, name, label):
    operation = documents[name].find_operation_by_label(label)
    fuzz(operation, GenerationMode.POSITIVE, sender(name, signed, CHECKS))


@pytest.mark.parametrize("name, label", OPERATIONS)
def test_outside_the_document(documents, signed, name, label):
    operation = documents[name].find_operation_by_label(label)
    fuzz(operation, GenerationMode.NEGATIVE, sender(name, signed, [not_a_server_error]))


def test_every_operation_is_fuzzed():
    """Both documents are read, so a document that failed to load cannot
    leave the fuzzer with nothing to send."""
    counts = {name: sum(1 for n, _ in OPERATIONS if n == name) for name in DIALECTS}
    assert counts["schoology"] >= 40 and counts["canvas"] >= 10, counts


# --- ids that are no ids, on every path -------------------------------------------------------
# Negative, zero, not a number, a number too long to be one, digits of other
# scripts, a fraction, an exponent, padded, empty after a sign.
BAD_IDS = ["-1", "0", "abc", "1.5", "1e3", " 7", "+7", "9" * 40, "\u00b2", "\u0663", "-"]
NOT_IDS = {"realm", "rest", "school_uid"}  # a realm's name, a path's rest, a text uid


def id_parameters(operation):
    return [p for p in operation.path_parameters if p.name not in NOT_IDS]


def with_bad_ids():
    """(dialect, label) of each operation with an id in its path."""
    found = []
    for name in DIALECTS:
        client = create_app({"TESTING": True}).test_client()
        loaded = schemathesis.openapi.from_dict(client.get(f"/_mock/openapi/{name}.json").json)
        found += [(name, result.ok().label) for result in loaded.get_all_operations()
                  if id_parameters(result.ok())]
    return found


def example_of(parameter):
    """The document's example of a path parameter, or the first of its enum
    (a realm's name), or an id of nothing."""
    definition = parameter.definition
    schema = definition.get("schema", {})
    if "example" in definition:
        return definition["example"]
    return schema.get("enum", ["99"])[0]


def test_every_path_with_an_id_is_swept():
    assert len(BAD_ID_OPERATIONS) >= 40, BAD_ID_OPERATIONS


BAD_ID_OPERATIONS = with_bad_ids()


@pytest.mark.parametrize("name, label", BAD_ID_OPERATIONS)
def test_an_id_that_is_no_id_is_refused_as_the_document_says(fuzzed, documents, signed, name,
                                                            label):
    """Each id of the path in turn, the others as the document's example: a
    4xx the document declares, in the shape it declares, and nothing changed."""
    operation = documents[name].find_operation_by_label(label)
    before = requests.get(f"{fuzzed.url}/_mock/state", timeout=30).json()
    examples = {p.name: example_of(p) for p in operation.path_parameters}
    for parameter in id_parameters(operation):
        for bad in BAD_IDS:
            case = operation.Case(path_parameters={**examples, parameter.name: bad})
            signing = {"session": signed} if name == "schoology" else {"headers": CANVAS_HEADERS}
            response = case.call(timeout=10, **signing)
            case.validate_response(response, checks=CHECKS)
            assert 400 <= response.status_code < 500, (parameter.name, bad, response.status_code,
                                                       response.text[:200])
    assert requests.get(f"{fuzzed.url}/_mock/state", timeout=30).json() == before
