"""One set of settings, four spellings: a serve flag, a SCHOOLOGY_MOCK_
environment variable, a pytest ini option and a create_app config key. Each
gives the same value, and a bad value in any of them is one line naming the
setting as it was given."""
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from helpers import GROUP, ROBOTICS_CODE, SECTION, demo_document, served_url, serving, start_cli
from schoology_mock import SettingError, create_app
from schoology_mock.serving.cli import build_parser, configure, main
from schoology_mock.settings import SETTINGS
from schoology_mock.toolkit.snapshot import SnapshotError

ROOT = Path(__file__).resolve().parent.parent

RATE = "expected N/SECONDS (e.g. 50/5; SECONDS from 0.001 to 86400) or off"
HOST = "expected an IP address or a host name (0.0.0.0 or :: for every interface)"
# A bad value for each setting, and what the refusal says of it.
BAD = [
    ("FIXTURES", "/no/such/school.json", "no such file"),
    ("SEED", "ten", "expected a whole number"),
    ("AUTH", "maybe", "expected oauth or off"),
    ("RATE_LIMIT", "fast", RATE),
    ("RATE_LIMIT", "2/inf", RATE),
    ("JOURNAL_SIZE", "-1", "expected a whole number from 0 to 1000000"),
    ("JOURNAL_SIZE", "99999999999999999999", "expected a whole number from 0 to 1000000"),
    ("ADMIN_TOKEN", "two words", "expected a token of visible ASCII characters, without spaces"),
    ("SNAPSHOT", "/no/such/folder/state.json", "folder /no/such/folder does not exist"),
    ("SNAPSHOT", "/proc/state.json", "cannot write in folder /proc: No such file or directory"),
    ("AUTHORIZE_ANY_USER", "maybe", "expected on or off"),
    ("STRICT", "sometimes", "expected on or off"),
    ("DATA_DIR", "/no/such/folder", "no such folder"),
    ("ACTING_UID", "someone", "expected a whole number of 1 or more"),
    ("ACTING_UID", "5", "no such user in the demo school"),  # checked against the fixtures
    ("BASE_URL", "mock.example:8000", "expected an http:// or https:// URL"),
    ("HOST", "not a host", HOST),
    ("HOST", "...", HOST),
    ("PORT", "70000", "expected a whole number from 0 to 65535"),
    ("THREADS", "0", "expected a whole number from 1 to 1024"),
    ("THREADS", "1000000", "expected a whole number from 1 to 1024"),
]


def test_every_setting_has_a_bad_value_here():
    assert {key for key, _, _ in BAD} == {s.key for s in SETTINGS}


def shown(value):
    """How a refusal shows the value: as text, or as the number it was read as."""
    return value if value == "5" else repr(value)


@pytest.mark.parametrize("key,value,problem", BAD)
def test_a_bad_flag_is_one_line_and_exit_2(key, value, problem, capsys):
    flag = "--" + key.lower().replace("_", "-")
    assert main(["serve", flag, value]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == f"schoology-mock: {flag} {shown(value)}: {problem}\n"


@pytest.mark.parametrize("key,value,problem", BAD)
def test_a_bad_environment_variable_is_one_line_and_exit_2(key, value, problem, monkeypatch,
                                                           capsys):
    monkeypatch.setenv(f"SCHOOLOGY_MOCK_{key}", value)
    assert main(["serve"]) == 2
    _, err = capsys.readouterr()
    assert err == f"schoology-mock: SCHOOLOGY_MOCK_{key}={shown(value)}: {problem}\n"


@pytest.mark.parametrize("key,value,problem", BAD)
def test_a_bad_config_key_raises_naming_it(key, value, problem):
    with pytest.raises(SettingError) as refused:
        create_app({key: value})
    assert str(refused.value) == f"config key {key} {shown(value)}: {problem}"


@pytest.mark.parametrize("key,value,problem", BAD)
def test_a_bad_ini_option_stops_pytest_with_one_line(key, value, problem, pytester):
    option = f"schoology_mock_{key.lower()}"
    pytester.makeini(f"[pytest]\n{option} = {value}\n")
    pytester.makepyfile(test_it="def test_it(schoology_mock):\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    output = result.stdout.lines + result.stderr.lines
    line = f"*ini option {option} {shown(value)}: {problem}"
    if key == "ACTING_UID" and value == "5":  # known only once the fixtures are loaded
        result.assert_outcomes(errors=1)
        result.stdout.fnmatch_lines(["*ERROR at setup of test_it*", line[1:]])
    else:
        assert result.ret == pytest.ExitCode.USAGE_ERROR
        result.stderr.fnmatch_lines([f"ERROR: {line[1:]}"])
    assert not any("Traceback" in text or "During handling" in text for text in output)


# --- good values: the same setting, whichever way it is spelled ----------------------
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def good(tmp_path):
    """(text given, value the app holds) for every setting."""
    school = tmp_path / "school.json"
    school.write_text(json.dumps(demo_document()))
    port = free_port()
    return {
        "FIXTURES": (str(school), str(school)),
        "SEED": ("7", 7),
        "AUTH": ("off", "off"),
        "RATE_LIMIT": ("10/2", [10, 2.0]),
        "JOURNAL_SIZE": ("12", 12),
        "ADMIN_TOKEN": ("s3cret", "s3cret"),
        "SNAPSHOT": (str(tmp_path / "state.json"), str(tmp_path / "state.json")),
        "AUTHORIZE_ANY_USER": ("on", True),
        "STRICT": ("on", True),
        "DATA_DIR": (str(tmp_path), str(tmp_path)),
        "ACTING_UID": ("45552222", 45552222),
        "BASE_URL": ("http://mock.example:8443/", "http://mock.example:8443"),
        "HOST": ("127.0.0.1", "127.0.0.1"),
        "PORT": (str(port), port),
        "THREADS": ("3", 3),
    }


def held(app, keys):
    return json.loads(json.dumps({key: app.config[key] for key in keys}))


def expected(good):
    return {key: value for key, (_, value) in good.items()}


def test_good_values_are_the_same_in_every_spelling(good, pytester):
    assert set(good) == {s.key for s in SETTINGS}
    flags = [arg for key, (text, _) in good.items()
             for arg in ("--" + key.lower().replace("_", "-"), text)]
    from_flags, given_by = configure(build_parser().parse_args(["serve", *flags]), {})
    assert held(create_app(from_flags), good) == expected(good)
    assert {given_by[key] for key in good} == {"flag"}

    environ = {f"SCHOOLOGY_MOCK_{key}": text for key, (text, _) in good.items()}
    from_env, given_by = configure(build_parser().parse_args(["serve"]), environ)
    assert held(create_app(from_env), good) == expected(good)
    assert {given_by[key] for key in good} == {"env"}

    as_text = {key: text for key, (text, _) in good.items()}
    assert held(create_app(as_text), good) == expected(good)

    # and as ini options of the pytest plugin, in a project of its own
    pytester.makeini("[pytest]\n" + "".join(f"schoology_mock_{key.lower()} = {text}\n"
                                            for key, (text, _) in good.items()))
    pytester.makepyfile(test_held=f'''
import json, pathlib

def test_held(schoology_mock):
    keys = {sorted(good)!r}
    held = {{key: schoology_mock.app.config[key] for key in keys}}
    held["bound"] = [schoology_mock.server.host, schoology_mock.server.port]
    pathlib.Path("held.json").write_text(json.dumps(held))
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    from_ini = json.loads((pytester.path / "held.json").read_text())
    assert from_ini.pop("bound") == ["127.0.0.1", good["PORT"][1]]
    assert from_ini == expected(good)


def test_typed_config_values_are_taken_as_they_are():
    app = create_app({"SEED": 3, "RATE_LIMIT": (10, 2), "ACTING_UID": 45552222})
    assert (app.config["SEED"], app.config["RATE_LIMIT"], app.config["ACTING_UID"]) == \
        (3, (10, 2.0), 45552222)
    assert create_app({"RATE_LIMIT": None, "ADMIN_TOKEN": None}).config["RATE_LIMIT"] is None


def test_a_flag_wins_over_the_environment():
    args = build_parser().parse_args(["serve", "--seed", "8", "--no-journal"])
    config, given_by = configure(args, {"SCHOOLOGY_MOCK_SEED": "7", "SCHOOLOGY_MOCK_AUTH": "off",
                                        "SCHOOLOGY_MOCK_JOURNAL_SIZE": "9"})
    assert (config["SEED"], config["AUTH"], config["JOURNAL_SIZE"]) == (8, "off", 0)
    assert (given_by["SEED"], given_by["AUTH"]) == ("flag", "env")
    # a bad value the flag overrides is never read, so never refused
    args = build_parser().parse_args(["serve", "--seed", "3", "--no-journal"])
    config, given_by = configure(args, {"SCHOOLOGY_MOCK_SEED": "bad",
                                        "SCHOOLOGY_MOCK_JOURNAL_SIZE": "-5"})
    assert (config["SEED"], config["JOURNAL_SIZE"], given_by["SEED"]) == (3, 0, "flag")
    # serve listens on 8000 unless told otherwise; create_app's servers pick a free port
    assert configure(build_parser().parse_args(["serve"]), {})[0]["PORT"] == 8000
    assert create_app().config["PORT"] == 0


def test_an_empty_environment_variable_is_not_given_and_an_unknown_one_is_named(capsys):
    args = build_parser().parse_args(["serve"])
    config, _ = configure(args, {"SCHOOLOGY_MOCK_AUTH": "", "SCHOOLOGY_MOCK_FIXTURE": "x.json"})
    assert "AUTH" not in config
    assert capsys.readouterr().err == \
        "schoology-mock: ignoring SCHOOLOGY_MOCK_FIXTURE: no such setting\n"


def test_serve_takes_its_settings_from_the_environment():
    """A real process: authentication off and no journal from the environment,
    the acting user from a flag that overrides the environment's."""
    env = dict(os.environ, SCHOOLOGY_MOCK_AUTH="off", SCHOOLOGY_MOCK_JOURNAL_SIZE="0",
               SCHOOLOGY_MOCK_ACTING_UID="45552222")
    with serving("--acting-uid", "45552101", env=env) as base:
        assert requests.get(f"{base}/sections/{SECTION}/enrollments", timeout=10).status_code == 200
        joined = requests.post(f"{base}/groups/{GROUP}/accesscode", timeout=10,
                               json={"access_code": ROBOTICS_CODE})
        assert joined.status_code == 201 and joined.json()["uid"] == "45552101"
        root = base[:-len("/v1")]
        assert requests.get(f"{root}/_mock/requests", timeout=10).status_code == 404


def test_python_dash_m_serves_like_the_console_script():
    with serving("--auth", "off", command=[sys.executable, "-m", "schoology_mock"]) as base:
        r = requests.get(f"{base}/sections/{SECTION}/enrollments", timeout=10)
        assert r.status_code == 200 and r.json()["total"] == "21"
    refused = subprocess.run([sys.executable, "-m", "schoology_mock", "serve", "--seed", "x"],
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2
    assert refused.stderr == "schoology-mock: --seed 'x': expected a whole number\n"


def test_server_settings_reach_the_server(start_server):
    port = free_port()
    server = start_server(AUTH="off", PORT=port, THREADS=2, BASE_URL="http://mock.example:8443/")
    assert server.port == port and server.threads == 2
    assert server.url == "http://mock.example:8443"
    # links for a client that sent Host: api.schoology.com lead to BASE_URL
    r = requests.get(f"http://127.0.0.1:{port}/v1/sections/{SECTION}/enrollments?limit=5",
                     headers={"Host": "api.schoology.com"}, timeout=10)
    assert r.json()["links"]["next"].startswith("http://mock.example:8443/v1/sections/")


def test_a_snapshot_config_is_written_when_the_server_stops(start_server, tmp_path):
    snapshot = tmp_path / "state.json"
    server = start_server(AUTH="off", SNAPSHOT=str(snapshot))
    url = f"{server.url}/v1/sections/{SECTION}/enrollments/54302505"
    assert requests.delete(url, timeout=10).status_code == 204
    server.stop()
    assert server.snapshot_written == str(snapshot)
    again = start_server(AUTH="off", SNAPSHOT=str(snapshot))
    assert requests.get(f"{again.url}/v1/sections/{SECTION}/enrollments/54302505",
                        timeout=10).status_code == 404


def test_every_interface_is_0_0_0_0_and_an_empty_host_is_refused(start_server, capsys):
    server = start_server(AUTH="off", HOST="0.0.0.0")
    assert server.url.startswith("http://127.0.0.1:")
    assert requests.get(f"{server.url}/v1/sections/{SECTION}/enrollments",
                        timeout=10).status_code == 200
    assert main(["serve", "--host", ""]) == 2
    assert capsys.readouterr().err == ("schoology-mock: --host '': expected an IP address or a "
                                       "host name (0.0.0.0 or :: for every interface)\n")


def test_a_port_in_use_is_one_line_and_exit_2(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"schoology-mock: cannot listen on 127.0.0.1 port {port}: ")
    assert err.endswith(" (host and port settings)\n") and err.count("\n") == 1


def test_a_snapshot_that_cannot_be_written_at_stop_is_one_line(tmp_path, start_server):
    folder = tmp_path / "gone"
    folder.mkdir()
    proc = start_cli("--auth", "off", "--snapshot", str(folder / "state.json"),
                     stderr=subprocess.PIPE)
    served_url(proc)
    folder.rmdir()  # after the start-up check: the write at stop fails
    proc.terminate()
    _, err = proc.communicate(timeout=15)
    assert proc.returncode == 2
    assert err == (f"schoology-mock: cannot write the snapshot to {folder / 'state.json'}: "
                   "No such file or directory\n")
    # MockServer raises it, once stopped
    folder.mkdir()
    server = start_server(SNAPSHOT=str(folder / "state.json"))
    folder.rmdir()
    with pytest.raises(SnapshotError, match="cannot write the snapshot to"):
        server.stop()
