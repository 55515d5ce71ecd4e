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
from collections import namedtuple

from oauthlib.oauth1 import RequestValidator, SignatureOnlyEndpoint
from oauthlib.oauth1.rfc5849 import errors, signature

# administrator: may do everything (the user's role, or authentication is off)
Identity = namedtuple("Identity", "uid consumer_key token administrator")

REPLAY = "Duplicate timestamp/nonce combination, possible replay attack.  Request rejected."
WINDOW = 600  # seconds a timestamp may differ from the server's clock


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
    def __init__(self, store, clock=time.time):
        self.store = store
        self.clock = clock
        self.validator = _Validator()
        self.endpoint = SignatureOnlyEndpoint(self.validator)
        self.lock = threading.Lock()
        self.seen = {}  # (consumer key, token) -> {timestamp: {nonce, ...}}

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
        self._check_nonce(consumer_key, token_key, request.timestamp, request.nonce)
        if not (self.endpoint._check_signature(request)
                or any(self._signed(method, uri, body, headers) for uri in uris[1:])):
            raise Refused("Verification of signature failed (signature base string was "
                          f'"{self._base_string(request)}").')
        uid = token.uid if token and token.uid else consumer.uid
        administrator = self.store.users[uid].role == "administrator"
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

    def _check_nonce(self, consumer_key, token_key, timestamp, nonce):
        """Each timestamp/nonce pair once, and timestamps in sequence, per
        consumer and token. Only the last WINDOW seconds are remembered."""
        stamp = int(timestamp)
        with self.lock:
            seen = self.seen.setdefault((consumer_key, token_key), {})
            latest = max(seen, default=0)
            if stamp < latest:
                raise Refused("Timestamp is out of sequence. Request rejected. "
                              f"Got {stamp} last max is {latest}")
            nonces = seen.setdefault(stamp, set())
            if nonce in nonces:
                raise Refused(REPLAY)
            nonces.add(nonce)
            for old in [t for t in seen if t < stamp - WINDOW]:
                del seen[old]
