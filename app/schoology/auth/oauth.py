"""OAuth 1.0a verification (RFC 5849) as Schoology does it, with oauthlib.

Two-legged requests (a consumer key and secret; oauth_token empty or absent)
act as the consumer's user; three-legged ones (with an access token) as the
token's user. HMAC-SHA1 and PLAINTEXT, parameters in the Authorization header
or the query string. Each refusal carries the message Schoology sends, which
are oauth-php's. oauthlib's endpoint answers only valid/invalid, so its steps
are driven here one by one to say which check failed.
"""
import threading
import time
from collections import OrderedDict, namedtuple

from oauthlib.oauth1 import RequestValidator, SignatureOnlyEndpoint
from oauthlib.oauth1.rfc5849 import errors, signature

# administrator: may do everything (the user's role, or authentication is off)
Identity = namedtuple("Identity", "uid consumer_key token administrator")

REPLAY = "Duplicate timestamp/nonce combination, possible replay attack.  Request rejected."
WINDOW = 600  # seconds a timestamp may differ from the server's clock
# Bounds of the nonce memory (see Verifier._remember): nonces one consumer
# and token may use with one timestamp, and nonces remembered in all.
MAX_NONCES_PER_KEY = 10_000
MAX_NONCES = 100_000


class Refused(Exception):
    """The request is not signed as Schoology requires; message says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class _Validator(RequestValidator):
    """Only what the parsing and signature steps read. Real clients use keys,
    tokens and nonces of any length and with '-' or '_' in them."""
    allowed_signature_methods = ("HMAC-SHA1", "PLAINTEXT")
    safe_characters = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~")
    client_key_length = nonce_length = access_token_length = request_token_length = (1, 200)
    enforce_ssl = False
    # oauthlib would hold timestamps to the real clock; Verifier holds them to
    # the server's (which /_mock/clock may move), so oauthlib's check is moot.
    timestamp_lifetime = 10 ** 12

    def __init__(self):
        super().__init__()
        self.secrets = threading.local()  # the secrets of the request being checked

    def get_client_secret(self, client_key, request):
        return self.secrets.client

    def get_access_token_secret(self, client_key, token, request):
        return self.secrets.token


class Verifier:
    """Checks requests and remembers the timestamps and nonces of those that
    verified. Timestamps must not go back, so a nonce can only be replayed at
    the latest timestamp of its consumer and token: that timestamp and its
    nonces are all that is kept, per consumer and token, for the last WINDOW
    seconds, at most max_nonces_per_key nonces each and max_nonces in all."""
    max_nonces_per_key = MAX_NONCES_PER_KEY
    max_nonces = MAX_NONCES

    def __init__(self, store, clock=time.time):
        self.store = store
        self.clock = clock
        self.validator = _Validator()
        self.endpoint = SignatureOnlyEndpoint(self.validator)
        self.lock = threading.Lock()
        # (consumer key, token) -> (latest timestamp, {its nonces}), least
        # recently verified first; remembered counts the nonces in it.
        self.seen = OrderedDict()
        self.remembered = 0
        self.floor = 0  # the latest timestamp of the keys forgotten for room (_remember)

    def verify(self, method, uris, headers, body="", request_token=False):
        """The Identity behind a request, or Refused. uris: the URIs the client
        may have signed (the Host it sent, under either scheme), first the
        likeliest; body: the form-encoded body, if any, which is signed too;
        request_token: the token is a request token being exchanged."""
        carried = (headers.get("Authorization", ""), uris[0].partition("?")[2], body)
        if not any("oauth_signature" in place for place in carried):
            raise Refused("Verification of signature failed (no oauth_signature in request).")
        try:
            request = self.endpoint._create_request(uris[0], method, body, headers)
            self.endpoint._check_mandatory_parameters(request)
        except errors.OAuth1Error as e:
            raise Refused(f"OAuth verification failed: {e.description}") from None
        except ValueError as e:  # a malformed Authorization header
            raise Refused(f"OAuth verification failed: {e}") from None
        if abs(self.clock() - int(request.timestamp)) > WINDOW:
            raise Refused("OAuth verification failed: Timestamp given is invalid, differ from "
                          f"allowed by over {WINDOW} seconds.")

        consumer_key, token_key = request.client_key, request.resource_owner_key or ""
        consumer, token = self._credentials(consumer_key, token_key, request_token)
        self.validator.secrets.client = consumer.secret
        self.validator.secrets.token = token.secret if token else ""
        # Schoology checks the nonce before the signature: a client following a
        # 303 with the header it signed for the first URL is told of a replay.
        # Only verified requests are remembered, so that one nobody signed
        # can neither burn a nonce nor push the timestamp forward.
        key, stamp = (consumer_key, token_key), int(request.timestamp)
        with self.lock:
            self._check_nonce(key, stamp, request.nonce)
        if not (self.endpoint._check_signature(request)
                or any(self._signed(method, uri, body, headers) for uri in uris[1:])):
            raise Refused("Verification of signature failed (signature base string was "
                          f'"{self._base_string(request)}").')
        self._remember(key, stamp, request.nonce)
        # A token acts as the user who approved it (a request token not yet
        # approved reaches only /v1/oauth/access_token, which refuses it).
        uid = consumer.uid if token is None or token.uid is None else token.uid
        administrator = self.store.is_administrator(self.store.users[uid])
        return Identity(uid, consumer_key, token_key or None, administrator)

    def _credentials(self, consumer_key, token_key, request_token=False):
        consumer = self.store.consumers.get(consumer_key)
        tokens = self.store.request_tokens if request_token else self.store.tokens
        token = tokens.get(token_key) if token_key else None
        if consumer is None or (token_key and (token is None
                                               or token.consumer_key != consumer_key)):
            raise Refused(f'The consumer_key "{consumer_key}" token "{token_key}" combination '
                          "does not exist or is not enabled.")
        return consumer, token

    def _signed(self, method, uri, body, headers):
        request = self.endpoint._create_request(uri, method, body, headers)
        return self.endpoint._check_signature(request)

    @staticmethod
    def _base_string(request):
        params = signature.normalize_parameters(request.params)
        return signature.signature_base_string(request.http_method,
                                               signature.base_string_uri(request.uri), params)

    def _check_nonce(self, key, stamp, nonce):
        """Each timestamp/nonce pair once, and timestamps in sequence, per
        consumer and token (key), against verified requests. Under the lock."""
        # A key not held (perhaps forgotten to make room) must not be older than
        # the newest timestamp forgotten so: a flood cannot free a captured
        # request for replay (a flood takes time; the capture is older).
        latest, nonces = self.seen.get(key, (self.floor, ()))
        if stamp < latest:
            raise Refused("Timestamp is out of sequence. Request rejected. "
                          f"Got {stamp} last max is {latest}")
        if stamp == latest and nonce in nonces:
            raise Refused(REPLAY)

    def _remember(self, key, stamp, nonce):
        """Record a verified request's timestamp and nonce, checking them again:
        a twin may have verified meanwhile. A later timestamp replaces the
        key's nonces (older ones are out of sequence whatever their nonce).
        Then keys whose latest timestamp is over WINDOW seconds old are
        forgotten (a replay of theirs is outside the window), and past
        max_nonces the least recently verified keys are, oldest first."""
        with self.lock:
            self._check_nonce(key, stamp, nonce)
            latest, nonces = self.seen.get(key, (0, set()))
            if stamp > latest:
                self.remembered -= len(nonces)
                nonces = set()
            elif len(nonces) >= self.max_nonces_per_key:
                raise Refused(f"OAuth verification failed: over {self.max_nonces_per_key} "
                              f"requests with timestamp {stamp} from this consumer and token; "
                              "sign the next ones with a later timestamp.")
            nonces.add(nonce)
            self.remembered += 1
            self.seen[key] = (stamp, nonces)
            self.seen.move_to_end(key)
            oldest = self.clock() - WINDOW
            while True:  # the key just recorded is last, so the loop ends there at the latest
                old, (latest, nonces) = next(iter(self.seen.items()))
                if old == key or (latest >= oldest and self.remembered <= self.max_nonces):
                    break
                if latest >= oldest:  # forgotten for room, not for age
                    self.floor = max(self.floor, latest)
                del self.seen[old]
                self.remembered -= len(nonces)
