"""The enrollment endpoints, written once for every realm. Each view takes
the realm it serves (a realms.Realm) as its first argument; the route table
(routes.py) binds one per realm."""
from ..api.context import store
from .auth import may_manage, may_view
from .errors import APIError
from .formats import empty, render
from .links import link, page_links
from .realms import REALM
from .reading import body, load, query_fields, query_pairs
from .schemas import (MAX_LIMIT, EnrollmentCreate, EnrollmentQuery, EnrollmentUpdate, ListQuery,
                      Loader, render_created, render_enrollment)

_list_query = Loader(ListQuery)
_one_query = Loader(EnrollmentQuery)
_create = Loader(EnrollmentCreate)
_update = Loader(EnrollmentUpdate)


def enrollment_url(realm, realm_id, enrollment_id):
    """An enrollment's URL; realm: a Realm, or its name ("section")."""
    realm = REALM.get(realm, realm)
    return link(get_enrollment, realm.plural, realm_id=realm_id, enrollment_id=enrollment_id)


def list_enrollments(realm, realm_id):
    may_manage(realm.name, realm_id)
    pairs = query_pairs()
    query = load(_list_query, dict(reversed(pairs)))  # as query_fields()
    start, limit = query["start"], min(query["limit"], MAX_LIMIT)
    types = query.get("type")
    admins = None if types is None else sorted({1 if t == "admin" else 0 for t in types})
    total, rows = store().list_enrollments(
        realm.name, realm_id, start=start, limit=limit, uids=query.get("uid"),
        statuses=query.get("enrollment_status"), admins=admins)
    size = (query.get("picture_size") or [None])[0]
    url = link(list_enrollments, realm.plural, realm_id=realm_id)
    renderer = render_enrollment(realm.name)
    items = [renderer.prepared(e, user, size, url) for e, user in rows]
    return render({"enrollment": items, "total": str(total),
                   "links": page_links(url, pairs, start, limit, total)})


def get_enrollment(realm, realm_id, enrollment_id):
    enrollment, user = store().get_enrollment(realm.name, realm_id, enrollment_id)
    may_view(realm.name, realm_id, enrollment)
    size = (load(_one_query, query_fields()).get("picture_size") or [None])[0]
    return render(render_enrollment(realm.name)(enrollment, user, size))


def create_enrollment(realm, realm_id, data):
    may_manage(realm.name, realm_id)
    fields = load(_create, data)
    enrollment, user = store().create_enrollment(realm.name, realm_id, **fields)
    self_link = enrollment_url(realm, realm_id, enrollment.id)
    return render(render_created(realm.name)(enrollment, user, link=self_link), 201)


def update_enrollment(realm, realm_id, enrollment_id):
    may_manage(realm.name, realm_id)
    fields = load(_update, body())
    if "admin" not in fields and "status" not in fields:
        raise APIError(400, "Nothing to update: send admin and/or status.")
    store().update_enrollment(realm.name, realm_id, enrollment_id, **fields)
    return empty(204)


def delete_enrollment(realm, realm_id, enrollment_id):
    may_manage(realm.name, realm_id)
    store().delete_enrollment(realm.name, realm_id, enrollment_id)
    return empty(204)


def unsupported_realm(**kwargs):
    """Schoology answers 403 for enrollments under any other realm: courses
    are containers, and nobody is enrolled in a course itself."""
    raise APIError(403)
