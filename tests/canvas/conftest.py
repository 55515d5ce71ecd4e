"""What the Canvas tests share: a live mock, and canvasapi's warning about
plain http:// (the mock listens on it) kept quiet."""
import warnings

import pytest


@pytest.fixture(autouse=True)
def plain_http_is_fine():
    with warnings.catch_warnings():  # canvasapi warns that http:// is insecure
        warnings.filterwarnings("ignore", category=UserWarning, module=r"canvasapi\.")
        yield


@pytest.fixture
def server(start_server):
    """A live mock of the demo school, no rate limit."""
    return start_server(RATE_LIMIT=None)
