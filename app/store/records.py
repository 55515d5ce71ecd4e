"""Plain records held by the store. Ids are ints inside the store and
numeric strings on the wire."""
from dataclasses import dataclass, field, fields
from datetime import timezone
from operator import attrgetter
from typing import List, Optional

REALMS = ("section", "group")
STATUSES = (1, 2, 3, 4, 5)  # active, expired, invite pending, request pending, archived

# Canvas's view of the same enrollments (see the README's Canvas section).
# Canvas's enrollment_state for each Schoology status; "rejected" and
# "deleted" are Canvas's alone, and such enrollments are invisible to Schoology.
CANVAS_STATE = {1: "active", 2: "inactive", 3: "invited", 4: "creation_pending", 5: "completed"}
STATUS_OF_STATE = {state: status for status, state in CANVAS_STATE.items()}
GONE_STATES = ("rejected", "deleted")
# Canvas's enrollment types; the teaching ones are Schoology admins (admin 1).
TYPES = ("StudentEnrollment", "TeacherEnrollment", "TaEnrollment", "DesignerEnrollment",
         "ObserverEnrollment")
TEACHING = frozenset(("TeacherEnrollment", "TaEnrollment", "DesignerEnrollment"))


def default_type(admin):
    """The type of an enrollment Schoology makes, or whose admin it flips."""
    return "TeacherEnrollment" if admin else "StudentEnrollment"


def admin_of(enrollment_type):
    return 1 if enrollment_type in TEACHING else 0

DEFAULT_PICTURE = (
    "https://asset-cdn.schoology.com/system/files/imagecache/profile_reg/"
    "pictures/default_user.gif"
)


# Users and enrollments compare and hash by identity: a record is one version
# of a user or enrollment, and caches of what it renders to are keyed on it.
# Records have slots: a district holds millions of them.
@dataclass(eq=False, slots=True)
class User:
    uid: int
    school_uid: str = ""
    name_title: str = ""
    name_title_show: int = 0
    name_first: str = ""
    name_first_preferred: str = ""
    name_middle: str = ""
    name_middle_show: int = 0
    name_last: str = ""
    name_display: str = ""
    picture_url: str = DEFAULT_PICTURE
    role: str = ""  # "administrator" may do everything; others' rights come from enrollments
    # The roster: the user's role (roles), building (buildings) and contact.
    role_id: int = 0
    building_id: int = 0
    username: str = ""
    primary_email: str = ""
    position: str = ""
    gender: str = ""
    grad_year: str = ""
    # What the user signs in with at /oauth/authorize to approve a request
    # token; "" is none (then only AUTHORIZE_ANY_USER lets them be chosen).
    # Never rendered by the APIs; the export (/_mock/state) carries it.
    password: str = field(default="", repr=False)
    # True when name_display came from the fixture rather than being derived,
    # so a rename does not overwrite a display name chosen on purpose.
    display_fixed: bool = False

    def refresh_display(self):
        if not self.display_fixed:
            self.name_display = display_name(self)

    @property
    def use_preferred_first_name(self):
        """Schoology's flag, "1" when the preferred first name is shown."""
        return "1" if self.name_first_preferred else "0"


def display_name(user):
    """Schoology shows the preferred first name when there is one, and the
    title and middle name only when their *_show flags are set."""
    first = user.name_first_preferred or user.name_first
    if not (user.name_title_show and user.name_title or user.name_middle_show
            and user.name_middle):  # the usual case, quicker (a district loads a million)
        return f"{first} {user.name_last}" if first and user.name_last else first or user.name_last
    parts = []
    if user.name_title_show and user.name_title:
        parts.append(user.name_title)
    parts.append(user.name_first_preferred or user.name_first)
    if user.name_middle_show and user.name_middle:
        parts.append(user.name_middle)
    parts.append(user.name_last)
    return " ".join(p for p in parts if p)


@dataclass(slots=True)
class Role:
    """A Schoology role; administrator: its users may do everything (as a
    user's own role "administrator" does)."""
    id: int
    title: str = ""
    faculty: int = 0
    role_type: int = 1
    administrator: bool = False


@dataclass(slots=True)
class Building:
    """A school building (Schoology's schools hold buildings; here one
    school, school_id, holds them all)."""
    id: int
    title: str = ""
    building_code: str = ""
    school_id: int = 0
    address1: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = ""
    website: str = ""
    phone: str = ""


@dataclass(slots=True)
class Course:
    id: int
    course_code: str = ""
    title: str = ""
    department: str = ""
    description: str = ""
    credits: int = 0
    subject_area: int = 0
    grade_level_range_start: int = 0
    grade_level_range_end: int = 0
    building_id: int = 0
    # What Canvas knows of the course beyond Schoology's fields (the fixture's
    # canvas object): its workflow state, dates, and term (a grading period's
    # id; 0 is Canvas's Default Term).
    workflow_state: str = "available"
    start_at: Optional[str] = None
    end_at: Optional[str] = None
    enrollment_term_id: int = 0


# Canvas's course workflow states: created and claimed are unpublished.
COURSE_STATES = ("created", "claimed", "available", "completed", "deleted")
DEFAULT_TERM = 1  # Canvas's Default Term's id; the other terms are the grading periods
COURSE_CANVAS = {"workflow_state": "available", "start_at": None, "end_at": None,
                 "enrollment_term_id": 0}


@dataclass(slots=True)
class GradingPeriod:
    id: int
    title: str = ""
    start: str = ""
    end: str = ""


@dataclass(slots=True)
class Section:
    id: int
    course_id: int
    title: str = ""
    section_code: str = ""
    section_school_code: str = ""
    grading_periods: List[int] = field(default_factory=list)
    description: str = ""
    location: str = ""
    active: int = 1


@dataclass(slots=True)
class Group:
    id: int
    title: str = ""
    description: str = ""
    website: str = ""
    category: str = ""
    group_code: str = ""
    building_id: int = 0


@dataclass(slots=True)
class AccessCode:
    realm: str
    realm_id: int
    code: str


@dataclass(eq=False)
class _EnrollmentFields:
    """An enrollment's fields, as declared. Enrollment (below) keeps them in
    fewer slots; dataclasses.fields() and replace() read them from here."""
    id: int
    uid: int
    realm: str
    realm_id: int
    admin: int
    status: int
    # What Canvas knows beyond Schoology's fields. type agrees with admin;
    # gone is None, "rejected" or "deleted" (then Schoology no longer sees it).
    type: str = "StudentEnrollment"
    gone: Optional[str] = None
    # The rest, rarely set (see CanvasExtras)
    associated_user_id: Optional[int] = None
    limit_privileges_to_course_section: bool = False
    start_at: Optional[str] = None  # times are ISO 8601 UTC strings, 2026-08-24T15:00:00Z
    end_at: Optional[str] = None
    last_activity_at: Optional[str] = None
    last_attended_at: Optional[str] = None
    total_activity_time: int = 0
    grades: Optional[dict] = None  # current_score, final_score, current_grade, final_grade
    temporary_enrollment_source_user_id: Optional[int] = None
    temporary_enrollment_pairing_id: Optional[int] = None
    created_at: Optional[str] = None
    updated_at: Optional[str] = None


_CORE = ("id", "uid", "realm", "realm_id", "admin", "status", "type", "gone")
EXTRA_FIELDS = tuple(f.name for f in fields(_EnrollmentFields) if f.name not in _CORE)


@dataclass(frozen=True, slots=True)
class CanvasExtras:
    """An enrollment's rarely set Canvas fields, held together: a district's
    million enrollments mostly hold none of them, and then share NO_EXTRAS
    (one slot each, not twelve)."""
    associated_user_id: Optional[int] = None
    limit_privileges_to_course_section: bool = False
    start_at: Optional[str] = None
    end_at: Optional[str] = None
    last_activity_at: Optional[str] = None
    last_attended_at: Optional[str] = None
    total_activity_time: int = 0
    grades: Optional[dict] = None
    temporary_enrollment_source_user_id: Optional[int] = None
    temporary_enrollment_pairing_id: Optional[int] = None
    created_at: Optional[str] = None
    updated_at: Optional[str] = None


NO_EXTRAS = CanvasExtras()
_NO_EXTRAS_VALUES = tuple(getattr(NO_EXTRAS, name) for name in EXTRA_FIELDS)
_NO_EXTRAS_TYPES = tuple(map(type, _NO_EXTRAS_VALUES))


class Enrollment:
    """An enrollment: a dataclass of _EnrollmentFields' fields (compared and
    hashed by identity, as users are), whose rarely set Canvas fields are
    read through extras (a CanvasExtras, NO_EXTRAS when all hold their
    defaults)."""
    __slots__ = (*_CORE, "extras")
    __dataclass_fields__ = _EnrollmentFields.__dataclass_fields__
    __dataclass_params__ = _EnrollmentFields.__dataclass_params__

    def __init__(self, id, uid, realm, realm_id, admin, status, type="StudentEnrollment",
                 gone=None, associated_user_id=None, limit_privileges_to_course_section=False,
                 start_at=None, end_at=None, last_activity_at=None, last_attended_at=None,
                 total_activity_time=0, grades=None, temporary_enrollment_source_user_id=None,
                 temporary_enrollment_pairing_id=None, created_at=None, updated_at=None):
        self.id = id
        self.uid = uid
        self.realm = realm
        self.realm_id = realm_id
        self.admin = admin
        self.status = status
        self.type = type
        self.gone = gone
        extras = (associated_user_id, limit_privileges_to_course_section, start_at, end_at,
                  last_activity_at, last_attended_at, total_activity_time, grades,
                  temporary_enrollment_source_user_id, temporary_enrollment_pairing_id,
                  created_at, updated_at)
        # the defaults exactly (False, not 0): what is read back is what was given
        self.extras = (NO_EXTRAS if extras == _NO_EXTRAS_VALUES
                       and tuple(map(_type, extras)) == _NO_EXTRAS_TYPES
                       else CanvasExtras(*extras))

    def __repr__(self):
        return "Enrollment(" + ", ".join(f"{f.name}={getattr(self, f.name)!r}"
                                         for f in fields(self)) + ")"

    @property
    def bucket(self):
        return (self.status, self.admin)

    @property
    def cross_listed_section_school_code(self):
        """Sections here are never cross-listed: Schoology sends ""."""
        return ""

    @property
    def enrollment_source(self):
        """Schoology's undocumented enrollment_source: a number (the one public
        client model that declares it reads an int); no public source gives its
        values, so every enrollment here says 0."""
        return 0

    @property
    def visible(self):
        """Schoology sees every enrollment Canvas has not rejected or deleted."""
        return self.gone is None

    @property
    def state(self):
        """Canvas's enrollment_state."""
        return self.gone or CANVAS_STATE[self.status]


_type = type
for _name in EXTRA_FIELDS:
    setattr(Enrollment, _name, property(attrgetter(f"extras.{_name}")))
del _name
assert EXTRA_FIELDS == tuple(f.name for f in fields(CanvasExtras))


def time_text(when):
    """An aware datetime as the UTC text records hold (2026-08-24T15:00:00Z),
    its year always four digits (strftime writes the year 999 as "999").
    OverflowError past the year 9999."""
    when = when.astimezone(timezone.utc)
    return (f"{when.year:04d}-{when.month:02d}-{when.day:02d}T"
            f"{when.hour:02d}:{when.minute:02d}:{when.second:02d}Z")


# The Canvas fields of an enrollment and their defaults, as the fixtures'
# enrollments[].canvas objects hold them.
CANVAS_FIELDS = {f.name: f.default for f in fields(Enrollment)
                 if f.name not in ("id", "uid", "realm", "realm_id", "admin", "status", "gone")}


@dataclass(slots=True)
class CanvasAccount:
    """The school's Canvas root account: `self` in /api/v1/accounts/self."""
    id: int
    name: str = ""


@dataclass(slots=True)
class CanvasToken:
    """A Canvas access token; requests bearing it act as uid."""
    token: str
    uid: int


# A pairing's states, and the states its temporary enrollments end in.
PAIRING_STATES = ("active", "deleted")
ENDING_STATES = ("deleted", "completed", "inactive")
PROGRESS_STATES = ("queued", "running", "completed", "failed")


@dataclass(slots=True)
class Pairing:
    """A Canvas temporary enrollment pairing."""
    id: int
    workflow_state: str = "active"
    ending_enrollment_state: Optional[str] = "deleted"
    created_by_id: Optional[int] = None
    deleted_by_id: Optional[int] = None
    created_at: Optional[str] = None
    updated_at: Optional[str] = None


@dataclass(frozen=True, slots=True)
class Progress:
    """A Canvas background job's progress (a bulk enrollment's); not part of
    the fixture document. completion is a percentage, None until the job runs."""
    id: int
    context_id: int
    user_id: int
    tag: str
    workflow_state: str = "queued"  # one of PROGRESS_STATES
    completion: Optional[float] = None
    message: Optional[str] = None
    results: Optional[dict] = None
    created_at: Optional[str] = None
    updated_at: Optional[str] = None


@dataclass(slots=True)
class Consumer:
    """An OAuth consumer key; two-legged requests signed with it act as uid.
    callback: where /oauth/authorize may send the user back, as the app
    registered it: a URL (the callback must be under it) or a domain (the
    callback must be on it or a subdomain); "" is none registered (then only
    loopback addresses and the server's own)."""
    key: str
    secret: str = field(repr=False)
    uid: int
    callback: str = ""


@dataclass(slots=True)
class Token:
    """An OAuth access token of a consumer; three-legged requests act as uid."""
    token: str
    secret: str
    consumer_key: str
    uid: int


@dataclass(slots=True)
class RequestToken:
    """A three-legged request token: approved by a user (uid), then exchanged
    once for an access token."""
    token: str
    secret: str
    consumer_key: str
    callback: str = ""
    uid: int = None
    expires: float = None  # seconds since the epoch, on the store's clock
