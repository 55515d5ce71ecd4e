"""/v1/users/me, which a client asks to learn who it is: 303 See Other to
/v1/users/{uid} (clients re-sign before following; roster.py answers that)."""
from flask import g

from .formats import empty
from .realms.responses import api_base


def me():
    response = empty(303)
    response.headers["Location"] = f"{api_base()}/users/{g.identity.uid}"
    return response
