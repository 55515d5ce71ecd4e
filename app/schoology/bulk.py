"""The bulk endpoints: many enrollments in one request, answered 207 with one
row per item, in item order. An item that fails gets its own 4xx row with an
`error`; the others are applied. A request that is not the documented
envelope, or holds no item or more than 50, is refused whole with a 400 and
changes nothing. Each item is applied atomically, so concurrent bulk
requests never enroll a user twice."""
from marshmallow import ValidationError

from ..api.context import store
from ..api.fields import whole
from ..store import Invalid, NotFound, StoreError
from .auth import Forbidden, may_manage
from .enrollments import create_enrollment, enrollment_url
from .errors import APIError
from .formats import render
from .reading import acting_uid, body, first_error, load, query_fields
from .schemas import (MAX_BULK, AccessCodeBody, BulkCreateRow, BulkUpdateItem, CourseImportItem,
                      CourseImportRow, DeleteRow, Dumper, EnrollmentCreate, Loader, MultiRealmItem,
                      MultiRealmQuery, MultiRealmRow, SchoolCodeImportItem, SchoolCodeImportRow,
                      UpdateRow, render_enrollment)

_create_item = Loader(EnrollmentCreate)
_update_item = Loader(BulkUpdateItem)
_multi_item = Loader(MultiRealmItem)
_multi_query = Loader(MultiRealmQuery)
_course_item = Loader(CourseImportItem)
_school_code_item = Loader(SchoolCodeImportItem)
_access_code = Loader(AccessCodeBody)
_bulk_create_row = Dumper(BulkCreateRow)
_update_row = Dumper(UpdateRow)
_multi_row = Dumper(MultiRealmRow)
_delete_row = Dumper(DeleteRow)
_course_row = Dumper(CourseImportRow)
_school_code_row = Dumper(SchoolCodeImportRow)


def items_of(data):
    """The items of {"enrollments": {"enrollment": [...]}} (XML: <enrollments>
    <enrollment>...), or a 400 for the whole request."""
    envelope = data.get("enrollments")
    if not isinstance(envelope, dict) or "enrollment" not in envelope:
        raise APIError(400, 'Expected {"enrollments": {"enrollment": [...]}}.')
    items = envelope["enrollment"]
    if not isinstance(items, list):
        items = [items]  # XML with a single <enrollment>
    if not items:
        raise APIError(400, "No enrollments given.")
    if len(items) > MAX_BULK:
        raise APIError(400, f"At most {MAX_BULK} enrollments per request; {len(items)} given.")
    return items


def rows(items, loader, apply, echo):
    """apply(fields) for each item, in order: its row, or a failed row that
    keeps echo(fields) (what identifies the item) and says what was wrong."""
    for item in items:
        if not isinstance(item, dict):
            yield {"response_code": 400, "error": "An enrollment must be an object of fields."}
            continue
        try:
            fields = loader.load(item)
        except ValidationError as e:
            yield {"response_code": 400, "error": first_error(e)}
            continue
        try:
            yield dict(apply(fields), response_code=200)
        except (StoreError, Forbidden) as e:
            code = 404 if isinstance(e, NotFound) else 403 if isinstance(e, Forbidden) else 400
            yield dict(echo(fields), response_code=code, error=e.message)


def multi_status(dump, results):
    """207, with each row written by dump (a Dumper of the endpoint's row schema)."""
    return render({"enrollments": {"enrollment": [dump(row) for row in results]}}, 207)


# --- POST /v1/{realm}/{id}/enrollments ----------------------------------------
def post_enrollments(realm, realm_id):
    """One enrollment, or with the bulk envelope up to 50."""
    data = body()
    if "enrollments" not in data:
        return create_enrollment(realm, realm_id, data)
    items = items_of(data)
    may_manage(realm.name, realm_id)

    def apply(f):
        enrollment, _ = store().create_enrollment(realm.name, realm_id, f["uid"], f["admin"],
                                                  f["status"])
        return {"id": enrollment.id, "uid": enrollment.uid,
                "location": enrollment_url(realm, realm_id, enrollment.id)}

    return multi_status(_bulk_create_row, rows(items, _create_item, apply,
                                            lambda f: {"uid": f["uid"]}))


# --- PUT /v1/{realm}/{id}/enrollments -----------------------------------------
def update_many(realm, realm_id):
    items = items_of(body())
    may_manage(realm.name, realm_id)

    def apply(f):
        if "admin" not in f and "status" not in f:
            raise Invalid("Nothing to update: send admin and/or status.")
        if "id" in f:
            enrollment_id, uid = f["id"], f.get("uid")
        elif "uid" in f:
            enrollment_id, uid = store().enrollment_id_of(realm.name, realm_id, f["uid"]), None
        else:
            raise Invalid("id: Missing data for required field.")
        store().update_enrollment(realm.name, realm_id, enrollment_id, uid=uid,
                                  admin=f.get("admin"), status=f.get("status"))
        return {"id": enrollment_id}

    return multi_status(_update_row, rows(items, _update_item, apply,
                                        lambda f: {"id": f["id"]} if "id" in f else {}))


# --- POST /v1/{realm}/{id}/accesscode -----------------------------------------
def join_with_code(realm, realm_id):
    """Enroll the calling user, as an active member, with the realm's code."""
    code = load(_access_code, body())["access_code"]
    enrollment, user = store().join_with_code(realm.name, realm_id, acting_uid(), code)
    return render(render_enrollment(realm.name)(enrollment, user), 201)


# --- POST /v1/enrollments ---------------------------------------------------------
def create_across_realms():
    """Up to 50 enrollments, each naming its realm; update_existing=1 makes an
    existing enrollment of the user an update instead of an error."""
    update_existing = load(_multi_query, query_fields())["update_existing"]
    items = items_of(body())

    def apply(f):
        realm = f["realm"]
        realm_id = f.get(f"{realm}_id")
        if realm_id is None:
            raise Invalid(f"{realm}_id: required for realm {realm}.")
        may_manage(realm, realm_id)
        if update_existing:
            enrollment, _, _ = store().upsert_enrollment(realm, realm_id, f["uid"], f["admin"],
                                                         f["status"])
        else:
            enrollment, _ = store().create_enrollment(realm, realm_id, f["uid"], f["admin"],
                                                      f["status"])
        return {"location": enrollment_url(realm, realm_id, enrollment.id), "uid": enrollment.uid,
                "id": enrollment.id, "realm": realm, "realm_id": realm_id}

    def echo(f):
        known = {"uid": f["uid"], "realm": f["realm"]}
        if f.get(f"{f['realm']}_id") is not None:
            known["realm_id"] = f[f"{f['realm']}_id"]
        return known

    return multi_status(_multi_row, rows(items, _multi_item, apply, echo))


# --- DELETE /v1/enrollments?enrollment_ids=1,2,3 ---------------------------------
def delete_many():
    given = query_fields().get("enrollment_ids", "")
    tokens = [t.strip() for t in given.split(",") if t.strip()]
    if not tokens:
        raise APIError(400, "enrollment_ids: give the ids to delete, comma-separated.")
    if len(tokens) > MAX_BULK:
        raise APIError(400, f"At most {MAX_BULK} enrollments per request; {len(tokens)} given.")
    results = []
    for token in tokens:
        if whole(token) is None:
            results.append({"response_code": 400, "id": token, "error": "Not a valid id."})
            continue
        try:
            store().delete_enrollment_by_id(
                whole(token), allowed=lambda e: may_manage(e.realm, e.realm_id))
            results.append({"response_code": 200, "id": token})
        except NotFound as e:
            results.append({"response_code": 404, "id": token, "error": e.message})
        except Forbidden as e:
            results.append({"response_code": 403, "id": token, "error": e.message})
    return multi_status(_delete_row, results)


# --- the imports -------------------------------------------------------------------
def import_by_grading_periods(grading_period_ids):
    """Items name course_code, section_code and school_uid; the target
    sections are those of that course and section code whose grading periods
    include every one in the path."""
    period_ids = grading_periods(grading_period_ids)
    items = items_of(body())

    def apply(f):
        uid = store().uid_for_school_uid(f["school_uid"])
        sections = store().sections_for_import(f["course_code"], f["section_code"], period_ids)
        for section_id in sections:
            may_manage("section", section_id)
        touched = store().import_enrollment(sections, uid, f.get("admin"), f.get("delete") == 1)
        return dict(echo(f), location=enrollment_url("section", sections[0], touched[0]))

    def echo(f):
        return {k: f[k] for k in ("school_uid", "course_code", "section_code")}

    return multi_status(_course_row, rows(items, _course_item, apply, echo))


def grading_periods(given):
    """The grading period ids of the path; an unknown one is a 404."""
    tokens = [t.strip() for t in given.split(",") if t.strip()]
    ids = [whole(t) for t in tokens]
    if not ids or None in ids:
        raise APIError(404)
    if not store().has_grading_periods(ids):
        raise APIError(404)
    return ids


def import_by_section_school_code():
    """Items name section_school_code and school_uid."""
    items = items_of(body())

    def apply(f):
        section = store().section_for_school_code(f["section_school_code"])
        may_manage("section", section.id)
        uid = store().uid_for_school_uid(f["school_uid"])
        touched = store().import_enrollment([section.id], uid, f.get("admin"),
                                            f.get("delete") == 1)
        return dict(echo(f), course_code=store().course_code_of(section),
                    location=enrollment_url("section", section.id, touched[0]))

    def echo(f):
        # section_code comes back as it was sent (empty when not), as Schoology does
        return {"school_uid": f["school_uid"], "section_school_code": f["section_school_code"],
                "section_code": f.get("section_code", "")}

    return multi_status(_school_code_row, rows(items, _school_code_item, apply, echo))
