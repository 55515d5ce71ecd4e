"""Schemathesis, a contract fuzzer, against a live mock of each dialect: for
every operation of the served document it sends generated requests (a
bounded number, from a fixed seed, first the examples the document gives,
then requests drawn from the schemas). Requests the document allows find no
5xx, no status it does not declare, and no answer that breaks it; requests
it does not allow find no 5xx. (A request it does not allow may be another
operation's: an enrollment id of -1 makes /v1/groups/1/enrollments/-1 a
path under the group, which Schoology answers with the group.)

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
