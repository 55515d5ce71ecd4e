"""The HTTP/1.1 server under MockServer: no connection can hold it. The
loop, the workers and the server's life cycle (server.py); one connection,
read by the loop (connection.py); the WSGI side, a request's environ and an
answer's bytes (wsgi.py)."""
