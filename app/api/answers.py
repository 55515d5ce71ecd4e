"""Answers written from the schemas the OpenAPI document publishes, so that
the document and the bytes cannot drift apart: write(schema, data) keeps the
schema's fields in its order, writes nested ones with their own schemas, and
refuses (AnswerError, a bug: the server's 500) a field the schema does not
declare or a required one that is missing. Values are the view's own: the
schema says which fields, in which order, and where they nest."""
from marshmallow import fields


class AnswerError(Exception):
    """An answer that its schema does not describe."""


class Writer:
    def __init__(self, schema_class):
        self.schema_class = schema_class
        self.fields = None  # worked out on first use: schemas may nest each other

    def _build(self):
        schema = self.schema_class()
        built = []
        for name, field in schema.fields.items():
            many = isinstance(field, fields.List) and isinstance(field.inner, fields.Nested)
            nested = field.inner if many else field
            inner = writer(type(nested.schema)) if isinstance(nested, fields.Nested) else None
            built.append((field.data_key or name, inner, many))
        self.names = frozenset(key for key, _, _ in built)
        self.required = frozenset(field.data_key or name for name, field in schema.fields.items()
                                  if field.required)
        self.fields = built

    def __call__(self, data):
        if self.fields is None:
            self._build()
        if not isinstance(data, dict):
            raise AnswerError(f"{self.schema_class.__name__}: not an object: {data!r}")
        keys = data.keys()
        if not keys <= self.names:
            raise AnswerError(f"{self.schema_class.__name__} does not declare "
                              f"{sorted(keys - self.names)[0]!r}")
        if not self.required <= keys:
            raise AnswerError(f"{self.schema_class.__name__}: "
                              f"{sorted(self.required - keys)[0]!r} is missing")
        out = {}
        for key, inner, many in self.fields:
            if key in data:
                value = data[key]
                if inner is not None and value is not None:
                    value = [inner(item) for item in value] if many else inner(value)
                out[key] = value
        return out


_WRITERS = {}


def writer(schema_class):
    """The Writer of schema_class, made once."""
    found = _WRITERS.get(schema_class)
    if found is None:
        found = _WRITERS[schema_class] = Writer(schema_class)
    return found


def write(schema_class, data):
    return writer(schema_class)(data)
