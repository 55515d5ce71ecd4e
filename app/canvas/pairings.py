"""The Temporary Enrollment Pairings API (TemporaryEnrollmentPairingsApiController),
as the real service answers it rather than as its docs say: each pairing is
root-wrapped ({"temporary_enrollment_pairing": {...}}, ActiveRecord's as_json),
create answers 201, delete 204 with no body, and the index answers null (the
controller renders the singular, unset instance variable). Administrators
only: they hold the account's temporary enrollment permissions."""
from ..api.context import store
from ..api.response import Response
from ..store.records import ENDING_STATES, PAIRING_STATES
from . import schemas as s
from .auth import caller
from .errors import CanvasError, forbidden, not_found
from .ids import find_account, number
from .jsonfmt import answer, json_response
from .params import params, scalars


def _pairing_json(pairing, account_id):
    """The columns in the table's order."""
    return {"temporary_enrollment_pairing": {
        "id": pairing.id if pairing else None, "root_account_id": account_id,
        "workflow_state": pairing.workflow_state if pairing else "active",
        "created_at": pairing and pairing.created_at, "updated_at": pairing and pairing.updated_at,
        "created_by_id": pairing and pairing.created_by_id,
        "deleted_by_id": pairing and pairing.deleted_by_id,
        "ending_enrollment_state": pairing and pairing.ending_enrollment_state}}


def _account(account_id):
    account = find_account(account_id)
    if not caller().administrator:
        raise forbidden()
    return account


def _pairing(value):
    if number(value) is None:
        raise not_found()
    return store().find_pairing(number(value))  # NotFound is the blueprint's 404


def index(account_id):
    _account(account_id)
    return json_response("null")


def new(account_id):
    return answer(s.Pairing, _pairing_json(None, _account(account_id).id))


def show(account_id, pairing_id):
    account = _account(account_id)
    return answer(s.Pairing, _pairing_json(_pairing(pairing_id), account.id))


def create(account_id):
    account = _account(account_id)
    given = scalars({name: params().get(name)
                     for name in ("workflow_state", "ending_enrollment_state")})
    workflow_state = given["workflow_state"] or "active"
    if workflow_state not in PAIRING_STATES:
        raise CanvasError(422, {"success": False, "errors": ["Workflow state is invalid"]},
                          schema=s.PairingInvalid)
    ending = given["ending_enrollment_state"]
    pairing = store().create_pairing(workflow_state,
                                     ending if ending in ENDING_STATES else "deleted",  # any other
                                     caller().uid)
    return answer(s.Pairing, _pairing_json(pairing, account.id), 201)


def destroy(account_id, pairing_id):
    _account(account_id)
    store().delete_pairing(_pairing(pairing_id).id, caller().uid)
    response = Response(b"", 204)
    del response.headers["Content-Type"]  # Rails' head :no_content sends none
    return response
