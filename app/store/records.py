"""Plain records held by the store. Ids are ints inside the store and
numeric strings on the wire."""
from dataclasses import dataclass, field
from typing import List

REALMS = ("section", "group")
STATUSES = (1, 2, 3, 4, 5)  # active, expired, invite pending, request pending, archived

DEFAULT_PICTURE = (
    "https://asset-cdn.schoology.com/system/files/imagecache/profile_reg/"
    "pictures/default_user.gif"
)


# Users and enrollments compare and hash by identity: a record is one version
# of a user or enrollment, and caches of what it renders to are keyed on it.
@dataclass(eq=False)
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
    # True when name_display came from the fixture rather than being derived,
    # so a rename does not overwrite a display name chosen on purpose.
    display_fixed: bool = False

    def refresh_display(self):
        if not self.display_fixed:
            self.name_display = display_name(self)


def display_name(user):
    """Schoology shows the preferred first name when there is one, and the
    title and middle name only when their *_show flags are set."""
    parts = []
    if user.name_title_show and user.name_title:
        parts.append(user.name_title)
    parts.append(user.name_first_preferred or user.name_first)
    if user.name_middle_show and user.name_middle:
        parts.append(user.name_middle)
    parts.append(user.name_last)
    return " ".join(p for p in parts if p)


@dataclass
class Course:
    id: int
    course_code: str = ""
    title: str = ""


@dataclass
class GradingPeriod:
    id: int
    title: str = ""
    start: str = ""
    end: str = ""


@dataclass
class Section:
    id: int
    course_id: int
    title: str = ""
    section_code: str = ""
    section_school_code: str = ""
    grading_periods: List[int] = field(default_factory=list)


@dataclass
class Group:
    id: int
    title: str = ""


@dataclass
class AccessCode:
    realm: str
    realm_id: int
    code: str


@dataclass(eq=False)
class Enrollment:
    id: int
    uid: int
    realm: str
    realm_id: int
    admin: int
    status: int

    @property
    def bucket(self):
        return (self.status, self.admin)


@dataclass
class Consumer:
    """An OAuth consumer key; two-legged requests signed with it act as uid."""
    key: str
    secret: str
    uid: int


@dataclass
class Token:
    """An OAuth access token of a consumer; three-legged requests act as uid."""
    token: str
    secret: str
    consumer_key: str
    uid: int


@dataclass
class RequestToken:
    """A three-legged request token: approved by a user (uid), then exchanged
    once for an access token."""
    token: str
    secret: str
    consumer_key: str
    callback: str = ""
    uid: int = None
