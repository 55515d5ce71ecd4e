"""The response class of every answer, whatever the dialect."""
from flask import Response as FlaskResponse


class Response(FlaskResponse):
    """Schoology's and Canvas's 204s carry Content-Length: 0; Werkzeug drops
    it (RFC 7230 allows either), so put it back for clients that look."""

    def get_wsgi_headers(self, environ):
        headers = super().get_wsgi_headers(environ)
        if self.status_code == 204:
            headers["Content-Length"] = "0"
        return headers
