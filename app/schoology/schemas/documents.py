"""The whole documents the Schoology endpoints take and answer, for the
OpenAPI description (contract.py): the bulk envelopes around the item
schemas the views load, and the answers around the rows they dump. A field
every answer of the kind carries is required, so a check of an answer
against the document means something."""
import copy

from marshmallow import Schema, fields

from . import inputs, outputs, roster

S, I, R = fields.String, fields.Integer, fields.Raw


def answer(name, declared, optional=()):
    """A schema of declared (name -> field), each field required unless
    named in optional."""
    made = {}
    for key, field in declared.items():
        field = copy.copy(field)
        field.required = key not in optional
        made[key] = field
    return Schema.from_dict(made, name=name)


def envelope(name, item):
    """{"enrollments": {"enrollment": [item, ...]}}: 1 to 50 items."""
    inner = Schema.from_dict({"enrollment": fields.List(
        fields.Nested(item), required=True,
        metadata={"minItems": 1, "maxItems": inputs.MAX_BULK})}, name=name + "Items")
    return Schema.from_dict({"enrollments": fields.Nested(inner, required=True)}, name=name)


SelfLink = answer("SelfLink", {"self": S()})
PageLinks = answer("PageLinks", {"self": S(), "next": S()}, optional=("next",))


def listed(name, schema):
    """An enrollment as a list carries it: with its own link."""
    return answer(name, dict(schema._declared_fields, links=fields.Nested(SelfLink)))


def page(name, key, item, total=S):
    return answer(name, {key: fields.List(fields.Nested(item)), "total": total(),
                         "links": fields.Nested(PageLinks)})


# --- enrollments --------------------------------------------------------------------------
SectionEnrollment = answer("SectionEnrollment", outputs.SectionEnrollmentOut._declared_fields)
GroupEnrollment = answer("GroupEnrollment", outputs.EnrollmentOut._declared_fields)
SectionEnrollmentPage = page("SectionEnrollmentPage", "enrollment",
                             listed("SectionEnrollmentListed", SectionEnrollment))
GroupEnrollmentPage = page("GroupEnrollmentPage", "enrollment",
                           listed("GroupEnrollmentListed", GroupEnrollment))
SectionEnrollmentCreated = listed("SectionEnrollmentCreated",
                                  outputs.SectionEnrollmentCreatedOut)
GroupEnrollmentCreated = listed("GroupEnrollmentCreated", outputs.EnrollmentCreatedOut)

BulkCreate = envelope("BulkCreate", inputs.EnrollmentCreate)
BulkUpdate = envelope("BulkUpdate", inputs.BulkUpdateItem)
MultiRealmCreate = envelope("MultiRealmCreate", inputs.MultiRealmItem)
CourseImport = envelope("CourseImport", inputs.CourseImportItem)
SchoolCodeImport = envelope("SchoolCodeImport", inputs.SchoolCodeImportItem)


def rows(name, row, always=("response_code",)):
    """A 207 answer: one row per item, in item order; a failed row has
    response_code 4xx and error."""
    made = answer(name + "Row", row._declared_fields,
                  optional=[k for k in row._declared_fields if k not in always])
    return envelope(name + "Rows", made)


BulkCreateRows = rows("BulkCreate", outputs.BulkCreateRow)
UpdateRows = rows("Update", outputs.UpdateRow)
MultiRealmRows = rows("MultiRealm", outputs.MultiRealmRow)
DeleteRows = rows("Delete", outputs.DeleteRow, always=("response_code", "id"))
CourseImportRows = rows("CourseImport", outputs.CourseImportRow)
SchoolCodeImportRows = rows("SchoolCodeImport", outputs.SchoolCodeImportRow)

# --- the roster ---------------------------------------------------------------------------
_user = roster.UserOut._declared_fields
User = answer("User", _user)
UserListed = answer("UserListed", {k: v for k, v in _user.items() if k != "send_message"})
UserPage = page("UserPage", "user", UserListed)
Role = answer("Role", {k: v for k, v in roster.RoleOut._declared_fields.items() if k != "links"})
RoleListed = answer("RoleListed", dict(Role._declared_fields, links=fields.Nested(SelfLink)))
Roles = answer("Roles", {"role": fields.List(fields.Nested(RoleListed)),
                         "building_role": fields.List(fields.Nested(RoleListed))})
Course = answer("Course", roster.CourseOut._declared_fields)
CoursePage = page("CoursePage", "course", Course)
_section = roster.SectionOut._declared_fields
Section = answer("Section", {k: v for k, v in _section.items() if k not in ("links", "admin")})
SectionListed = answer("SectionListed", {k: v for k, v in _section.items() if k not in (
    "subject_area", "grade_level_range_start", "grade_level_range_end")})
SectionPage = page("SectionPage", "section", SectionListed)
UserSections = answer("UserSections", {"section": fields.List(fields.Nested(SectionListed))})
_group = roster.GroupOut._declared_fields
Group = answer("Group", {k: v for k, v in _group.items() if k != "links"})
GroupPage = page("GroupPage", "group", answer("GroupListed", _group), total=I)
TokenAnswer = answer("TokenAnswer", {"oauth_token": S(), "oauth_token_secret": S(),
                                     "xoauth_token_ttl": S()}, optional=("xoauth_token_ttl",))
