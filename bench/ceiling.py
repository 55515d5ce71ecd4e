"""The ceiling the benchmark compares against: a minimal Flask app that answers
each benchmarked request with bytes captured from the mock beforehand, under
the same WSGI server and thread count. Whatever the mock spends above this is
the mock's own work.

    python bench/ceiling.py BODIES.json THREADS
"""
import json
import sys
from pathlib import Path

from flask import Flask, Response, request

from schoology_mock.serving import MockServer


def make_app(answers):
    """answers: {"METHOD /path?query Accept" or "METHOD /path Accept": {"status",
    "headers", "body"}}. The ceiling is sent the very requests the mock is sent
    (path, query string and headers), and answers each with the bytes the mock
    gave for it: for its path and query, else for its path."""
    app = Flask(__name__)
    prepared = {key: (a["body"].encode("latin-1"), a["status"], a["headers"])
                for key, a in answers.items()}

    @app.route("/<path:path>", methods=["GET", "POST"])
    def answer(path):
        accept = request.headers.get("Accept")
        exact = prepared.get(f"{request.method} {request.full_path} {accept}")
        body, status, headers = exact or prepared[f"{request.method} /{path} {accept}"]
        return Response(body, status, headers)

    return app


if __name__ == "__main__":
    answers = json.loads(Path(sys.argv[1]).read_text())
    server = MockServer(make_app(answers), threads=int(sys.argv[2])).bind()
    print(f"ceiling: ready at {server.url}", flush=True)
    server.serve_forever()
