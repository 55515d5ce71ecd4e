"""The test sessions, each in an environment of its own (made with uv).

    nox                  the whole suite on this Python, with the locked test
                         dependencies and the browser; then, on every other
                         Python from 3.10 to 3.13, the wheel installed and
                         serving the README's examples
    nox -s tests         the whole suite on each of those Pythons
    nox -s latest        the whole suite on the newest releases, no lock
    nox -s lowest        the whole suite on the oldest releases setup.cfg allows
    nox -s lock          re-resolves the locks in tests/requirements/ after a
                         dependency changed; `-- --upgrade` takes the newest
                         releases
"""
import os
import shutil
import sys
from pathlib import Path

import nox

LOCK = "tests/requirements/test.txt"
VERSIONS = ["3.10", "3.11", "3.12", "3.13"]
CURRENT = f"{sys.version_info.major}.{sys.version_info.minor}"
if CURRENT not in VERSIONS:  # a newer Python runs nox: its sessions exist too
    VERSIONS.append(CURRENT)

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = [f"tests-{CURRENT}"] + [f"readme-{v}" for v in VERSIONS if v != CURRENT]


def pyenv_sees_every_version():
    """Under pyenv, `python3.12` is a shim that runs only the versions pyenv
    is told to use (PYENV_VERSION, which pyenv's own shims set to one): add
    the newest installed patch of each version tested that it lacks, as
    `pyenv global 3.11 3.10 3.12 3.13` would, after those it names."""
    versions = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    if not versions.is_dir():
        return
    told = [name for name in os.environ.get("PYENV_VERSION", "").split(":") if name]
    newest = {}
    for path in sorted(versions.iterdir(), key=lambda p: [int(n) if n.isdigit() else -1
                                                           for n in p.name.split(".")]):
        minor = ".".join(path.name.split(".")[:2])
        if minor in VERSIONS and path.name.replace(".", "").isdigit():
            newest[minor] = path.name
    added = [name for minor, name in newest.items()
             if not any(t == minor or t.startswith(minor + ".") for t in told)]
    if added:
        os.environ["PYENV_VERSION"] = ":".join(told + added)


pyenv_sees_every_version()


def browser(session):
    """The dashboard's tests drive Chromium: the system's, installed with
    apt-get where it is missing and apt-get exists (Playwright's own download
    is not reachable everywhere); elsewhere Playwright's own."""
    if os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser"):
        return
    if shutil.which("apt-get"):
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        session.run(*sudo, "apt-get", "update", "-qq", external=True)
        session.run(*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends",
                    "chromium", external=True, env={"DEBIAN_FRONTEND": "noninteractive"})
    else:
        session.run("python", "-m", "playwright", "install", "chromium")


def suite(session, *install, options=()):
    """The package with its test extra (install: the installer's options,
    which say what versions), the browser, then the whole suite, a worker a
    core (pytest-xdist): each test's server takes a free port of its own and
    the real clients' environments are built once, under a lock, so workers
    keep apart; on two cores the suite takes half the time."""
    session.install(*install, "-e", ".[test]")
    browser(session)
    session.run("python", "-m", "pytest", "-n", "auto", *options, *session.posargs)


@nox.session(python=VERSIONS)
def tests(session):
    """The whole suite, with the locked test dependencies."""
    suite(session, "-c", LOCK)


@nox.session(python=VERSIONS)
def readme(session):
    """The wheel, built from this checkout as a release is and installed as
    users install it (with the locked test dependencies), serves the README's
    examples: tests/test_readme*.py run against the installed package."""
    session.install("-c", LOCK, "build")
    dist = Path(session.create_tmp()) / "dist"
    shutil.rmtree(dist, ignore_errors=True)  # no wheel of an earlier run
    session.run("python", "-m", "build", "--outdir", str(dist), ".", silent=True)
    wheel = next(dist.glob("schoology_mock-*.whl"))
    session.install("-c", LOCK, f"{wheel}[test]")
    session.run("python", "-c", "import schoology_mock, sys; "
                "assert 'site-packages' in schoology_mock.__file__, schoology_mock.__file__; "
                "print('schoology_mock from', schoology_mock.__file__)")
    session.run("python", "-m", "pytest", "-p", "no:cacheprovider", "tests/test_readme.py",
                "tests/test_readme_contract.py", *session.posargs)


@nox.session
def latest(session):
    """The whole suite on the newest releases of everything it installs,
    the Ed-Fi extractor's environment included: a release that breaks the
    mock or its tests shows here first."""
    suite(session, "--upgrade", options=["--clients-unlocked"])


@nox.session(python=VERSIONS[0])
def lowest(session):
    """The whole suite with the oldest release of each of the package's own
    requirements that setup.cfg allows (what a project pinned to them gets),
    the test tools at their newest that fit: a floor that no longer holds
    shows here. On the oldest Python, which the oldest releases have wheels for."""
    from uv import find_uv_bin
    floors = Path(session.create_tmp()) / "lowest.txt"
    session.run(find_uv_bin(), "pip", "compile", "--quiet", "--resolution", "lowest-direct",
                "--python-version", VERSIONS[0], "setup.cfg", "-o", str(floors), external=True)
    suite(session, "-c", str(floors))


@nox.session(python=False)
def lock(session):
    """The locks, resolved by uv for every Python from 3.10 (one file, with
    markers where versions differ)."""
    from uv import find_uv_bin
    compile_ = [find_uv_bin(), "pip", "compile", "--quiet", "--universal", "--python-version",
                "3.10", "--custom-compile-command", "nox -s lock", *session.posargs]
    session.run(*compile_, "--extra", "test", "setup.cfg", "-o", LOCK, external=True)
    for name in ("nox", "edfi-schoology", "edfi-canvas"):
        session.run(*compile_, f"tests/requirements/{name}.in",
                    "-o", f"tests/requirements/{name}.txt", external=True)
