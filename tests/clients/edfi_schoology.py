"""The Ed-Fi LMS Toolkit's Schoology extractor, unchanged, run in its own
environment (tests/requirements/edfi-schoology.txt) against a live mock over
HTTP, as it runs in production. The tests start it as

    python edfi_schoology.py < {"base_url": ..., "key": ..., "secret": ...,
                                "scenario": name, "args": {...}}

and read what the scenario returns as JSON on standard output. Each scenario
is what an extraction does; the tests check its result against the mock."""
import json
import sys

import sqlalchemy
from edfi_schoology_extractor.api.request_client import RequestClient
from edfi_schoology_extractor.client_facade import ClientFacade
from edfi_schoology_extractor.mapping.constants import ACTIVE, INACTIVE


def enrollment_pages(client, section, page_size):
    """Every enrollment of a section, page by page."""
    pages = client.get_enrollments(section, page_size=page_size)
    return {"total_pages": pages.total_pages,  # the client's name for `total`
            "ids": [item["id"] for item in pages.get_all_pages()]}


def post_then_delete(client, section, uid):
    created = client.post(f"sections/{section}/enrollments",
                          {"uid": str(uid), "admin": "0", "status": "1"})  # expects 201
    client.delete(f"sections/{section}/enrollments", created["id"])  # expects 204
    return created


def bulk_post_then_bulk_delete(client, section, uids):
    body = {"enrollments": {"enrollment": [{"uid": str(u), "admin": "0", "status": "1"}
                                           for u in uids]}}
    rows = client.bulk_post(f"sections/{section}/enrollments", body)["enrollments"]["enrollment"]
    ids = ",".join(r["id"] for r in rows)
    deleted = client.bulk_delete("enrollments", f"enrollment_ids={ids}")
    return {"posted": rows, "deleted": deleted["enrollments"]["enrollment"]}


def enroll_and_extract(client, section, uids):
    """Lists, creates, bulk-creates and bulk-deletes, then reads the roster
    an extraction reads."""
    listed = client.get_enrollments(section, page_size=5).get_all_pages()
    created = client.post(f"sections/{section}/enrollments",
                          {"uid": str(uids[0]), "admin": "0", "status": "1"})
    rows = client.bulk_post(f"sections/{section}/enrollments", {"enrollments": {"enrollment": [
        {"uid": str(u), "admin": "0", "status": "1"} for u in uids[1:]]}})
    ids = ",".join([created["id"]] + [r["id"] for r in rows["enrollments"]["enrollment"]])
    deleted = client.bulk_delete("enrollments", f"enrollment_ids={ids}")
    courses = client.get_courses().get_all_pages()
    return {"listed": len(listed),
            "deleted": [r["response_code"] for r in deleted["enrollments"]["enrollment"]],
            "roles": len(client.get_roles().get_all_pages()),
            "users": len(client.get_users(page_size=50).get_all_pages()),
            "courses": len(courses),
            "sections": len(client.get_section_by_course_id(courses[0]["id"]).get_all_pages())}


def facade(client, page_size):
    return ClientFacade(request_client=client, page_size=page_size,
                        db_engine=sqlalchemy.create_engine("sqlite://"))


def users(client, page_size):
    """The users an extraction writes, and the paths it asked for."""
    extractor = facade(client, page_size)
    asked = []
    real_get = client.get
    client.get = lambda resource: asked.append(resource) or real_get(resource)
    return {"asked": asked, "rows": records(extractor.get_users())}


def sections(client, page_size):
    rows = records(facade(client, page_size).get_sections())
    return {"rows": rows, "active": ACTIVE, "inactive": INACTIVE}


def section_associations(client, page_size, section_ids):
    extractor = facade(client, page_size)
    return {str(sid): records(extractor.get_section_associations(sid)) for sid in section_ids}


def records(frame):
    """A pandas DataFrame as JSON rows (pandas stays in this environment)."""
    return json.loads(frame.to_json(orient="records"))


SCENARIOS = {f.__name__: f for f in (enrollment_pages, post_then_delete,
                                     bulk_post_then_bulk_delete, enroll_and_extract,
                                     users, sections, section_associations)}


def main():
    asked = json.load(sys.stdin)
    client = RequestClient(asked["key"], asked["secret"], base_url=asked["base_url"])
    result = SCENARIOS[asked["scenario"]](client, **asked["args"])
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
