"""Installed as another team installs it: the sdist and a wheel built from it,
the wheel installed into a fresh virtual environment, used from a project that
has an `app` package and tests of its own. One test, so the build happens once
a run (under pytest-xdist too)."""
import json
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import requests
from packaging.markers import Marker
from packaging.utils import canonicalize_name

from helpers import SECTION, serving

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "tests" / "requirements" / "test.txt"

USER_APP = '''
"""The user's own Flask-style package, which happens to be called app."""

def greeting():
    return "hello from the user's app"
'''

USER_TESTS = '''
import pathlib

import requests
from requests_oauthlib import OAuth1

import app


def test_imports_our_own_app():
    assert app.greeting() == "hello from the user's app"
    assert pathlib.Path(app.__file__).resolve().parent == pathlib.Path(__file__).resolve().parent.parent / "app"


def test_roster_sync_against_the_mock(schoology_mock):
    auth = OAuth1(*schoology_mock.credentials["demo-teacher-key"])
    url = schoology_mock.url + "/sections/3719526/enrollments"
    listed = requests.get(url, auth=auth, timeout=10)
    assert listed.status_code == 200 and listed.json()["total"] == "21"
    schoology_mock.journal.assert_count(1, method="GET", path="/v1/sections/3719526/")
'''


def run(*cmd, **kw):
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=240, **kw)
    assert done.returncode == 0, f"{cmd}\n{done.stdout}\n{done.stderr}"
    return done


def checkout(into):
    """The files a clean clone has (git's list), so a file left untracked
    cannot make the build pass here and fail elsewhere."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True)
    if listed.returncode != 0:  # not a git checkout (an unpacked sdist): take the tree
        shutil.copytree(ROOT, into, ignore=shutil.ignore_patterns(
            "__pycache__", "*.egg-info", "build", "dist", ".*"))
        return into
    for name in listed.stdout.decode().split("\0"):
        if name and (ROOT / name).is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, into / name)
    return into


def locked_versions():
    """The lock's versions for this Python (the venv's, made from it)."""
    pins = {}
    for line in LOCK.read_text().splitlines():
        requirement, _, marker = line.partition(" ; ")
        if "==" in requirement and (not marker or Marker(marker).evaluate()):
            name, version = requirement.split("==")
            pins[canonicalize_name(name)] = version
    return pins


def user_environ(venv):
    """The user's shell: the venv first on PATH, nothing of this test run's Python set-up."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "PYTEST", "SCHOOLOGY_MOCK_", "VIRTUAL_ENV", "PIP_"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def test_the_wheel_in_a_fresh_venv_beside_a_users_own_app_package(tmp_path):
    # the sdist, and the wheel built from it (python -m build does both)
    source = checkout(tmp_path / "src")
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "build", "--outdir", dist, source)
    wheel = next(dist.glob("schoology_mock-*.whl"))
    sdist = next(dist.glob("schoology_mock-*.tar.gz"))
    assert sdist.exists()

    names = zipfile.ZipFile(wheel).namelist()
    assert {name.split("/")[0] for name in names} == {
        "schoology_mock", wheel.name.split("-py3")[0] + ".dist-info"}
    assert "schoology_mock/fixtures/demo.json" in names
    shipped = {"schoology_mock/" + str(p.relative_to(ROOT / "app")) for pattern in
               ("*.py", "dashboard/templates/*", "dashboard/static/*")
               for p in (ROOT / "app").rglob(pattern)}
    assert shipped <= set(names), shipped - set(names)

    # from a zip: the wheel itself on sys.path, the demo school read out of it
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    zipped = run(sys.executable, "-c", textwrap.dedent('''
        import schoology_mock
        app = schoology_mock.create_app()
        print(schoology_mock.__file__)
        print(len(app.extensions["schoology_store"].enrollments))'''),
        cwd=outside, env=dict(os.environ, PYTHONPATH=str(wheel))).stdout.split()
    assert zipped[0].startswith(str(wheel)) and zipped[1] == "100"

    # a fresh virtual environment with its own pip, the wheel and what the
    # user's tests use, at the versions the suite's lock names (a new release
    # cannot break this test before the lock takes it)
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv)
    python = venv / "bin" / "python"
    run(python, "-m", "pip", "install", "--quiet", "-c", LOCK, wheel,
        "pytest", "requests", "requests-oauthlib", env=user_environ(venv))
    versions = run(python, "-m", "pip", "list", "--format=json", env=user_environ(venv)).stdout
    locked = locked_versions()
    installed = {canonicalize_name(p["name"]): p["version"] for p in json.loads(versions)}
    assert installed["pytest"] == locked["pytest"] and installed["flask"] == locked["flask"]
    assert {n: v for n, v in installed.items() if n in locked and locked[n] != v} == {}
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))")
                .stdout.strip())
    assert (site / "schoology_mock").is_dir() and not (site / "app").exists()

    # the console script serves the demo school from the installed package
    env = user_environ(venv)
    with serving("--auth", "off", command=[venv / "bin" / "schoology-mock"], env=env,
                 cwd=outside) as base:
        listed = requests.get(f"{base}/sections/{SECTION}/enrollments", timeout=10)
        assert listed.status_code == 200 and listed.json()["total"] == "21"
        root = base.rsplit("/v1", 1)[0]
        dashboard = requests.get(f"{root}/_mock/", timeout=10)  # its templates shipped
        assert dashboard.status_code == 200 and "Algebra I: Period 1" in dashboard.text
        docs = requests.get(f"{root}/_mock/openapi/schoology.yaml", timeout=30)
        assert docs.status_code == 200 and docs.text.startswith("openapi: 3.1.0")

    # the user's project: its own app package, its own tests using the plugin
    project = tmp_path / "project"
    (project / "app").mkdir(parents=True)
    (project / "app" / "__init__.py").write_text(USER_APP)
    (project / "tests").mkdir()
    (project / "tests" / "__init__.py").write_text("")
    (project / "tests" / "test_roster.py").write_text(USER_TESTS)
    (project / "pytest.ini").write_text("[pytest]\nschoology_mock_auth = oauth\n")
    for command in ([venv / "bin" / "pytest"], [python, "-m", "pytest"]):
        done = subprocess.run([*command, "-p", "no:cacheprovider"], cwd=project, env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0 and "2 passed" in done.stdout, (command, done.stdout,
                                                                    done.stderr)
