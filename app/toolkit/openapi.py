"""The OpenAPI 3.1 document of each dialect, written from the app's own
routes and each dialect's contract (contract.Description): every route of
the dialect must have its Operation, and every Operation its route, or
building fails, so the document cannot drift from what is served. The
schemas are the marshmallow schemas the views load and dump with, turned
into JSON Schema by apispec. Examples are the answers of a scratch mock of
the demo school to the requests the contract names."""
import json
import re
from urllib.parse import parse_qsl

import yaml
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Response, abort, current_app, request
from flask_swagger_ui import get_swaggerui_blueprint
from marshmallow import Schema

from ..api import contract
from .control import reset_state

METHODS = ("get", "put", "post", "delete", "patch")
SAMPLE_TIME = "2026-11-23T15:00:00Z"  # the examples' now
openapi_path = contract.openapi_path


def path_parameters(rule, described):
    """The rule's path parameters, each typed by its converter."""
    out = []
    for converter, arguments, name in contract.RULE_PARAMETER.findall(rule):
        if converter == "any":
            schema = {"type": "string", "enum": [a.strip() for a in arguments.split(",")]}
        elif converter == "id":
            schema = {"type": "integer", "minimum": 0}
        else:
            schema = {"type": "string"}
        description, given = described.get(name, ("", None))
        out.append({"in": "path", "name": name, "required": True, "description": description,
                    "schema": given or schema})
    return out


def _field_schema(plugin):
    """Our own fields (fields.py) say what JSON Schema they are."""
    def attribute(converter, field, **kwargs):
        describe = getattr(field, "openapi", None)
        return describe() if describe else {}
    plugin.converter.add_attribute_function(attribute)


class Builder:
    def __init__(self, description, server_url):
        self.d = description
        self.plugin = MarshmallowPlugin(schema_name_resolver=_schema_name)
        servers = [{"url": server_url, "description": "this mock"}] if server_url else []
        servers += description.servers
        self.spec = APISpec(
            title=description.title, version=description.version, openapi_version="3.1.0",
            plugins=[self.plugin],
            info={"description": description.summary},
            servers=servers, tags=[{"name": n, "description": t} for n, t in description.tags])
        _field_schema(self.plugin)
        for name, scheme in description.security.items():
            self.spec.components.security_scheme(name, scheme)

    def ref(self, schema):
        """A $ref to a marshmallow schema, registering it on first use; a dict
        is walked for schemas within it."""
        if isinstance(schema, dict):
            return {k: self.ref(v) if isinstance(v, (dict, list, type, Schema)) else v
                    for k, v in schema.items()}
        if isinstance(schema, list):
            return [self.ref(v) for v in schema]
        # The plugin registers a schema on first use, as it does nested ones.
        return self.plugin.converter.resolve_nested_schema(schema)

    def content(self, schema, media, root, examples):
        """{media type: {schema, example}}; XML names its root element."""
        out = {}
        for mediatype in media:
            body = self.ref(schema)
            if "xml" in mediatype:
                body = dict(body, xml={"name": root})
            out[mediatype] = {"schema": body}
            if mediatype in examples:
                out[mediatype]["example"] = examples[mediatype]
        return out

    def reply(self, reply, examples):
        out = {"description": reply.description}
        if reply.headers:
            out["headers"] = {name: {"description": text, "schema": schema}
                              for name, (text, schema) in reply.headers.items()}
        if reply.mediatype:
            out["content"] = {reply.mediatype: {"schema": self.ref(reply.schema or
                                                                   {"type": "string"})}}
        elif reply.schema is not None:
            out["content"] = self.content(reply.schema, self.d.media, "result", examples)
        return out

    def operation(self, method, path, rule, op, examples):
        params = path_parameters(rule, {**self.d.parameters, **op.parameters})
        if op.query is not None:
            params += self.plugin.converter.schema2parameters(op.query, location="query")
        if op.sample is not None:
            _sample_values(params, path, op.sample.path)
        replies = dict(self.d.common)
        if params and any(p["in"] == "path" for p in params):
            replies.setdefault(404, self.d.not_found)
        replies.update(op.replies)
        out = {"operationId": _operation_id(method, path), "summary": op.summary,
               "tags": [op.tag], "parameters": params,
               "responses": {str(status): self.reply(r, examples.get(status, {}))
                             for status, r in sorted(replies.items())}}
        if op.description:
            out["description"] = op.description
        if op.body is not None:
            content = self.content(op.body, tuple(self.d.encoders), "body",
                                   examples.get("request", {}))
            for mediatype, given in op.bodies.items():
                content[mediatype]["schema"] = self.ref(given.schema)
                if given.encoding:
                    content[mediatype]["encoding"] = given.encoding
            out["requestBody"] = {"required": op.body_required, "content": content}
        for status in examples:
            if status != "request" and status >= 400:
                raise LookupError(f"{method.upper()} {path}: its sample failed ({status}): "
                                  f"{examples[status]}")
            if status != "request" and status not in replies:
                raise LookupError(f"{method.upper()} {path}: its sample answered {status}, "
                                  "which the contract does not declare")
        return out

    def build(self, app, examples):
        seen = set()
        paths = {}
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if not rule.rule.startswith(self.d.prefix):
                continue
            path = openapi_path(rule.rule)
            for method in METHODS:
                if method.upper() not in rule.methods:
                    continue
                key = f"{method} {path}"
                op = self.d.operations.get(key)
                if op is None:
                    raise LookupError(f"{key}: served, but the contract does not describe it")
                seen.add(key)
                paths.setdefault(path, {})[method] = self.operation(
                    method, path, rule.rule, op, examples.get(key, {}))
        missing = set(self.d.operations) - seen
        if missing:
            raise LookupError(f"{sorted(missing)[0]}: described, but not served")
        for path, operations in paths.items():
            self.spec.path(path=path, operations=operations)
        document = self.spec.to_dict()
        document["security"] = [{name: []} for name in self.d.security]
        order = ("openapi", "info", "servers", "tags", "security", "paths", "components")
        return {key: document[key] for key in sorted(document, key=lambda k: (
            order.index(k) if k in order else len(order)))}


def _sample_values(params, template, sample):
    """Each parameter's example: its value in the sample request, so that a
    reader (or a fuzzer) starts from a request that meets the demo school.
    An array parameter's example is the list of its values."""
    path, _, query = sample.partition("?")
    pattern = "^" + re.sub(r"\\{(\w+)\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$"
    given = {name: [value] for name, value in re.match(pattern, path).groupdict().items()}
    for name, value in parse_qsl(query):
        given.setdefault(name, []).append(value)
    for param in params:
        values = given.get(param["name"])
        if values:
            schema = param["schema"]
            if schema.get("type") == "array":
                param["example"] = [_typed(v, schema.get("items", {})) for v in values]
            else:
                param["example"] = _typed(values[-1], schema)


def _typed(value, schema):
    return int(value) if schema.get("type") == "integer" and value.isdigit() else value


def _schema_name(schema):
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__
    return name[:-6] if name.endswith("Schema") and len(name) > 6 else name


def _operation_id(method, path):
    words = [w.strip("{}") for w in path.split("/") if w and w not in ("v1", "api")]
    return method + "_" + "_".join(words)


def build(app, name, server_url=None):
    """The document of dialect name ("schoology", "canvas") of app, as a dict."""
    description = app.extensions["schoology_dialects"][name].contract
    return Builder(description, server_url).build(app, _examples(app, name))


_EXAMPLES = {}


def _examples(app, name):
    """Made once per process: the routes and the demo school never change."""
    if name not in _EXAMPLES:
        _EXAMPLES[name] = _answers(app.extensions["schoology_factory"], name)
    return _EXAMPLES[name]


def _answers(create_app, name):
    """{operation: {status: {media type: answer}, "request": {media type:
    body}}}: a scratch mock of the demo school (auth off) answering each
    operation's Sample, put back to the demo school before each, so that
    every example meets the school as it starts. Made once per process."""
    scratch = create_app({"AUTH": "off", "RATE_LIMIT": None, "JOURNAL_SIZE": 0})
    # One time for every build: the examples show it where a write stamps one.
    scratch.extensions["schoology_clock"].set(at=SAMPLE_TIME, freeze=True)
    description = scratch.extensions["schoology_dialects"][name].contract
    client = scratch.test_client()
    out = {}
    for key, op in description.operations.items():
        if op.sample is None:
            continue
        method = key.split(" ", 1)[0].upper()
        examples = out[key] = {}
        if op.sample.body is not None:  # a form's example would be its text: none
            examples["request"] = {mediatype: _decoded(encode(op.sample.body), mediatype)
                                   for mediatype, encode in description.encoders.items()
                                   if mediatype != "application/x-www-form-urlencoded"}
        for mediatype in description.media:
            reset_state(scratch)
            kwargs = {}
            if op.sample.body is not None:
                sent = mediatype if mediatype in description.encoders else \
                    next(iter(description.encoders))
                kwargs = {"data": description.encoders[sent](op.sample.body),
                          "content_type": sent}
            answer = client.open(op.sample.path, method=method, headers={"Accept": mediatype},
                                 **kwargs)
            if answer.data:
                examples.setdefault(answer.status_code, {})[mediatype] = _decoded(
                    answer.data, answer.mimetype)
            else:
                examples.setdefault(answer.status_code, {})
    return out


def _decoded(data, mediatype):
    if isinstance(data, bytes):
        data = data.decode("utf-8")
    return json.loads(data) if mediatype.endswith("json") else data


def as_json(document):
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True  # a document read by people and tools: no &anchors


def as_yaml(document):
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def document(app, name, server_url):
    """build(), kept per app and dialect (the routes and the contract do not
    change while the app runs), with server_url put first among its servers.
    The URL comes from the request's Host, so it is not part of what is
    kept: a client sending a new Host each time must not grow the cache."""
    kept = app.extensions.setdefault("schoology_openapi", {})
    if name not in kept:
        kept[name] = build(app, name)
    doc = kept[name]
    return dict(doc, servers=[{"url": server_url, "description": "this mock"}] + doc["servers"])


def blueprint():
    """GET /_mock/openapi/{schoology,canvas}.{json,yaml}, and /_mock/docs, a
    page that renders them (Swagger UI, from the flask-swagger-ui package:
    nothing is fetched from the internet). Documents of the API, not of the
    school: open to anyone who can reach the server, as the API is."""
    bp = Blueprint("openapi", __name__, url_prefix="/_mock/openapi")

    @bp.get("/<any(schoology, canvas):name>.<any(json, yaml):form>")
    def served(name, form):
        if name not in current_app.extensions["schoology_dialects"]:
            abort(404)
        doc = document(current_app._get_current_object(), name, request.host_url.rstrip("/"))
        if form == "json":
            return Response(as_json(doc), content_type="application/json")
        return Response(as_yaml(doc), content_type="application/yaml; charset=utf-8")

    docs = get_swaggerui_blueprint("/_mock/docs", "/_mock/openapi/schoology.json", config={
        "app_name": "schoology-mock: the API documents",
        "urls": [{"name": "Schoology REST API v1", "url": "/_mock/openapi/schoology.json"},
                 {"name": "Canvas Enrollments API", "url": "/_mock/openapi/canvas.json"}],
    }, blueprint_name="openapi_docs")
    return bp, docs
