"""SNAPSHOT: a sandbox's state kept across restarts. The server starts from the
file when it exists, and MockServer writes it when it stops."""
import json
import os

from .store import read_file


def starting_document(config, demo):
    """(where it came from, the fixture document) the app starts from."""
    snapshot = config.get("SNAPSHOT")
    if snapshot and os.path.exists(snapshot):
        return snapshot, read_file(snapshot)
    if config["FIXTURES"] is None:
        return "the demo school", read_file(demo)
    return str(config["FIXTURES"]), read_file(config["FIXTURES"])


def write_snapshot(app):
    """The state, written whole or not at all; the path written, or None."""
    path = app.config.get("SNAPSHOT")
    if not path:
        return None
    temporary = f"{path}.partial"
    with open(temporary, "w") as f:
        json.dump(app.extensions["schoology_store"].export(), f)
    os.replace(temporary, path)
    return path
