"""The dashboard at /_mock/: the school, the journal, for a person in a
browser. Rendered here from the store and the journal (Flask templates);
behind the control API's guard (access.py). Every list is paged by the store, so a
district's school costs a page of work, not a walk (but for a search of a
realm by name: see store/browse.py)."""
from itertools import groupby
from operator import itemgetter

from flask import Blueprint, abort, current_app, render_template, request

from ..api.context import store
from . import access, controls
from .pages import caller, fragment_or_page, page_of, paged, pages_of, pretty, when

PAGE = 20  # rows of a realm's enrollments a page, as Schoology's lists
LIST = 50  # rows of the other lists


def school():
    held = store()
    page, group_page = page_of(request.args), page_of(request.args, "groups_page")
    total, rows = held.sections_page((page - 1) * LIST, LIST)
    groups_total, groups = held.groups_page((group_page - 1) * LIST, LIST)
    courses = [(course, [(section, count) for _, section, count in its])
               for course, its in groupby(rows, key=itemgetter(0))]
    return render_template("school.html", totals=held.totals(), courses=courses,
                           groups=held.groups_counted(groups), page=page,
                           pages=pages_of(total, LIST), group_page=group_page,
                           group_pages=pages_of(groups_total, LIST))


def realm(kind, realm_id):
    query = request.args.get("q", "").strip()
    page = page_of(request.args)
    found = store().realm_page(kind, realm_id, query, (page - 1) * PAGE, PAGE)
    if found is None:
        abort(404)
    record, total, rows = found
    return fragment_or_page("realm.html", {"enrollment-rows": "enrollment_rows.html"},
                            kind=kind, realm=record, title=record.title, rows=rows,
                            total=total, page=page, pages=pages_of(total, PAGE), query=query)


def _entries():
    """The journal's entries, newest first: a copy, taken at once, as the
    API's requests add to it meanwhile."""
    kept = current_app.extensions.get("schoology_journal")
    return None if kept is None else list(kept.entries)[::-1]


def journal():
    entries = _entries()
    if entries is None:
        return render_template("requests.html", entries=[], page=1, pages=1, off=True,
                               noted=False)
    noted = request.args.get("notes") == "1"
    if noted:
        entries = [e for e in entries if e.notes]
    page = page_of(request.args)
    shown, pages = paged(entries, page, LIST)
    return fragment_or_page("requests.html", {"journal-rows": "request_rows.html"},
                            entries=[e.as_dict() for e in shown], page=page, pages=pages,
                            off=False, noted=noted)


def entry(entry_id):
    found = next((e for e in _entries() or () if e.id == entry_id), None)
    if found is None:
        abort(404)
    return render_template("request.html", e=found.as_dict())


def blueprint():
    bp = Blueprint("dashboard", __name__, url_prefix="/_mock", template_folder="templates",
                   static_folder="static", static_url_path="/dashboard")
    access.register(bp)
    bp.add_app_template_filter(pretty)
    bp.add_app_template_filter(when)
    bp.add_app_template_filter(caller)
    bp.add_url_rule("/", view_func=school)
    bp.add_url_rule("/school/<any(section, group):kind>/<int:realm_id>", view_func=realm)
    bp.add_url_rule("/journal", view_func=journal)
    bp.add_url_rule("/journal/<int:entry_id>", view_func=entry)
    controls.register(bp)
    return bp
