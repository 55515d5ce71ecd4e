from .dump import json_pieces
from .errors import Conflict, Invalid, NotFound, StoreError
from .fixtures import FixtureError
from .load import (NotFixtures, build_store, load_file, parse, parse_json, read_file,
                   read_open, store_of)
from .store import Store

__all__ = ["Conflict", "FixtureError", "Invalid", "NotFixtures", "NotFound", "Store",
           "StoreError", "build_store", "json_pieces", "load_file", "parse", "parse_json",
           "read_file", "read_open", "store_of"]
