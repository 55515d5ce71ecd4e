"""Every setting, declared once. Each has four spellings: a `serve` flag
(--rate-limit), an environment variable (SCHOOLOGY_MOCK_RATE_LIMIT), a pytest
ini option (schoology_mock_rate_limit) and a create_app config key
(RATE_LIMIT). Whatever the spelling, one parser checks the value, and a bad
one is refused in one line that names the setting as it was given.

This module imports nothing of the app, so the pytest plugin can check its
options without loading Flask."""
import ipaddress
import os
import re
import tempfile
from dataclasses import dataclass
from typing import Callable

ENV_PREFIX = "SCHOOLOGY_MOCK_"
INI_PREFIX = "schoology_mock_"


class SettingError(ValueError):
    """A bad value for a setting; str() names it as it was given (`kind`)."""

    def __init__(self, setting, value, problem, kind="config"):
        super().__init__(setting, value, problem, kind)
        self.setting, self.value, self.problem, self.kind = setting, value, problem, kind

    def given_as(self, kind):
        return SettingError(self.setting, self.value, self.problem, kind)

    def __str__(self):
        between = "=" if self.kind == "env" else " "
        return f"{self.setting.spelled(self.kind)}{between}{self.value!r}: {self.problem}"


@dataclass(frozen=True)
class Setting:
    key: str
    default: object
    parse: Callable  # a given value (text, or already typed) -> the value; ValueError if bad
    help: str
    metavar: str = None
    shown: str = None  # how the default reads, where str(default) would not do

    def default_text(self, defaults=None):
        value = (defaults or {}).get(self.key, self.default)
        return self.shown if self.shown and value == self.default else str(value)

    @property
    def flag(self):
        return "--" + self.key.lower().replace("_", "-")

    @property
    def env(self):
        return ENV_PREFIX + self.key

    @property
    def ini(self):
        return INI_PREFIX + self.key.lower()

    def spelled(self, kind):
        """The setting named as a user of that kind gave it, for messages."""
        return {"flag": self.flag, "env": self.env, "ini": f"ini option {self.ini}",
                "config": f"config key {self.key}"}[kind]

    def check(self, value, kind="config"):
        try:
            return self.parse(value)
        except (TypeError, ValueError) as e:
            raise SettingError(self, value, str(e), kind) from None


# --- parsers: each takes text (flags, environment, ini) or a typed value (config) ---
def whole(minimum=None, maximum=None):
    def parse(value):
        if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,30}\s*", value):
            value = int(value)
        if (not isinstance(value, int) or isinstance(value, bool)
                or (minimum is not None and value < minimum)
                or (maximum is not None and value > maximum)):
            if maximum is not None:
                raise ValueError(f"expected a whole number from {minimum} to {maximum}")
            raise ValueError("expected a whole number"
                             + ("" if minimum is None else f" of {minimum} or more"))
        return value
    return parse


def optional(parse):
    """None, or what parse makes of the value."""
    return lambda value: None if value is None else parse(value)


def one_of(*choices):
    def parse(value):
        if value not in choices:
            raise ValueError("expected " + " or ".join(choices))
        return value
    return parse


def on_off(value):
    """on/off (or true/false, yes/no, 1/0), or a bool."""
    if isinstance(value, bool):
        return value
    words = {"on": True, "true": True, "yes": True, "1": True,
             "off": False, "false": False, "no": False, "0": False}
    if isinstance(value, str) and value.strip().lower() in words:
        return words[value.strip().lower()]
    raise ValueError("expected on or off")


def folder(value):
    value = path(value)
    if not os.path.isdir(value):
        raise ValueError("no such folder")
    return os.path.abspath(value)


def text(value):
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected some text")
    return value


def path(value):
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    return text(value)


def writable_path(value):
    """A file the server writes when it stops: whether it can is found out now,
    by writing a file beside it, not after a whole session."""
    value = path(value)
    folder = os.path.dirname(os.path.abspath(value))
    if not os.path.isdir(folder):
        raise ValueError(f"folder {folder} does not exist")
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as e:
        raise ValueError(f"cannot write in folder {folder}: {e.strerror or e}") from None
    return value


def fixtures(value):
    """A fixture file's path; None is the demo school shipped with the package."""
    if value is None or (hasattr(value, "read_bytes") and not isinstance(value, os.PathLike)):
        return value  # a Traversable of importlib.resources (the demo school in a zip)
    value = path(value)
    if not os.path.isfile(value):
        raise ValueError("no such file")
    return value


def url(value):
    if not isinstance(value, str) or not re.fullmatch(r"https?://[^/\s]+(/\S*)?", value):
        raise ValueError("expected an http:// or https:// URL")
    return value.rstrip("/")


def rate_limit(value):
    """'50/5' or (50, 5) -> (50, 5.0); 'off' or None -> None."""
    if value is None or value == "off":
        return None
    try:
        count, seconds = value.split("/") if isinstance(value, str) else value
        count, seconds = whole(1)(count), float(seconds)
    except (TypeError, ValueError):
        seconds = 0
    # A window the clock cannot step through (inf, nan, 1e-320) would break every request.
    if not 0.001 <= seconds <= 86400:
        raise ValueError("expected N/SECONDS (e.g. 50/5; SECONDS from 0.001 to 86400) or off")
    return count, seconds


def token(value):
    """Sent in a header by hand: visible ASCII, no spaces, which clients would trim or mangle."""
    if not isinstance(value, str) or not re.fullmatch(r"[!-~]+", value):
        raise ValueError("expected a token of visible ASCII characters, without spaces")
    return value


def host(value):
    """An IP address or a host name to bind."""
    if isinstance(value, str):
        try:
            return str(ipaddress.ip_address(value.strip("[]")))
        except ValueError:
            label = r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)"
            if len(value) <= 253 and re.fullmatch(rf"{label}(\.{label})*", value):
                return value
    raise ValueError("expected an IP address or a host name (0.0.0.0 or :: for every interface)")


SETTINGS = [
    Setting("FIXTURES", None, fixtures, "fixture document to load", "FILE", "the demo school"),
    Setting("SEED", 0, whole(), "seed for issued ids", "N"),
    Setting("AUTH", "oauth", one_of("oauth", "off"),
            "oauth: every /v1 request must be OAuth 1.0a-signed; off: every request is the "
            "administrator, for curl and demos", "oauth|off"),
    Setting("RATE_LIMIT", (50, 5.0), rate_limit,
            "requests each consumer key may send per window, or off", "N/SECONDS|off",
            "50/5, as Schoology"),
    Setting("JOURNAL_SIZE", 5000, whole(0, 1_000_000),
            "requests the journal (/_mock/requests) keeps; 0: no journal", "N"),
    Setting("ADMIN_TOKEN", None, optional(token),
            "require this in X-Mock-Admin-Token on /_mock/ requests", "TOKEN",
            "none: /_mock/ answers clients on this machine only"),
    Setting("SNAPSHOT", None, optional(writable_path),
            "start from FILE's state if it exists, and keep the state in it: written within a "
            "second of each change and when the server stops, so a sandbox keeps its data "
            "across restarts", "FILE", "none"),
    Setting("AUTHORIZE_ANY_USER", False, on_off,
            "let /oauth/authorize approve a request token as any user without their "
            "password (a demo convenience; never on a shared sandbox)", "on|off", "off"),
    Setting("DATA_DIR", None, optional(folder),
            "a folder whose fixture files POST /_mock/load {\"path\"} may read, besides "
            "the folder of FIXTURES", "DIR", "none"),
    Setting("ACTING_UID", None, optional(whole(1)),
            "with auth off, the user requests act as", "UID",
            "the first administrator of the fixtures"),
    Setting("BASE_URL", None, optional(url),
            "the address clients reach the server at, when not http://HOST:PORT "
            "(behind a proxy)", "URL", "http://HOST:PORT"),
    Setting("STRICT", False, on_off,
            "refuse with a 400 each request the real API would silently ignore, coerce or cap "
            "part of (what the journal's notes say); off, as the real API accepts them",
            "on|off", "off"),
    Setting("HOST", "127.0.0.1", host, "address to bind", "HOST"),
    Setting("PORT", 0, whole(0, 65535), "port to listen on; 0 picks a free one", "PORT"),
    Setting("THREADS", 16, whole(1, 1024), "worker threads", "N"),
]
BY_KEY = {s.key: s for s in SETTINGS}
DEFAULTS = {s.key: s.default for s in SETTINGS}
# Where a front end's default differs from create_app's.
SERVE_DEFAULTS = {"PORT": 8000}
PLUGIN_DEFAULTS = {"RATE_LIMIT": "off"}  # a test suite should not wait on a rate limit


def check(config, kind="config"):
    """The config with every known setting in it parsed; SettingError if one is bad."""
    return {key: BY_KEY[key].check(value, kind) if key in BY_KEY else value
            for key, value in config.items()}


def from_environ(environ=None):
    """The settings named by SCHOOLOGY_MOCK_* variables, as given (an empty one
    is not given), and the names of variables that match no setting."""
    environ = os.environ if environ is None else environ
    given, unknown = {}, []
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX) or value == "":
            continue
        key = name[len(ENV_PREFIX):]
        if key in BY_KEY:
            given[key] = value
        else:
            unknown.append(name)
    return given, sorted(unknown)


def resolve(layers):
    """Layers of (kind, {key: value}), lowest first: the config, each setting
    parsed from the layer that gives it last (a value a higher layer overrides
    is never used, so never refused), and for each key the kind that gave it."""
    given, given_by = {}, {}
    for kind, values in layers:
        for key, value in values.items():
            given[key], given_by[key] = value, kind
    config = {key: BY_KEY[key].check(value, given_by[key]) if key in BY_KEY else value
              for key, value in given.items()}
    return config, given_by
