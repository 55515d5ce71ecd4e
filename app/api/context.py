"""What the app serving the current request holds."""
from flask import current_app


def store():
    """The store of the app serving this request (the control API may swap it)."""
    return current_app.extensions["schoology_store"]


def install(app, new):
    """Serve the store new from app, stamping its changes with the app's clock."""
    new.clock = app.extensions["schoology_clock"]
    app.extensions["schoology_store"] = new


def settle():
    """Before each request: bring the school up to the clock (temporary
    enrollments past their end take their ending state)."""
    store().settle()
