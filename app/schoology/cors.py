"""Browsers may call the API: every /v1 answer carries
Access-Control-Allow-Origin: *, and a preflight (OPTIONS, which carries no
credentials) is answered with the methods the path allows and the headers a
signed request sends. Schoology answers OPTIONS on every endpoint with the
methods it allows."""
from flask import request

ALLOWED_HEADERS = "Authorization, Content-Type, Accept, X-Requested-With"
MAX_AGE = "86400"


def allow(response):
    """The chain's after hook on every /v1 answer."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    if request.method == "OPTIONS" and response.status_code < 400:
        methods = response.headers.get("Allow", "GET, HEAD, OPTIONS")
        response.headers["Access-Control-Allow-Methods"] = methods
        response.headers["Access-Control-Allow-Headers"] = (
            request.headers.get("Access-Control-Request-Headers") or ALLOWED_HEADERS)
        response.headers["Access-Control-Max-Age"] = MAX_AGE
    response.headers["Access-Control-Expose-Headers"] = "Location, Retry-After"
    return response
