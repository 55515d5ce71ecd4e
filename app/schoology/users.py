"""The user endpoints a client needs to learn who it is: /v1/users/me
answers 303 See Other to /v1/users/{uid} (clients re-sign before following),
and /v1/users/{uid} gives the user."""
from dataclasses import asdict

from flask import Blueprint, g

from ..context import store
from .errors import error_response
from .formats import empty, render
from .realms.responses import api_base
from .schemas import Dumper, UserOut

_dump = Dumper(UserOut)


def me():
    response = empty(303)
    response.headers["Location"] = f"{api_base()}/users/{g.identity.uid}"
    return response


def user(uid):
    found = store().get_user(uid)
    if not g.identity.administrator and uid != g.identity.uid:
        # Schoology: another user's data through a personal key, 401 and no body
        return error_response(401)
    return render(_dump(dict(asdict(found), id=found.uid)))


def users_blueprint():
    bp = Blueprint("users", __name__, url_prefix="/users")
    bp.add_url_rule("/me", view_func=me, methods=["GET"])
    bp.add_url_rule("/<id:uid>", view_func=user, methods=["GET"])
    return bp
