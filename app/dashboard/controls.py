"""The dashboard's forms: arm and disarm faults, freeze or move the clock,
reset the school, load a fixture file from the browser's machine. Each
answers with a redirect back to the page (so a reload sends nothing twice),
carrying what happened in the query (?done=... or ?problem=...)."""
from urllib.parse import urlencode

from flask import current_app, redirect, request, url_for

from ..api.context import install
from ..store import FixtureError, read_open, store_of
from ..toolkit.clock import seconds
from ..toolkit.control import MAX_LOAD_BYTES, reset_state
from ..toolkit.faults import RuleError
from .pages import fragment_or_page


def back(**said):
    return redirect(url_for("dashboard.controls") + ("?" + urlencode(said) if said else ""))


def controls():
    app = current_app
    clock = app.extensions["schoology_clock"]
    return fragment_or_page("controls.html", {"fault-rows": "fault_rows.html"},
                            faults=app.extensions["schoology_faults"].describe(),
                            now=clock(), frozen=clock.frozen is not None,
                            source=app.extensions["schoology_source"],
                            done=request.args.get("done"), problem=request.args.get("problem"))


def arm():
    form = request.form
    spec = {"path": form.get("path") or ".*"}
    if form.get("method"):
        spec["method"] = form["method"]
    for name in ("times", "status", "latency_ms"):
        if form.get(name, "").strip():
            if not form[name].strip().isdigit():
                return back(problem=f"{name}: a whole number")
            spec[name] = int(form[name])
    if form.get("drop"):
        spec["drop"] = True
    if form.get("body"):
        spec["body"] = form["body"]
    try:
        rule = current_app.extensions["schoology_faults"].add(spec)
    except RuleError as e:
        return back(problem=str(e))
    return back(done=f"Fault {rule.id} armed.")


def disarm(rule_id):
    faults = current_app.extensions["schoology_faults"]
    return back(done=f"Fault {rule_id} disarmed." if faults.remove(rule_id)
                else f"Fault {rule_id} was not armed.")


def clock():
    given = request.form
    clock = current_app.extensions["schoology_clock"]
    if given.get("real"):
        clock.real()
        return back(done="The clock is real time again.")
    change = {}
    if given.get("at", "").strip():
        try:
            change["at"] = seconds(given["at"].strip())
        except ValueError:
            return back(problem="at: epoch seconds or an ISO 8601 time")
    if given.get("advance", "").strip():
        try:
            change["advance"] = float(given["advance"])
        except ValueError:
            return back(problem="advance: seconds")
    change["freeze"] = bool(given.get("freeze"))
    try:
        clock.set(**change)
    except ValueError as e:
        return back(problem=str(e))
    return back(done="The clock is set.")


def reset():
    reset_state(current_app)
    return back(done="Back to " + current_app.extensions["schoology_source"] + ".")


def load():
    upload = request.files.get("fixtures")
    if upload is None or not upload.filename:
        return back(problem="Choose a fixture file to load.")
    source = f"the file {upload.filename}"
    try:
        records = read_open(upload.stream, source, MAX_LOAD_BYTES)
        loaded = store_of(records, seed=current_app.config["SEED"])
    except FixtureError as e:
        return back(problem=str(e))
    install(current_app, loaded)
    return back(done=f"Loaded {source}: {len(loaded.users):,} users, "
                     f"{len(loaded.enrollments):,} enrollments.")


def register(bp):
    bp.add_url_rule("/controls", view_func=controls)
    bp.add_url_rule("/controls/faults", view_func=arm, methods=["POST"])
    bp.add_url_rule("/controls/faults/<int:rule_id>/disarm", view_func=disarm,
                    methods=["POST"])
    bp.add_url_rule("/controls/clock", view_func=clock, methods=["POST"])
    bp.add_url_rule("/controls/reset", view_func=reset, methods=["POST"])
    bp.add_url_rule("/controls/load", view_func=load, methods=["POST"])
