"""search_term, as Canvas's SearchTermHelper checks it: a term shorter than
the endpoint's minimum (3 for courses and users; a course's sections take
2) is a 400 naming the field; an empty one is no search."""
from marshmallow import Schema, fields

from .errors import CanvasError
from .params import ParamError, scalars

MIN_SEARCH_TERM = 3


class SearchTermError(Schema):
    errors = fields.List(fields.Dict(), required=True, metadata={
        "description": '[{"field": "search_term", "code": "invalid", "message": "3 or more '
                       'characters is required"}]'})


def search_term(value, minimum=MIN_SEARCH_TERM):
    """The term given (None: none), or the 400 for one too short."""
    term = scalars({"search_term": value})["search_term"]
    if term in (None, ""):
        return None
    if not isinstance(term, str):  # a JSON true: no text to search for
        raise ParamError("search_term: expected a string")
    if len(term) < minimum:
        raise CanvasError(400, {"errors": [{"field": "search_term", "code": "invalid",
                                            "message": f"{minimum} or more characters is "
                                                       "required"}]}, schema=SearchTermError)
    return term
