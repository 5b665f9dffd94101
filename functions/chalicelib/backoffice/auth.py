"""Who is calling the back-office: verify the Cognito access token, then read the account's grants from its groups.

The API accepts **access tokens only** (``token_use`` ``access``, app client in ``client_id``): they are made for
calling APIs and carry the groups, while id tokens carry personal attributes and are meant for the client alone.
Every check is PyJWT's or an explicit comparison here: RS256 only, signature against the pool's published keys,
issuer, ``token_use``, client, expiry (small leeway), required claims. Any failure is the same 401 for the caller;
only the reason's class name is logged, never the token.

Grants are Cognito groups that only the operator can change (users cannot add themselves to a group):
``pro:<practitioner id>`` says the account *is* that professional (at most one), ``for:<practitioner id>`` lets
it act for that professional in everything (a secretary; a professional covering a colleague), and
``desk:<practitioner id>`` gives the agenda side only (a front desk): appointments, patient details, phone bookings,
blocks, cancel, move and no-show, but not the settings nor the calendar feed. See docs/security.md.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from ..core import ids
from ..core.errors import NotFound, Unauthorized, Unavailable

if TYPE_CHECKING:
    import jwt

    from ..core.config import Settings

logger = logging.getLogger(__name__)

ALGORITHMS = ["RS256"]  # Cognito signs with RS256; anything else (none, HS256 with the public key...) is refused
LEEWAY_SECONDS = 10  # clock skew tolerated on exp and iat
JWKS_CACHE_SECONDS = 600  # a key removed from the pool's set stops being trusted within this time
JWKS_TIMEOUT_SECONDS = 3  # well inside the Lambda timeout
MAX_TOKEN_CHARS = 8192
REQUIRED_CLAIMS = ["iss", "sub", "exp", "iat", "token_use", "client_id", "jti"]

PROFESSIONAL_GROUP_PREFIX = "pro:"
DELEGATE_GROUP_PREFIX = "for:"
DESK_GROUP_PREFIX = "desk:"
ROLE_PROFESSIONAL = "professional"
ROLE_SECRETARY = "secretary"
ROLE_DESK = "desk"
ALLOWS_AGENDA = "agenda"  # the agenda, patient details, phone bookings, blocks, cancel, move, no-show
ALLOWS_SETTINGS = "settings"  # opening hours, visit reasons, absences, booking rules, and the calendar feed
USER_POOL_ID = re.compile(r"^([a-z]{2}(?:-[a-z]+)+-\d)_[0-9A-Za-z]+$")
SIGN_IN_AGAIN = "Sign in to continue."


def professional_group(practitioner_id: str) -> str:
    """The group whose one member is the professional ``practitioner_id`` themself."""
    return PROFESSIONAL_GROUP_PREFIX + practitioner_id


def delegate_group(practitioner_id: str) -> str:
    """The group of accounts the operator allows to act for ``practitioner_id`` (secretaries, colleagues)."""
    return DELEGATE_GROUP_PREFIX + practitioner_id


def desk_group(practitioner_id: str) -> str:
    """The group of accounts the operator allows to run ``practitioner_id``'s agenda only (a front desk)."""
    return DESK_GROUP_PREFIX + practitioner_id


def pool_region(user_pool_id: str) -> str:
    """The AWS region a user pool lives in (its id starts with it: ``eu-west-3_AbC123``)."""
    match = USER_POOL_ID.match(user_pool_id)
    if match is None:
        raise ValueError(f"not a Cognito user pool id: {user_pool_id!r}")
    return match.group(1)


def issuer_for(user_pool_id: str) -> str:
    """The ``iss`` claim of every token the pool issues."""
    return f"https://cognito-idp.{pool_region(user_pool_id)}.amazonaws.com/{user_pool_id}"


def jwks_url_for(issuer: str) -> str:
    """Where the pool publishes its signing keys."""
    return f"{issuer}/.well-known/jwks.json"


def is_loopback_url(url: str) -> bool:
    """True for http(s) URLs on this machine only (the local AWS endpoint)."""
    parsed = urlparse(url)
    host = parsed.hostname or ""
    if parsed.scheme not in ("http", "https"):
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Principal:
    """A signed-in back-office account and the agendas it may read and change."""

    subject: str  # Cognito's ``sub``: stable and not personal; what the audit log records as "who"
    role: str  # ROLE_PROFESSIONAL, ROLE_SECRETARY, or ROLE_DESK (an account with desk grants only)
    practitioner_ids: frozenset[str]  # every agenda this account may read and change
    own_practitioner_id: str | None  # the professional this account is; None for a secretary or a desk
    token_id: str  # the access token's ``jti``
    settings_ids: frozenset[str]  # the agendas whose settings and feed it may also change (no desk grant)

    def acts_for(self, practitioner_id: str) -> bool:
        return practitioner_id in self.practitioner_ids

    def allows(self, practitioner_id: str) -> list[str]:
        """What this account may do for ``practitioner_id``: ``agenda``, and ``settings`` unless a desk grant."""
        if practitioner_id in self.settings_ids:
            return [ALLOWS_AGENDA, ALLOWS_SETTINGS]
        return [ALLOWS_AGENDA] if self.acts_for(practitioner_id) else []

    def require_practitioner(self, practitioner_id: str, message: str = "Not found.") -> None:
        """Raise NotFound (404, not 403) unless this account may act for ``practitioner_id``.

        404 is deliberate: a professional must not learn that another professional's appointment or agenda exists.
        """
        if not self.acts_for(practitioner_id):
            raise NotFound(message)

    def require_settings(self, practitioner_id: str, message: str = "Not found.") -> None:
        """Raise NotFound unless this account may change ``practitioner_id``'s settings and calendar feed.

        A desk grant gets the same 404 as no grant at all: the answer never tells which kind of grant is missing.
        """
        if practitioner_id not in self.settings_ids:
            raise NotFound(message)


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    """The Principal of a verified access token's claims; Unauthorized if the groups give no back-office role."""
    groups = claims.get("cognito:groups", [])
    if not isinstance(groups, list) or not all(isinstance(group, str) for group in groups):
        raise _rejected("malformed cognito:groups")
    own = {g[len(PROFESSIONAL_GROUP_PREFIX) :] for g in groups if g.startswith(PROFESSIONAL_GROUP_PREFIX)}
    delegated = {g[len(DELEGATE_GROUP_PREFIX) :] for g in groups if g.startswith(DELEGATE_GROUP_PREFIX)}
    desk = {g[len(DESK_GROUP_PREFIX) :] for g in groups if g.startswith(DESK_GROUP_PREFIX)}
    if not all(ids.is_practitioner_id(pid) for pid in own | delegated | desk):
        raise _rejected("a grant group names no valid practitioner id")
    if len(own) > 1:  # one account is one person: the operator put it in two professionals' own groups
        raise _rejected("account is in more than one professional group")
    if not own and not delegated and not desk:
        raise _rejected("account has no back-office grant")
    own_id = next(iter(own), None)
    return Principal(
        subject=str(claims["sub"]),
        role=ROLE_PROFESSIONAL if own_id else ROLE_SECRETARY if delegated else ROLE_DESK,
        practitioner_ids=frozenset(own | delegated | desk),
        own_practitioner_id=own_id,
        token_id=str(claims["jti"]),
        settings_ids=frozenset(own | delegated),  # a desk grant next to a full one for the same agenda adds nothing
    )


def bearer_token(authorization_header: str | None) -> str:
    """The token of an ``Authorization: Bearer <token>`` header; Unauthorized for anything else."""
    if not authorization_header:
        raise _rejected("no Authorization header")
    parts = authorization_header.split()
    if len(parts) != 2 or parts[0].lower() != "bearer":
        raise _rejected("Authorization header is not 'Bearer <token>'")
    if len(parts[1]) > MAX_TOKEN_CHARS:
        raise _rejected("token too long")
    return parts[1]


class TokenVerifier:
    """Checks back-office access tokens of one user pool and app client."""

    def __init__(self, issuer: str, client_id: str, jwks_client: jwt.PyJWKClient) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self.jwks_client = jwks_client

    def verify(self, token: str) -> dict[str, Any]:
        """The claims of a valid access token of this pool and client; Unauthorized otherwise."""
        import jwt  # PyJWT and its cryptography: only a request that checks a token loads them

        try:
            signing_key = self.jwks_client.get_signing_key_from_jwt(token)
            claims: dict[str, Any] = jwt.decode(
                token,
                signing_key,
                algorithms=ALGORITHMS,
                issuer=self.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": REQUIRED_CLAIMS, "enforce_minimum_key_length": True},
            )
        except jwt.PyJWKClientConnectionError as err:
            logger.error("the user pool's signing keys cannot be fetched: %s", type(err).__name__)
            raise Unavailable("Sign-in cannot be checked right now. Try again in a minute.") from err
        except jwt.PyJWTError as err:
            raise _rejected(type(err).__name__) from err
        if claims["token_use"] != "access":  # noqa: S105 (a claim value, not a password)
            raise _rejected("not an access token")
        if claims["client_id"] != self.client_id:
            raise _rejected("token of another app client")
        if not isinstance(claims["sub"], str) or not isinstance(claims["jti"], str):
            raise _rejected("malformed sub or jti")
        return claims

    def authenticate(self, authorization_header: str | None) -> Principal:
        """The Principal behind an Authorization header, or Unauthorized."""
        return principal_from_claims(self.verify(bearer_token(authorization_header)))


def make_verifier(user_pool_id: str, client_id: str, jwks_url: str = "") -> TokenVerifier:
    """A verifier for the pool and app client; ``jwks_url`` overrides where the keys are fetched (loopback only)."""
    import jwt

    issuer = issuer_for(user_pool_id)
    if jwks_url and not is_loopback_url(jwks_url):
        # Only the local endpoint may stand in for the pool's keys: a JWKS URL elsewhere would let whoever serves
        # it sign tokens the API accepts.
        raise ValueError(f"COGNITO_JWKS_URL must be a loopback URL, not {jwks_url!r}")
    jwks_client = jwt.PyJWKClient(
        jwks_url or jwks_url_for(issuer),
        cache_jwk_set=True,
        lifespan=JWKS_CACHE_SECONDS,
        timeout=JWKS_TIMEOUT_SECONDS,
    )
    return TokenVerifier(issuer, client_id, jwks_client)


def configured_verifier(config: Settings) -> TokenVerifier:
    """The verifier of the configured pool (services.get_verifier() keeps it, and its key cache, as long as the
    Lambda environment lives); Unavailable when the pool is not configured, or misconfigured."""
    if not config.user_pool_id or not config.user_pool_client_id:
        logger.error("USER_POOL_ID and USER_POOL_CLIENT_ID must be set for the back-office")
        raise Unavailable("Sign-in is not available.")
    try:
        return make_verifier(config.user_pool_id, config.user_pool_client_id, config.jwks_url)
    except ValueError as err:
        logger.error("back-office sign-in is misconfigured: %s", err)
        raise Unavailable("Sign-in is not available.") from err


def _rejected(reason: str) -> Unauthorized:
    logger.info("back-office token rejected: %s", reason)
    return Unauthorized(SIGN_IN_AGAIN)
