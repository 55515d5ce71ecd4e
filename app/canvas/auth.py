"""Who is calling, and what they may do, as Canvas decides it.

A request bears an access token (Authorization: Bearer, or access_token in
the parameters) from the fixtures' canvas_tokens; with AUTH "off" every
request is the administrator. Rights in a course come from the caller's
active enrollments in it, with Canvas's default role permissions: teachers
manage every type, TAs students and observers; teachers, TAs and designers
read the roster as admins (inactive enrollments too) and read SIS ids;
teachers and TAs see grades; students read the roster; observers see their
own and their students' enrollments. A user with role administrator is an
account admin and may do everything."""
from dataclasses import dataclass

from flask import current_app, g, request

from ..api.context import store
from ..store.kept import Kept
from .errors import BEARER, CanvasError
from .params import params

MANAGES = {"TeacherEnrollment": frozenset(("StudentEnrollment", "TeacherEnrollment",
                                           "TaEnrollment", "DesignerEnrollment",
                                           "ObserverEnrollment")),
           "TaEnrollment": frozenset(("StudentEnrollment", "ObserverEnrollment"))}
READS_AS_ADMIN = frozenset(("TeacherEnrollment", "TaEnrollment", "DesignerEnrollment"))
GRADES = frozenset(("TeacherEnrollment", "TaEnrollment"))


@dataclass(frozen=True)
class Caller:
    uid: int
    administrator: bool
    token: str = None  # the access token it bore (None with AUTH "off")


def authenticate():
    if current_app.config["AUTH"] == "off":
        g.identity = Caller(store().administrator_uid(), True)
        return
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        token = header[7:].strip()
    else:
        token = params().get("access_token")
        if token is not None and not isinstance(token, str):
            token = ""
    if not token:
        raise CanvasError(401, {"status": "unauthenticated",
                                "errors": [{"message": "user authorization required"}]}, BEARER)
    g.claimed = Caller(None, False, token)
    held = store().canvas_token(token)
    user = held and store().users.get(held.uid)
    if user is None:
        raise CanvasError(401, {"errors": [{"message": "Invalid access token."}]}, BEARER)
    g.identity = Caller(user.uid, store().is_administrator(user), token)


def caller():
    return g.identity


class Rights:
    """The caller's rights in one course."""

    def __init__(self, course_id):
        me = caller()
        self.admin = me.administrator
        sections = set(store().sections_of_course.get(course_id, ()))
        mine = [e for e, _ in store().user_enrollments(me.uid) if e.realm_id in sections]
        self.enrollments = [e for e in mine if e.visible]
        active = [e for e in self.enrollments if e.state == "active"]
        self.types = {e.type for e in active}
        self.observing = {e.associated_user_id for e in active
                          if e.type == "ObserverEnrollment" and e.associated_user_id}
        # Section-limited enrollments confine the caller to their sections.
        limited = active and all(e.limit_privileges_to_course_section for e in active)
        self.sections = {e.realm_id for e in active} if limited and not self.admin else None

    @property
    def member(self):
        """May see the course at all: any live enrollment in it."""
        return self.admin or bool(self.enrollments)

    @property
    def read_roster(self):
        return self.admin or bool(self.types - {"ObserverEnrollment"})

    @property
    def read_as_admin(self):
        return self.admin or bool(self.types & READS_AS_ADMIN)

    # Canvas grants read_sis to the same roles as read_as_admin.
    read_sis = read_as_admin

    @property
    def sees_logins(self):
        """view_user_logins and read_email_addresses: teachers, TAs and admins."""
        return self.admin or bool(self.types & GRADES)

    @property
    def grades(self):
        return self.admin or bool(self.types & GRADES)

    def may_enroll(self, kind):
        return self.admin or any(kind in MANAGES.get(t, ()) for t in self.types)

    def may_remove(self, enrollment):
        return self.may_enroll(enrollment.type)


KEPT = Kept(256)


def rights(course_id):
    """The caller's rights in the course, worked out once per version of the school."""
    return KEPT.lookup(store(), (caller(), course_id), lambda: Rights(course_id))


def teaches(user):
    """Whether the caller teaches (reads SIS in) a course the user is enrolled in."""
    courses = {store().sections[e.realm_id].course_id
               for e, _ in store().user_enrollments(user.uid) if e.visible}
    return any(rights(c).read_sis for c in courses)


def shows_user(user):
    """Canvas's api_show_user: the user themself, an administrator, or a teacher of theirs."""
    me = caller()
    return user.uid == me.uid or me.administrator or teaches(user)
