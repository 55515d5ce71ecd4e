"""Cost of a page of users at two school sizes, measured side by side.

    python bench/roster.py [--small 1000] [--large 100000] [--rounds 5] [--requests 400]

Builds two schools (N users each, one section, authentication off), then in
alternating rounds times GET /v1/users?start=..&limit=20 on each through the
app's WSGI callable (no HTTP server: the page's own cost), by CPU time: the
same pages (within the smaller school's users) at both sizes, so that only
the school's size differs. Prints the median µs a request at each size and
their ratio; a page should not cost more because the school is larger. Then
the cost of cold pages (each page of the large school read once: rows not
written before) beside warm ones.
"""
import argparse
import io
import sys
import time
from statistics import median

from schoology_mock import create_app
from schoology_mock.store import build_store


def school(users):
    return {
        "buildings": [{"id": "10", "title": "Bench High", "school_id": "1"}],
        "roles": [{"id": "20", "title": "Student"}, {"id": "21", "title": "Teacher",
                                                    "faculty": "1"}],
        "users": [{"uid": str(1_000_000 + n), "school_uid": f"S{n:07d}",
                   "name_first": f"First{n}", "name_last": "Bench", "role_id": "20",
                   "building_id": "10", "username": f"u{n}",
                   "primary_email": f"u{n}@bench.example"} for n in range(users)],
        "courses": [{"id": "30", "title": "Course", "course_code": "C"}],
        "sections": [{"id": "40", "course_id": "30", "title": "Section"}],
    }


def environ(path, query):
    return {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1:8000",
            "wsgi.url_scheme": "http", "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr,
            "wsgi.multithread": True, "wsgi.multiprocess": False, "wsgi.run_once": False,
            "HTTP_ACCEPT": "application/json", "REMOTE_ADDR": "127.0.0.1"}


def timed(app, users, count, cold=False):
    statuses = []

    def start_response(status, headers, exc_info=None):
        statuses.append(status)

    started = time.process_time()
    for n in range(count):
        # warm: pages over the first `users`, read again and again; cold: each
        # page read once, never before
        start = n * 20 if cold else (n * 37) % (users - 20)
        body = app(environ("/v1/users", f"start={start}&limit=20"), start_response)
        b"".join(body)
    spent = time.process_time() - started
    assert all(s.startswith("200") for s in statuses), statuses[:3]
    return spent / count * 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    apps = {size: create_app({"AUTH": "off", "RATE_LIMIT": None, "JOURNAL_SIZE": 0},
                             store=build_store(school(size)))
            for size in (args.small, args.large)}
    for size, app in apps.items():
        timed(app, args.small, args.requests)  # warm up: the pages timed below
    figures = {size: [] for size in apps}
    for _ in range(args.rounds):
        for size, app in apps.items():
            figures[size].append(timed(app, args.small, args.requests))
    small, large = median(figures[args.small]), median(figures[args.large])
    print(f"a page of 20 users at {args.small:,} users: {small:.0f} µs a request")
    print(f"a page of 20 users at {args.large:,} users: {large:.0f} µs a request")
    print(f"ratio (large / small): {large / small:.2f}x  (target: 1.2x or less)")
    fresh = create_app({"AUTH": "off", "RATE_LIMIT": None, "JOURNAL_SIZE": 0},
                       store=build_store(school(args.large)))
    cold = timed(fresh, args.large, min(args.requests, args.large // 20 - 1), cold=True)
    print(f"a cold page at {args.large:,} users: {cold:.0f} µs a request "
          f"({cold / large:.2f}x a warm one)")


if __name__ == "__main__":
    main()
