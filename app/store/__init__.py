from .errors import Conflict, Invalid, NotFound, StoreError
from .fixtures import FixtureError, build_store, load_file, read_file
from .store import Store

__all__ = ["Conflict", "FixtureError", "Invalid", "NotFound", "Store", "StoreError",
           "build_store", "load_file", "read_file"]
