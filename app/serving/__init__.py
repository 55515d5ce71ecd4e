"""Running the app: MockServer (server.py) on the HTTP/1.1 server of
http/, the schoology-mock command (cli.py) and the pytest plugin."""
from .server import MockServer

__all__ = ["MockServer"]
