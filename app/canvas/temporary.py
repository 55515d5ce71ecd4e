"""Temporary enrollment status (EnrollmentsApiController#show_temporary_enrollment_status
and #bulk_temporary_enrollment_status): whether a user provides temporary
enrollments, receives them, and could provide them."""
from ..api.answers import write
from ..api.context import store
from . import schemas as s
from .auth import shows_user
from .errors import CanvasError, forbidden
from .ids import find_account, find_user, number
from .jsonfmt import answer, json_response
from .paging import MAX_PER_PAGE, PER_PAGE
from .params import params, strings, to_i


def _status(uid):
    is_provider, is_recipient, can_provide = store().temporary_status(uid)
    return {"is_provider": is_provider, "is_recipient": is_recipient, "can_provide": can_provide}


def _account():
    """account_id limits Canvas's look to that account's courses: here, all of them."""
    if params().get("account_id") not in (None, ""):
        find_account(params()["account_id"])


def user_status(user_id):
    user = find_user(user_id)
    _account()
    if not shows_user(user):
        raise forbidden()
    return answer(s.TemporaryStatus, _status(user.uid))


def users_limit(value):
    """How many of the user_ids the bulk status answers for limit as given:
    Ruby's to_i ("x" is 0), held to 0..100; none given is 10."""
    return max(0, min(to_i(value or PER_PAGE), MAX_PER_PAGE))


def bulk_status():
    """By user id (as text), for the users the caller may see; others are left out."""
    given = params().get("user_ids")
    if given in (None, "", []):
        raise CanvasError(400, {}, schema=None)  # no user_ids: an empty object
    _account()
    limit = users_limit(params().get("limit"))
    uids = []
    for value in strings(given):
        uid = number(value) or 0  # Ruby's "x".to_i
        if uid not in uids:
            uids.append(uid)
    out = {}
    for uid in uids[:limit]:
        user = store().users.get(uid)
        if user is not None and shows_user(user):
            out[str(uid)] = _status(uid)
    return json_response({uid: write(s.TemporaryStatus, status) for uid, status in out.items()})
