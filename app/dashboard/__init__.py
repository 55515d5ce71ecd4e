"""The dashboard at /_mock/: the school, the journal, for a person in a
browser. Rendered here from the store and the journal (Flask templates);
behind the control API's guard. Every list is paged here, so a district's
school costs a page of work, not a walk."""
from flask import Blueprint, abort, current_app, render_template, request

from ..context import store
from ..control import guard
from . import controls
from .pages import fragment_or_page, page_of, paged, pretty, when

PAGE = 20  # rows of a realm's enrollments a page, as Schoology's lists
LIST = 50  # rows of the other lists


def school():
    held = store()
    page = page_of(request.args)
    courses, pages = paged(sorted(held.courses), page, LIST)
    rows = []
    for course_id in courses:
        course = held.courses[course_id]
        sections = [(held.sections[s], len(held.realms[("section", s)]))
                    for s in held.sections_of_course.get(course_id, [])]
        rows.append((course, sections))
    groups = [(held.groups[g], len(held.realms[("group", g)]))
              for g in sorted(held.groups)[:LIST]]
    return render_template("school.html", courses=rows, groups=groups, page=page, pages=pages,
                           totals={"users": len(held.users), "courses": len(held.courses),
                                   "sections": len(held.sections), "groups": len(held.groups),
                                   "enrollments": len(held.enrollments)})


def realm(kind, realm_id):
    held = store()
    table = held.sections if kind == "section" else held.groups
    found = table.get(realm_id)
    if found is None:
        abort(404)
    index = held.realms[(kind, realm_id)]
    query = request.args.get("q", "").strip()
    ids = index.all
    if query:
        wanted = query.lower()
        ids = [i for i in ids if _matches(held, held.enrollments[i].uid, wanted)]
    page = page_of(request.args)
    shown, pages = paged(ids, page, PAGE)
    rows = [(held.enrollments[i], held.users.get(held.enrollments[i].uid)) for i in shown]
    title = found.title
    return render_template("realm.html", kind=kind, realm=found, title=title, rows=rows,
                           total=len(ids), page=page, pages=pages, query=query)


def _matches(held, uid, wanted):
    user = held.users.get(uid)
    return wanted == str(uid) or (user is not None and (
        wanted in user.name_display.lower() or wanted == (user.school_uid or "").lower()))


def journal():
    kept = current_app.extensions.get("schoology_journal")
    if kept is None:
        return render_template("requests.html", entries=[], page=1, pages=1, off=True,
                               noted=False)
    noted = request.args.get("notes") == "1"
    entries = [e for e in reversed(kept.entries) if not noted or e.notes]
    page = page_of(request.args)
    shown, pages = paged(entries, page, LIST)
    return fragment_or_page("requests.html", {"journal-rows": "request_rows.html"},
                            entries=[e.as_dict() for e in shown], page=page, pages=pages,
                            off=False, noted=noted)


def entry(entry_id):
    kept = current_app.extensions.get("schoology_journal")
    found = next((e for e in (kept.entries if kept else ()) if e.id == entry_id), None)
    if found is None:
        abort(404)
    return render_template("request.html", e=found.as_dict())


def blueprint():
    bp = Blueprint("dashboard", __name__, url_prefix="/_mock", template_folder="templates",
                   static_folder="static", static_url_path="/dashboard")
    bp.before_request(guard)
    bp.add_app_template_filter(pretty)
    bp.add_app_template_filter(when)
    bp.add_url_rule("/", view_func=school)
    bp.add_url_rule("/school/<any(section, group):kind>/<int:realm_id>", view_func=realm)
    bp.add_url_rule("/journal", view_func=journal)
    bp.add_url_rule("/journal/<int:entry_id>", view_func=entry)
    controls.register(bp)
    return bp
