"""The control API under /_mock/, for tests and demos: never part of
Schoology's /v1 API and never reached with Schoology credentials. JSON in and
out.

    POST /_mock/reset   back to the fixtures the server started with
    GET  /_mock/state   the whole state, as a fixture document
    POST /_mock/load    replace the state: a fixture document, or {"path": FILE}
    POST /_mock/seed    {"seed": N}: ids issued from here on follow seed N
"""
from flask import Blueprint, current_app, jsonify, request

from .store import FixtureError, build_store, load_file


def _answer(status=200, **body):
    return jsonify(body), status


def _swap(store):
    current_app.extensions["schoology_store"] = store


def reset():
    _swap(build_store(current_app.extensions["schoology_fixtures"],
                      seed=current_app.config["SEED"]))
    return _answer(reset=True)


def state():
    return jsonify(current_app.extensions["schoology_store"].export())


def load():
    """A whole new store is built first: a bad document changes nothing."""
    document = request.get_json(silent=True)
    if not isinstance(document, dict):
        return _answer(400, error="Send a fixture document (JSON) or {\"path\": FILE}.")
    try:
        if set(document) == {"path"}:
            store = load_file(document["path"], seed=current_app.config["SEED"])
        else:
            store = build_store(document, source="the loaded document",
                                seed=current_app.config["SEED"])
    except FixtureError as e:
        return _answer(400, error=str(e))
    _swap(store)
    return _answer(loaded=True, users=len(store.users), enrollments=len(store.enrollments))


def seed():
    given = (request.get_json(silent=True) or {}).get("seed")
    if not isinstance(given, int) or isinstance(given, bool):
        return _answer(400, error='Send {"seed": N} with a whole number N.')
    current_app.extensions["schoology_store"].reseed(given)
    return _answer(seed=given)


def control_blueprint():
    bp = Blueprint("control", __name__, url_prefix="/_mock")
    bp.add_url_rule("/reset", view_func=reset, methods=["POST"])
    bp.add_url_rule("/state", view_func=state, methods=["GET"])
    bp.add_url_rule("/load", view_func=load, methods=["POST"])
    bp.add_url_rule("/seed", view_func=seed, methods=["POST"])
    return bp
