"""Environments of their own for real clients whose pins cannot install
beside the suite's (the Ed-Fi extractors: pandas<2 and numpy<2, so Python
3.11 at most; Canvas's pandas 1.3, so 3.10). Each is built with uv from its
lock in tests/requirements/, with an interpreter the client supports, once
per lock and interpreter (kept under pytest's cache, so a changed lock builds
anew); the client then talks to the mock over HTTP, as it does in production."""
import fcntl
import hashlib
import json
import os
import shutil
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


def own_environ():
    """This process's environment without its own Python's variables
    (PYTHONPATH, VIRTUAL_ENV, ...), which would lead another Python astray."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}


def every_pyenv_version():
    """The environment to look for Pythons in. pyenv's shims (python3.10, ...)
    run only the versions pyenv is told to use, and fail for the others, which
    stops uv's search: under pyenv, every version installed is added after
    those it is told to use, as noxfile.py does for nox's sessions."""
    environ, pyenv = dict(os.environ), shutil.which("pyenv")
    versions = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    if not pyenv or not versions.is_dir():
        return environ
    told = os.environ.get("PYENV_VERSION") or subprocess.run(
        [pyenv, "version-name"], capture_output=True, text=True, timeout=60).stdout.strip()
    told = [name for name in told.split(":") if name]
    installed = sorted((p.name for p in versions.iterdir() if p.name.replace(".", "").isdigit()),
                       key=lambda name: [int(n) for n in name.split(".") if n], reverse=True)
    environ["PYENV_VERSION"] = ":".join(told + [name for name in installed if name not in told])
    return environ


def interpreter(supported, lock):
    """A Python in the range `supported` ('>=3.9.2,<3.12'): the first uv finds
    on this machine outside virtual environments (on PATH, pyenv's shims
    among them, any version pyenv has installed, and uv's own); none is
    downloaded."""
    found = subprocess.run([find_uv_bin(), "python", "find", "--no-python-downloads",
                            "--system", supported], capture_output=True, text=True, timeout=60,
                           env=every_pyenv_version())
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
        done = subprocess.run([str(self.python), str(self.script)], input=json.dumps(asked),
                              capture_output=True, text=True, timeout=300, env=own_environ())
        assert done.returncode == 0, f"{self.script.name} {scenario}:\n{done.stderr}"
        return json.loads(done.stdout)


class Command:
    """A client's own command line, `python -m module`, run in its
    environment: each call runs it once with the arguments given and returns
    the finished process (its output text). A run still going after
    `timeout` seconds fails with what it wrote so far (a client that retries
    an error for minutes is cut short)."""

    def __init__(self, python, module):
        self.python, self.module = python, module

    def __call__(self, *args, timeout=120, **popen):
        try:
            return subprocess.run([str(self.python), "-m", self.module, *map(str, args)],
                                  capture_output=True, text=True, timeout=timeout,
                                  env=own_environ(), **popen)
        except subprocess.TimeoutExpired as late:
            # What it wrote so far (bytes on POSIX, whatever text= says).
            wrote = [out.decode(errors="replace") if isinstance(out, bytes) else out or ""
                     for out in (late.stdout, late.stderr)]
            raise AssertionError(f"{self.module} still running after {timeout} s:\n"
                                 + "\n".join(wrote)) from None
