"""The README's examples work: each curl command under "Try it" and "Canvas"
is replayed against a live demo server and must succeed, and the Python
examples run."""
import re
import shlex
from pathlib import Path

import pytest
import requests

README = Path(__file__).resolve().parent.parent / "README.md"


def curl_commands(title="Try it"):
    section = README.read_text().split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]
    blocks = "".join(re.findall(r"```sh\n(.*?)```", section, re.S))
    joined = re.sub(r"\\\n\s*", " ", blocks)
    return [line for line in joined.splitlines() if line.startswith("curl ")]


def as_request(command, base):
    args = shlex.split(command)[1:]
    method, headers, data, url = "GET", {}, None, None
    while args:
        arg = args.pop(0)
        if arg == "-X":
            method = args.pop(0)
        elif arg == "-H":
            name, value = args.pop(0).split(":", 1)
            headers[name.strip()] = value.strip()
        elif arg == "-d":  # repeated -d join with &, form-encoded unless told otherwise
            given = args.pop(0).encode()
            data = given if data is None else data + b"&" + given
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
            method = "POST" if method == "GET" else method
        elif arg.startswith("-"):
            continue  # -s, -i: how curl prints, not what it sends
        else:
            url = arg.replace("http://127.0.0.1:8000", base)
    return method, url, headers, data


def test_readme_curl_examples_succeed(live):
    commands = curl_commands()
    assert len(commands) >= 5
    with requests.Session() as s:
        for command in commands:
            method, url, headers, data = as_request(command, live.url)
            response = s.request(method, url, headers=headers, data=data, timeout=10)
            assert response.status_code in (200, 201, 204, 207), (command, response.text)
            if response.status_code == 207:  # and every row applied
                text = response.text
                rows = text.count("<response_code>") + text.count('"response_code"')
                applied = text.count("<response_code>200<") + text.count('"response_code":200')
                assert rows and applied == rows, (command, text)
            if headers.get("Accept") == "text/xml":
                assert response.content.startswith(b"<?xml")


def test_readme_canvas_examples_succeed(start_server):
    server = start_server()  # authentication on: the examples carry their tokens
    commands = curl_commands("Canvas")
    assert len(commands) >= 5
    for command in commands:
        method, url, headers, data = as_request(command, server.url)
        response = requests.request(method, url, headers=headers, data=data, timeout=10)
        assert response.status_code == 200, (command, response.text)
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"


@pytest.mark.filterwarnings("ignore:Canvas may respond unexpectedly:UserWarning")
def test_the_canvasapi_example_runs(start_server):
    server = start_server()
    example = python_blocks("Canvas")[0]
    scope = {}
    exec(compile(example.replace("http://127.0.0.1:8000", server.url), "README.md", "exec"),
         scope)
    assert len(scope["students"]) > 10 and scope["invitation"].enrollment_state == "invited"


def test_the_temporary_enrollments_example_runs(start_server):
    server = start_server()
    example = python_blocks("Canvas")[1]
    assert "temporary_enrollment_pairings" in example and "bulk_enrollment" in example
    scope = {}
    exec(compile(example.replace("http://127.0.0.1:8000", server.url), "README.md", "exec"),
         scope)
    assert scope["progress"]["workflow_state"] == "completed"
    assert scope["ended"]["enrollment_state"] == "completed"


def section(title):
    return README.read_text().split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_the_settings_table_names_every_setting_in_all_four_spellings():
    from schoology_mock.settings import SETTINGS
    rows = [line for line in section("Settings").splitlines()
            if line.startswith("| ") and "`--" in line]
    assert len(rows) == len(SETTINGS)
    for setting, row in zip(SETTINGS, rows):
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[1:5] == [f"`{setting.flag}`", f"`{setting.env}`", f"`{setting.ini}`",
                              f"`{setting.key}`"], row


def test_the_settings_refusals_shown_are_what_they_say():
    from schoology_mock.settings import BY_KEY, SettingError
    block = re.search(r"```\n(schoology-mock: --.*?)```", section("Settings"), re.S).group(1)
    spellings = [(r"schoology-mock: --([a-z-]+) '(.*?)': ", "flag"),
                 (r"schoology-mock: SCHOOLOGY_MOCK_([A-Z_]+)='(.*?)': ", "env"),
                 (r"ERROR: ini option schoology_mock_([a-z_]+) '(.*?)': ", "ini"),
                 (r"config key ([A-Z_]+) '(.*?)': ", "config")]
    lines = block.strip().splitlines()
    assert len(lines) == 4
    for line, (pattern, kind) in zip(lines, spellings):
        name, value = re.match(pattern, line).groups()
        with pytest.raises(SettingError) as refused:
            BY_KEY[name.upper().replace("-", "_")].check(value, kind)
        assert line.endswith(str(refused.value)), (line, str(refused.value))


def python_blocks(title):
    return re.findall(r"```python\n(.*?)```", section(title), re.S)


def test_the_python_example_runs():
    example = python_blocks("Using it in your project")[0]
    scope = {}
    exec(compile(example, "README.md", "exec"), scope)
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/v1", scope["base_url"])


def test_the_pytest_example_passes(pytester):
    example = python_blocks("Using it in your project")[1]
    assert "def test_unenroll(schoology_mock)" in example
    pytester.makepyfile(test_example=example)
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_the_import_examples_run(start_server, tmp_path):
    """Each `schoology-mock import` under "Importing a school", against a
    live demo school with OAuth and the rate limit on; then the serve line
    serves what it wrote."""
    import subprocess
    import sys

    from helpers import serving

    server = start_server(AUTH="oauth", RATE_LIMIT="50/5")
    section = README.read_text().split("## Importing a school\n", 1)[1].split("\n## ", 1)[0]
    block = re.sub(r"\\\n\s*", " ", re.findall(r"```sh\n(.*?)```", section, re.S)[0])
    lines = block.splitlines()
    imports = [line for line in lines if line.startswith("schoology-mock import ")]
    assert len(imports) == 2
    for line in imports:
        args = shlex.split(line.replace("http://127.0.0.1:8000", server.url))[1:]
        done = subprocess.run([sys.executable, "-m", "schoology_mock", *args], cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert "wrote " in done.stderr.splitlines()[-1]
    serve = shlex.split(next(line for line in lines if line.startswith("schoology-mock serve")))
    fixtures = tmp_path / serve[serve.index("--fixtures") + 1]
    with serving("--fixtures", str(fixtures), "--auth", "off") as base:
        page = requests.get(f"{base}/sections/3719526/enrollments", timeout=10)
        assert page.status_code == 200 and int(page.json()["total"]) > 20
