"""The chain: every layer an API request passes through, declared once, in
the order it runs, outermost first. install() builds the app from LAYERS,
so this list is what runs:

    journal        WSGI     times and records every API request, a fault's
                            latency included, a dropped connection too
    faults         WSGI     the network: latency, a dropped connection
    fault answer   app      an injected status, in the dialect's shape
    clock          app      the school brought up to the clock
    authentication dialect  who is calling, or a 401
    rate limit     dialect  a 429 past the caller's limit (Schoology)
    contract notes dialect  what the real API would ignore, coerce or cap
    view           dialect  the route table's view, answering through the
                            dialect's serializer
    after hooks    dialect  on the dialect's own paths only (Schoology's CORS)
    journal answer app      the answer, the caller, the notes, for the journal

The app-wide steps ("app") also run for the control API and the dashboard,
where the fault answer finds no rule. A dialect's steps run for its own
blueprint's routes; a path under its prefix that no route takes goes to the
dialect's routing_error, which runs what it needs of them (Schoology
authenticates it, as the real API does)."""
from dataclasses import dataclass
from functools import partial

from flask import current_app, request

from .api import dialects
from .api.context import settle
from .toolkit import faults, journal

WSGI, APP, DIALECT, VIEW, AFTER = "wsgi", "app", "dialect", "view", "after"


@dataclass(frozen=True)
class Layer:
    name: str
    where: str  # WSGI, APP, DIALECT, VIEW or AFTER
    step: object  # WSGI: a class(wsgi_app, app); APP, AFTER: a function; DIALECT: an attribute
    when: object = None  # (app) -> whether the app has this layer; None: always


def _dialect_after(response):
    """Each dialect's after hooks, on its own paths only."""
    path = request.path
    for where, hooks in current_app.extensions["schoology_after"]:
        if path == where or where.endswith("/") and path.startswith(where):
            for hook in hooks:
                response = hook(response)
    return response


LAYERS = (
    Layer("journal", WSGI, journal.Layer, when=lambda app: app.config["JOURNAL_SIZE"]),
    Layer("faults", WSGI, faults.Layer),
    Layer("fault answer", APP, faults.answer),
    Layer("clock", APP, settle),
    Layer("authentication", DIALECT, "authenticate"),
    Layer("rate limit", DIALECT, "rate_limit"),
    Layer("contract notes", DIALECT, "notes"),
    Layer("view", VIEW, None),
    Layer("after hooks", AFTER, _dialect_after),
    Layer("journal answer", AFTER, journal.capture),
)


def steps_of(dialect):
    """The dialect's steps before the view, in the order LAYERS gives them."""
    named = (getattr(dialect, layer.step) for layer in LAYERS if layer.where == DIALECT)
    return tuple(step for step in named if step is not None)


def admit(steps):
    """Run steps in order: None, or the first answer one gives."""
    for step in steps:
        answer = step()
        if answer is not None:
            return answer
    return None


def install(app):
    """Build the app's chain from LAYERS. Call it once every dialect is added."""
    layers = [layer for layer in LAYERS if layer.when is None or layer.when(app)]
    for layer in reversed([x for x in layers if x.where == WSGI]):
        app.wsgi_app = layer.step(app.wsgi_app, app)  # the first listed ends up outermost
    for layer in layers:
        if layer.where == APP:
            app.before_request(layer.step)
    app.extensions["schoology_after"] = tuple(
        (where, hooks) for dialect in dialects.of(app).values()
        for where, hooks in dialect.after.items())
    admitting = app.extensions["schoology_admit"] = {}
    for dialect in dialects.of(app).values():
        admitting[dialect.name] = partial(admit, steps_of(dialect))
        dialect.blueprint.before_request(admitting[dialect.name])
        app.register_blueprint(dialect.blueprint)
    after = tuple(x.step for x in layers if x.where == AFTER)

    def after_request(response):  # Flask runs after_request functions last first: one, in order
        for step in after:
            response = step(response)
        return response
    app.after_request(after_request)
