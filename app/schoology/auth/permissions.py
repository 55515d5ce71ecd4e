"""What the calling user may do, as Schoology decides it: an administrator
may do everything; an active realm admin (a teacher, admin=1) may list and
manage that realm's enrollments; a member may see their own enrollment and
nothing else of the realm (403); a realm the caller is not in is not visible
to them at all (404, as if it did not exist)."""
from flask import g

from ...api.context import store
from ...store import NotFound


class Forbidden(Exception):
    """The caller can see the realm but may not do this (403, empty body)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _own_enrollment(realm, realm_id):
    """The caller's enrollment in the realm, None when they have none; a
    realm that does not exist is a NotFound."""
    return store().enrollment_of(realm, realm_id, g.identity.uid)


def may_manage(realm, realm_id):
    """Raise unless the caller may list and change the realm's enrollments."""
    if g.identity.administrator:
        if not store().has_realm(realm, realm_id):
            raise NotFound(f"{realm} {realm_id} does not exist")
        return
    own = _own_enrollment(realm, realm_id)
    if own is None:
        raise NotFound(f"{realm} {realm_id} does not exist")  # not visible to the caller
    if not (own.admin == 1 and own.status == 1):
        raise Forbidden(f"user {g.identity.uid} may not manage {realm} {realm_id}")


def may_view(realm, realm_id, enrollment):
    """Raise unless the caller may read this enrollment: managers of the
    realm may read any, members their own."""
    if not g.identity.administrator and enrollment.uid == g.identity.uid:
        return
    may_manage(realm, realm_id)
