"""marshmallow schemas for what comes in and goes out, and the fast forms
compiled from them."""
from .compiled import (Dumper, Loader, Renderer, picture_at, render_created, render_enrollment,
                       view)
from .inputs import (MAX_BULK, MAX_LIMIT, PICTURE_SIZES, AccessCodeBody, BulkUpdateItem,
                     CourseImportItem, EnrollmentCreate, EnrollmentQuery, EnrollmentUpdate,
                     ListQuery,
                     MultiRealmItem, MultiRealmQuery, PageQuery, SchoolCodeImportItem)
from .outputs import (BulkCreateRow, CourseImportRow, DeleteRow, EnrollmentCreatedOut,
                      EnrollmentOut, MultiRealmRow, SchoolCodeImportRow,
                      SectionEnrollmentCreatedOut, SectionEnrollmentOut, UpdateRow)

__all__ = [
    "MAX_BULK", "MAX_LIMIT", "PICTURE_SIZES", "AccessCodeBody", "BulkCreateRow",
    "BulkUpdateItem", "CourseImportItem", "CourseImportRow", "DeleteRow", "Dumper",
    "EnrollmentCreate", "EnrollmentCreatedOut", "EnrollmentQuery", "EnrollmentOut", "EnrollmentUpdate",
    "ListQuery", "Loader", "MultiRealmItem", "MultiRealmQuery", "MultiRealmRow", "PageQuery", "Renderer",
    "SchoolCodeImportItem", "SchoolCodeImportRow", "SectionEnrollmentCreatedOut", "SectionEnrollmentOut", "UpdateRow", "picture_at",
    "render_created", "render_enrollment", "view"]
