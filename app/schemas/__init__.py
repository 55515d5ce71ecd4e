"""marshmallow schemas for what comes in and goes out, and the fast forms
compiled from them."""
from .compiled import Loader, Renderer, picture_at, render_created, render_enrollment, view
from .inputs import MAX_BULK, PICTURE_SIZES, EnrollmentCreate, EnrollmentUpdate, ListQuery
from .outputs import MAX_LIMIT, EnrollmentCreatedOut, EnrollmentOut

__all__ = ["MAX_BULK", "MAX_LIMIT", "PICTURE_SIZES", "EnrollmentCreate", "EnrollmentCreatedOut",
           "EnrollmentOut", "EnrollmentUpdate", "ListQuery", "Loader", "Renderer", "picture_at",
           "render_created", "render_enrollment", "view"]
