"""The fixture document from what an import read (parts.py), streamed kind
by kind, one record a line (two imports of one school diff line by line).

A real school is not always as tidy as a fixture must be: a user whose role
or building is not listed, an enrollment of a user the user list left out
(Schoology lists inactive users apart), an id or a school code given twice.
Each such record is mended or left out, and reported, so that the file
always loads; only the ids are held to check it, never the records."""
import json
import os

from ..store.records import DEFAULT_TERM, default_type

# grading periods before courses, which name them as Canvas terms
ORDER = ("buildings", "roles", "users", "grading_periods", "courses", "sections", "groups",
         "enrollments", "access_codes", "canvas_accounts")


def write_fixture(parts, out, report, sample=None):
    """Write the fixture document to out (through out.tmp, so a file there
    is always whole). sample: the ids of the sections kept, or None for all.
    report(message) is told of each record mended or left out. Returns the
    count of records written by kind."""
    keep = _sampled(parts, sample) if sample is not None else None
    written = {kind: 0 for kind in ORDER}
    seen = {kind: set() for kind in ORDER}
    held = {"school_uid": set(), "section_school_code": set(), "code": set(),
            "coded": set(), "enrolled": set()}
    temporary = out + ".tmp"
    with open(temporary, "w", encoding="utf-8") as f:
        f.write("{")
        for n, kind in enumerate(ORDER):
            f.write(f'{"," if n else ""}\n"{kind}": [')
            first = True
            for record in parts.records(kind):
                record = _mended(kind, record, seen, held, keep, report)
                if record is None:
                    continue
                f.write(("\n" if first else ",\n") + json.dumps(record, ensure_ascii=False))
                first = False
                written[kind] += 1
            f.write("\n]" if not first else "]")
        f.write("\n}\n")
    os.replace(temporary, out)
    return written


def _sampled(parts, sections):
    """What a sample keeps: the sections, their courses, their members, and
    the school's administrators (whose keys and tokens a sandbox is read with)."""
    sections = set(sections)
    courses = {s["course_id"] for s in parts.records("sections") if s["id"] in sections}
    users = {e["uid"] for e in parts.records("enrollments")
             if e["realm"] == "section" and e["realm_id"] in sections}
    administering = {r["id"] for r in parts.records("roles") if r.get("administrator")}
    users |= {u["uid"] for u in parts.records("users") if u.get("role_id") in administering}
    return {"sections": sections, "courses": courses, "users": users}


def _key(kind, record):
    return record.get("uid") if kind == "users" else record.get("id")


def _mended(kind, record, seen, held, keep, report):
    """The record as it can be loaded, or None to leave it out."""
    where = f"{kind} {_key(kind, record)}"
    if keep is not None:
        if kind in ("users", "courses", "sections") and _key(kind, record) not in keep[kind]:
            return None
        if kind == "groups" or (kind in ("enrollments", "access_codes")
                                and (record["realm"] != "section"
                                     or record["realm_id"] not in keep["sections"])):
            return None
    if kind in ("buildings", "roles", "users", "courses", "grading_periods", "sections",
                "groups", "enrollments"):
        key = _key(kind, record)
        if key in seen[kind]:
            if kind not in ("buildings", "roles"):  # read once each place they show
                report(f"{where}: listed twice; the second left out")
            return None
        seen[kind].add(key)
    if kind in ("users", "courses", "groups"):
        if record.get("building_id") and record["building_id"] not in seen["buildings"]:
            report(f"{where}: no building {record['building_id']}; none given")
            del record["building_id"]
    if kind == "users":
        if record.get("role_id") and record["role_id"] not in seen["roles"]:
            report(f"{where}: no role {record['role_id']}; none given")
            del record["role_id"]
        record["school_uid"] = _unique(record.get("school_uid", ""), held["school_uid"],
                                       where, report)
    elif kind == "grading_periods" and record["id"] == DEFAULT_TERM:
        report(f"{where}: the id of Canvas's Default Term; left out")
        seen[kind].discard(record["id"])
        return None
    elif kind == "sections":
        if record["course_id"] not in seen["courses"]:
            report(f"{where}: no course {record['course_id']}; left out")
            seen[kind].discard(record["id"])
            return None
        periods = record.get("grading_periods", [])
        record["grading_periods"] = [p for p in dict.fromkeys(periods)
                                     if p in seen["grading_periods"]]
        if len(record["grading_periods"]) != len(periods):
            report(f"{where}: a grading period not listed; left out of it")
        record["section_school_code"] = _unique(record.get("section_school_code", ""),
                                                held["section_school_code"], where, report)
    elif kind == "enrollments":
        return _enrollment(record, seen, held, where, report)
    elif kind == "access_codes":
        realm = (record["realm"], record["realm_id"])
        if (record["realm_id"] not in seen[record["realm"] + "s"] or realm in held["coded"]
                or record["code"] in held["code"]):
            report(f"access code of {record['realm']} {record['realm_id']}: "
                   f"its realm is not listed, or the code is not its own alone; left out")
            return None
        held["coded"].add(realm)
        held["code"].add(record["code"])
    elif kind == "courses":
        canvas = record.get("canvas", {})
        term = canvas.get("enrollment_term_id")
        if term and term != DEFAULT_TERM and term not in seen["grading_periods"]:
            report(f"{where}: no term {term} listed; in the Default Term")
            canvas["enrollment_term_id"] = None
    return record


def _enrollment(record, seen, held, where, report):
    if record["uid"] not in seen["users"]:
        report(f"{where}: no user {record['uid']} listed; left out")
        return None
    if record["realm_id"] not in seen[record["realm"] + "s"]:
        report(f"{where}: no {record['realm']} {record['realm_id']} listed; left out")
        return None
    canvas = record.get("canvas", {})
    observed = canvas.get("associated_user_id")
    if observed is not None and observed not in seen["users"]:
        report(f"{where}: observes user {observed}, not listed; observes no one")
        canvas["associated_user_id"] = None
    for name in ("temporary_enrollment_source_user_id", "temporary_enrollment_pairing_id"):
        canvas.pop(name, None)  # pairings are not imported
    if canvas.get("enrollment_state") not in ("rejected", "deleted"):
        key = (record["uid"], record["realm"], record["realm_id"],
               canvas.get("type") or default_type(record["admin"]),
               canvas.get("associated_user_id"))
        if key in held["enrolled"]:
            report(f"{where}: user {record['uid']} already enrolled there; left out")
            return None
        held["enrolled"].add(key)
    return record


def _unique(value, held, where, report):
    if value and value in held:
        report(f"{where}: {value!r} is another record's; none given")
        return ""
    held.add(value)
    return value
