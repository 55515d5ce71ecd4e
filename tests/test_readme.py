"""The README's examples work: each curl command under "Try it" is replayed
against a live demo server and must succeed."""
import re
import shlex
from pathlib import Path

import requests

README = Path(__file__).resolve().parent.parent / "README.md"


def curl_commands():
    section = README.read_text().split("## Try it", 1)[1].split("\n## ", 1)[0]
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
        elif arg == "-d":
            data = args.pop(0).encode()
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
