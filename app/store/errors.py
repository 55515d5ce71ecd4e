"""What the store can refuse. The HTTP layer decides how each is answered."""


class StoreError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


class NotFound(StoreError):
    """The realm or enrollment named by the request does not exist."""


class Invalid(StoreError):
    """A value in the request is wrong: an unknown user, a bad status."""


class TooManyTries(StoreError):
    """Too many wrong passwords for a username of late: sign-ins wait."""


class Conflict(StoreError):
    """The change contradicts the store: the user is already enrolled."""
