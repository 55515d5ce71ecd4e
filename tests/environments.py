"""Environments of their own for real clients whose pins cannot install
beside the suite's (the Ed-Fi extractor: pandas<2 and numpy<2, so Python 3.11
at most). Each is built with uv from its lock in tests/requirements/, with an
interpreter the client supports, once per lock and interpreter (kept under
pytest's cache, so a changed lock builds anew); the client then talks to the
mock over HTTP, as it does in production."""
import fcntl
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from uv import find_uv_bin

REQUIREMENTS = Path(__file__).resolve().parent / "requirements"
CLIENTS = Path(__file__).resolve().parent / "clients"


class NoInterpreter(Exception):
    pass


def uv(*args, **kw):
    done = subprocess.run([find_uv_bin(), *map(str, args)], capture_output=True, text=True,
                          timeout=600, **kw)
    if done.returncode != 0:
        raise RuntimeError(f"uv {' '.join(map(str, args))}\n{done.stdout}\n{done.stderr}")
    return done.stdout.strip()


def interpreter(supported, lock):
    """A Python in the range `supported` ('>=3.9.2,<3.12'): the first uv finds
    on this machine outside virtual environments (on PATH, pyenv's shims
    among them, and uv's own); none is downloaded."""
    found = subprocess.run([find_uv_bin(), "python", "find", "--no-python-downloads",
                            "--system", supported], capture_output=True, text=True, timeout=60)
    path = found.stdout.strip()
    if found.returncode != 0 or not path:
        raise NoInterpreter(
            f"no Python {supported} on this machine, which tests/requirements/{lock} "
            f"needs (its client's pins allow no other); install one beside this Python "
            f"{sys.version_info.major}.{sys.version_info.minor}, or put it on PATH\n"
            f"{found.stderr}")
    return path


def environment(lock, supported, cache):
    """The Python of a virtual environment built from `lock` (a file in
    tests/requirements/) with an interpreter in `supported`, under `cache`.
    Concurrent test workers wait for one build and share it."""
    python = interpreter(supported, lock)
    version = subprocess.run([python, "-c", "import sys; print(sys.version)"],
                             capture_output=True, text=True, timeout=60).stdout
    text = (REQUIREMENTS / lock).read_text()
    key = hashlib.sha256((text + version).encode()).hexdigest()[:16]
    home = Path(cache) / f"{Path(lock).stem}-{key}"
    home.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{home}.lock", "w") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)  # released when the file closes
        venv_python = home / "bin" / "python"
        if not (home / "ready").exists():  # a build cut short is built again
            uv("venv", "--quiet", "--clear", "--python", python, home)
            uv("pip", "install", "--quiet", "--python", venv_python, "-r", REQUIREMENTS / lock)
            (home / "ready").write_text(version)
    return venv_python


class Client:
    """A client script of tests/clients/ run in its own environment: each
    call runs one scenario against a live mock and returns its JSON."""

    def __init__(self, python, script):
        self.python, self.script = python, CLIENTS / script

    def __call__(self, server, key, scenario, **args):
        asked = {"base_url": f"{server.url}/v1/", "key": key[0], "secret": key[1],
                 "scenario": scenario, "args": args}
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
        done = subprocess.run([str(self.python), str(self.script)], input=json.dumps(asked),
                              capture_output=True, text=True, timeout=300, env=env)
        assert done.returncode == 0, f"{self.script.name} {scenario}:\n{done.stderr}"
        return json.loads(done.stdout)
