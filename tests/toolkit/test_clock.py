"""The server's clock, moved from /_mock/clock: OAuth timestamps, rate-limit
windows and the journal follow it; no test here waits for real time."""
import time
import uuid

import pytest
import requests

from helpers import SECTION

LIST = f"/v1/sections/{SECTION}/enrollments"


def signed_at(stamp):
    return {"Authorization": 'OAuth oauth_consumer_key="demo-admin-key", '
            'oauth_signature_method="PLAINTEXT", oauth_signature="demo-admin-secret%26", '
            f'oauth_timestamp="{stamp}", oauth_nonce="{uuid.uuid4().hex}"'}


@pytest.fixture
def server(start_server):
    return start_server(RATE_LIMIT="3/5")


def clock(server, **body):
    r = requests.post(f"{server.url}/_mock/clock", json=body, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def test_a_frozen_clock_decides_which_timestamps_are_fresh(server):
    past = 1_600_000_000  # 2020
    assert clock(server, freeze=True, at=past) == {"now": past, "frozen": True}
    assert requests.get(f"{server.url}{LIST}", headers=signed_at(past + 30),
                        timeout=10).status_code == 200
    late = requests.get(f"{server.url}{LIST}", headers=signed_at(int(time.time())), timeout=10)
    assert late.status_code == 401 and "Timestamp given is invalid" in late.text
    requests.delete(f"{server.url}/_mock/clock", timeout=10)
    assert requests.get(f"{server.url}{LIST}", headers=signed_at(int(time.time())),
                        timeout=10).status_code == 200


def test_advancing_the_clock_ages_a_signature(server):
    stamp = int(time.time())
    clock(server, advance=601)
    r = requests.get(f"{server.url}{LIST}", headers=signed_at(stamp), timeout=10)
    assert r.status_code == 401 and "600 seconds" in r.text


def test_moving_the_clock_refills_the_rate_limit_window(server):
    start = int(time.time())
    clock(server, freeze=True, at=start - start % 5)  # the start of a 5 s window
    codes = [requests.get(f"{server.url}{LIST}", headers=signed_at(start), timeout=10).status_code
             for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    clock(server, advance=5)
    assert requests.get(f"{server.url}{LIST}", headers=signed_at(start + 5),
                        timeout=10).status_code == 200


def test_the_journal_reads_the_servers_clock(server):
    clock(server, freeze=True, at=1_700_000_000)
    requests.get(f"{server.url}{LIST}", headers=signed_at(1_700_000_000), timeout=10)
    entries = requests.get(f"{server.url}/_mock/requests", timeout=10).json()["requests"]
    assert entries[-1]["time"] == 1_700_000_000


def test_freezing_and_unfreezing(server):
    frozen = clock(server, freeze=True)
    assert frozen["frozen"] is True
    assert clock(server, advance=10)["now"] == pytest.approx(frozen["now"] + 10)
    running = clock(server, freeze=False)
    assert running["frozen"] is False and running["now"] == pytest.approx(frozen["now"] + 10)


@pytest.mark.parametrize("body", [{}, {"freeze": "yes"}, {"at": True}, {"advance": "1"},
                                  {"when": 1}])
def test_bad_clock_requests_are_refused(server, body):
    assert requests.post(f"{server.url}/_mock/clock", json=body, timeout=10).status_code == 400
