"""Schemathesis, a contract fuzzer, against a live mock of each dialect: for
every operation of the served document it sends generated requests (a
bounded number, from a fixed seed, starting from the examples the document
gives). Requests the document allows find no 5xx, no status it does not
declare, and no answer that breaks it; requests it does not allow find no
5xx. (A request it does not allow may be another operation's: an
enrollment id of -1 makes /v1/groups/1/enrollments/-1 a path under the
group, which Schoology answers with the group.)"""
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from requests_oauthlib import OAuth1
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance,
                                               response_schema_conformance,
                                               status_code_conformance)

from helpers import ADMIN, CANVAS_ADMIN

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
EXAMPLES = 12  # per operation and mode: about 2,000 requests in all, well under two minutes
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def fuzzed():
    """One server per module (per test worker), signing on, no rate limit:
    the fuzzer's writes pile up in it, as a long-lived sandbox's would."""
    from schoology_mock import create_app
    from schoology_mock.server import MockServer
    server = MockServer(create_app({"TESTING": True, "RATE_LIMIT": None})).start()
    yield server
    server.stop()


def document(server, name, mode):
    loaded = schemathesis.openapi.from_url(f"{server.url}/_mock/openapi/{name}.json")
    loaded.config.generation.update(modes=[mode])
    return loaded


@pytest.fixture(scope="module")
def schoology_document(fuzzed):
    return document(fuzzed, "schoology", GenerationMode.POSITIVE)


@pytest.fixture(scope="module")
def canvas_document(fuzzed):
    return document(fuzzed, "canvas", GenerationMode.POSITIVE)


@pytest.fixture(scope="module")
def schoology_document_outside(fuzzed):
    return document(fuzzed, "schoology", GenerationMode.NEGATIVE)


@pytest.fixture(scope="module")
def canvas_document_outside(fuzzed):
    return document(fuzzed, "canvas", GenerationMode.NEGATIVE)


@pytest.fixture(scope="module")
def signed():
    with requests.Session() as session:
        session.auth = OAuth1(*ADMIN)  # every request signed, as a real client signs it
        yield session


schoology = schemathesis.pytest.from_fixture("schoology_document")
canvas = schemathesis.pytest.from_fixture("canvas_document")
schoology_outside = schemathesis.pytest.from_fixture("schoology_document_outside")
canvas_outside = schemathesis.pytest.from_fixture("canvas_document_outside")
CANVAS_HEADERS = {"Authorization": f"Bearer {CANVAS_ADMIN}"}


@schoology.parametrize()
@FUZZ
def test_schoology(case, signed):
    case.call_and_validate(session=signed, checks=CHECKS, timeout=10)


@canvas.parametrize()
@FUZZ
def test_canvas(case):
    case.call_and_validate(headers=CANVAS_HEADERS, checks=CHECKS, timeout=10)


@schoology_outside.parametrize()
@FUZZ
def test_schoology_outside_the_document(case, signed):
    case.call_and_validate(session=signed, checks=[not_a_server_error], timeout=10)


@canvas_outside.parametrize()
@FUZZ
def test_canvas_outside_the_document(case):
    case.call_and_validate(headers=CANVAS_HEADERS, checks=[not_a_server_error], timeout=10)
