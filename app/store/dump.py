"""The state as a fixture document's JSON text, written in pieces: a
district's state is half a gigabyte of text, and millions of dicts if made
whole."""
import json

import orjson

BATCH = 1000  # records a piece


def json_pieces(rows):
    """The document of Store.export_rows() as JSON text (bytes), in pieces."""
    yield b"{"
    for n, (key, records) in enumerate(rows):
        yield b'%s"%s":[' % (b"," if n else b"", key.encode())
        batch, first = [], True
        for record in records:
            batch.append(_dumped(record))
            if len(batch) == BATCH:
                yield (b"" if first else b",") + b",".join(batch)
                batch, first = [], False
        if batch:
            yield (b"" if first else b",") + b",".join(batch)
        yield b"]"
    yield b"}"


def _dumped(record):
    try:
        return orjson.dumps(record)
    except orjson.JSONEncodeError:  # a number past 64 bits: the json module writes any
        return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()
