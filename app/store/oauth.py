"""Three-legged OAuth's tokens: request tokens issued, approved by a user who
signs in, and exchanged once for an access token; with the limits that keep
a shared sandbox's store bounded and its passwords hard to guess. Mixed into
Store; knows nothing of HTTP."""
import hmac
import secrets
from dataclasses import replace

from .errors import Invalid, NotFound, TooManyTries
from .records import RequestToken, Token

SIGN_IN_TRIES = 5  # wrong passwords at /oauth/authorize before the request token is used up
# Wrong passwords for one username, over every request token: past USER_TRIES
# within USER_WINDOW seconds its sign-ins are refused until the oldest ages out,
# so minting request tokens does not buy unlimited guesses.
USER_TRIES, USER_WINDOW, USERNAMES_KEPT = 10, 900, 10_000
REQUEST_TOKEN_TTL = 3600  # seconds, as xoauth_token_ttl tells clients
MAX_REQUEST_TOKENS = 10_000  # waiting for approval at once


class OAuthTokens:
    def issue_request_token(self, consumer_key, callback="", ttl=REQUEST_TOKEN_TTL):
        """A request token, good for ttl seconds. At most MAX_REQUEST_TOKENS
        wait at once: past that the oldest goes, so minting tokens in a loop
        cannot grow the store."""
        with self.lock:
            token = RequestToken(secrets.token_hex(16), secrets.token_hex(16), consumer_key,
                                 callback, expires=self.clock() + ttl)
            self.request_tokens[token.token] = token
            while len(self.request_tokens) > MAX_REQUEST_TOKENS:
                oldest = next(iter(self.request_tokens))
                del self.request_tokens[oldest]
                self.sign_in_failures.pop(oldest, None)
            return token

    def _live_request_token(self, token):
        """The request token, or None when there is none or it has expired
        (an expired one is dropped)."""
        pending = self.request_tokens.get(token)
        if pending is not None and pending.expires is not None and pending.expires < self.clock():
            del self.request_tokens[token]
            self.sign_in_failures.pop(token, None)
            return None
        return pending

    def pending_request_token(self, token):
        """The request token awaiting approval: NotFound when there is none
        (never issued, or exchanged), Invalid when it is approved already."""
        with self.lock:
            pending = self._live_request_token(token)
            if pending is None:
                raise NotFound("no such request token (it may have been used, or expired)")
            if pending.uid is not None:
                raise Invalid("the request token is approved already")
            return pending

    def approve_request_token(self, token, uid):
        """The user uid lets the token's consumer act as them (with no password:
        see sign_in_to_approve). A token is approved once."""
        with self.lock:
            pending = self.pending_request_token(token)
            self.get_user(uid)
            self.request_tokens[token] = replace(pending, uid=uid)
            self.sign_in_failures.pop(token, None)
            return self.request_tokens[token]

    def sign_in_to_approve(self, token, username, password):
        """The user named signs in to approve the token: username is their
        school_uid, or their uid. Invalid for a wrong name or password, or a
        user with none; after SIGN_IN_TRIES of those the token is used up
        (then NotFound, like any token that is gone). Passwords are compared
        in constant time."""
        with self.lock:
            self.pending_request_token(token)
            recent = self._recent_failures(username)
            if len(recent) >= USER_TRIES:
                self.user_sign_in_failures[username] = recent
                raise TooManyTries(f"too many wrong passwords for {username!r}: try again in "
                                   f"{int(recent[0] + USER_WINDOW - self.clock()) + 1} s")
            uid = self.uid_by_school_uid.get(username)
            if uid is None and username.isascii() and username.isdigit() and len(username) < 20:
                uid = int(username)
            user = self.users.get(uid)
            expected = user.password if user is not None else ""
            matches = hmac.compare_digest(password.encode("utf-8", "surrogatepass"),
                                          (expected or "\0").encode("utf-8", "surrogatepass"))
            if matches and expected:
                return self.approve_request_token(token, uid)
            recent.append(self.clock())
            self.user_sign_in_failures[username] = recent
            while len(self.user_sign_in_failures) > USERNAMES_KEPT:
                del self.user_sign_in_failures[next(iter(self.user_sign_in_failures))]
            failures = self.sign_in_failures[token] = self.sign_in_failures.get(token, 0) + 1
            if failures >= SIGN_IN_TRIES:
                del self.request_tokens[token]
                del self.sign_in_failures[token]
                raise NotFound(f"{failures} wrong passwords: the request token is used up")
            raise Invalid("wrong username or password")

    def _recent_failures(self, username):
        """The times of username's wrong passwords within USER_WINDOW."""
        since = self.clock() - USER_WINDOW
        return [t for t in self.user_sign_in_failures.pop(username, ()) if t > since]

    def exchange_request_token(self, token):
        """An access token for an approved request token, which is used up."""
        with self.lock:
            pending = self._live_request_token(token)
            if pending is None or pending.uid is None:
                raise Invalid("the request token has not been approved")
            del self.request_tokens[token]
            access = Token(secrets.token_hex(16), secrets.token_hex(16), pending.consumer_key,
                           pending.uid)
            self.tokens[access.token] = access
            self.generation += 1  # a change of state: the snapshot keeps the token
            return access
