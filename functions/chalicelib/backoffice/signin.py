"""The back-office sign-in steps over a Cognito client passed in; domain values out, domain errors raised.

The pool requires TOTP multi-factor authentication, so a sign-in is a short conversation:

    start(username, password)            -> Challenge("new_password") on first sign-in, "totp_setup" until an
                                            authenticator app is enrolled, "totp" afterwards (or Tokens)
    set_new_password(...)                -> Challenge("totp_setup") (or "totp")
    begin_totp_setup(...)                -> Enrolment: the secret and an otpauth:// URI for the authenticator app
    finish_totp_setup(..., code)         -> Tokens
    answer_totp(..., code)               -> Tokens
    refresh(refresh_token)               -> Tokens (new access token)
    sign_out(access_token)               -> None (Cognito revokes the account's refresh tokens)

Each Challenge carries Cognito's ``session`` (valid a few minutes) and the ``username`` to send back with the next
step; the caller hands both back unchanged. Cognito's messages never reach the caller: every failure becomes one
of chalicelib.errors with our own wording, and only Cognito's error code is logged.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

from ..core.errors import BadRequest, InvalidInput, PortalError, TooManyRequests, Unauthorized, Unavailable
from .auth import pool_region

if TYPE_CHECKING:
    from ..core.config import Settings

logger = logging.getLogger(__name__)

NEW_PASSWORD = "new_password"  # noqa: S105 (a step name)
TOTP_SETUP = "totp_setup"
TOTP = "totp"
_CHALLENGES = {"NEW_PASSWORD_REQUIRED": NEW_PASSWORD, "MFA_SETUP": TOTP_SETUP, "SOFTWARE_TOKEN_MFA": TOTP}

# What the pool requires (local/cognito.py, the deployed template); shown when Cognito refuses a new password.
PASSWORD_POLICY = "at least 12 characters, with upper-case and lower-case letters, a digit and a symbol"  # noqa: S105
CODE = re.compile(r"^\d{6}$")
_EXPIRED_ATTEMPT = "This sign-in attempt has expired. Start again with your email address and password."
_WRONG_CODE = "This code is not valid. Enter the current 6-digit code shown by your authenticator app."
_WRONG_CODE_ERRORS = frozenset({"CodeMismatchException", "EnableSoftwareTokenMFAException", "ExpiredCodeException"})
_THROTTLED = frozenset({"TooManyRequestsException", "TooManyFailedAttemptsException", "LimitExceededException"})
_REFUSED = frozenset(
    {"NotAuthorizedException", "UserNotFoundException", "UserNotConfirmedException", "PasswordResetRequiredException"}
)


@dataclass(frozen=True)
class Tokens:
    """What a completed sign-in (or a refresh) gives: the API accepts the access token only."""

    access_token: str
    refresh_token: str | None  # None after a refresh: the one the caller holds stays valid
    expires_in: int  # seconds the access token is valid


@dataclass(frozen=True)
class Challenge:
    """The next step the person must take before tokens are issued."""

    step: str  # NEW_PASSWORD, TOTP_SETUP or TOTP
    session: str
    username: str


@dataclass(frozen=True)
class Enrolment:
    """A TOTP secret to put in an authenticator app, and the session to confirm it with."""

    secret: str
    otpauth_uri: str
    session: str

    @property
    def qr_svg(self) -> str:
        """The ``otpauth://`` URI as a QR code: an SVG document that a page may put inline (only ``fill`` and
        ``stroke`` attributes, no ``style``: the Content-Security-Policy needs no exception), black on white with
        the four-module quiet zone a camera needs, sized by the page (a ``viewBox``, no width or height)."""
        import io

        import segno  # loaded by the enrolment step only

        out = io.BytesIO()
        segno.make(self.otpauth_uri, error="m").save(
            out,
            kind="svg",
            xmldecl=False,
            svgns=True,
            nl=False,
            omitsize=True,
            svgclass=None,
            lineclass=None,
            dark="#000",
            light="#fff",
            border=4,
        )
        return out.getvalue().decode("ascii")


Step = Tokens | Challenge


class SignIn:
    """The sign-in steps of one user pool app client (without client secret)."""

    def __init__(self, client: Any, client_id: str, totp_issuer: str) -> None:
        self.client = client
        self.client_id = client_id
        self.totp_issuer = totp_issuer

    def start(self, username: str, password: str) -> Step:
        username = _text(username, "username", 128, "Enter your email address.")
        password = _text(password, "password", 256, "Enter your password.", strip=False)
        response = self._call(
            "start",
            "initiate_auth",
            ClientId=self.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password},
        )
        return _step(response, username)

    def set_new_password(self, session: str, username: str, new_password: str) -> Step:
        """Answer the first sign-in's request for a new password (the operator's temporary one expires)."""
        new_password = _text(new_password, "new_password", 256, "Choose a new password.", strip=False)
        return self._respond(NEW_PASSWORD, "NEW_PASSWORD_REQUIRED", session, username, {"NEW_PASSWORD": new_password})

    def begin_totp_setup(self, session: str, account_label: str) -> Enrolment:
        """A new TOTP secret for this account; ``account_label`` is what the authenticator app shows (the email)."""
        session = _session(session)
        account_label = _text(account_label, "username", 128, "Start again with your email address and password.")
        response = self._call(TOTP_SETUP, "associate_software_token", Session=session)
        secret = str(response["SecretCode"])
        label = quote(f"{self.totp_issuer}:{account_label}", safe="@:")
        issuer = quote(self.totp_issuer, safe="")
        uri = f"otpauth://totp/{label}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits=6&period=30"
        return Enrolment(secret=secret, otpauth_uri=uri, session=str(response.get("Session") or session))

    def finish_totp_setup(self, session: str, username: str, code: str, device_name: str = "authenticator") -> Step:
        """Confirm the enrolment with a first code from the app, then complete the sign-in."""
        session = _session(session)
        code = _code(code)
        device = device_name.strip()[:64] or "authenticator"
        verified = self._call(
            TOTP_SETUP, "verify_software_token", Session=session, UserCode=code, FriendlyDeviceName=device
        )
        if verified.get("Status") != "SUCCESS":
            raise Unauthorized(_WRONG_CODE, field="code")
        return self._respond(TOTP_SETUP, "MFA_SETUP", str(verified.get("Session") or session), username, {})

    def answer_totp(self, session: str, username: str, code: str) -> Step:
        """Answer the TOTP challenge of an enrolled account."""
        code = _code(code)
        return self._respond(TOTP, "SOFTWARE_TOKEN_MFA", session, username, {"SOFTWARE_TOKEN_MFA_CODE": code})

    def refresh(self, refresh_token: str) -> Tokens:
        """A new access token from the refresh token of a completed sign-in."""
        if not isinstance(refresh_token, str) or not 0 < len(refresh_token) <= 8192:
            raise Unauthorized("Your session has ended. Sign in again.")
        response = self._call(
            "refresh",
            "initiate_auth",
            ClientId=self.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": refresh_token},
        )
        step = _step(response, "")
        if not isinstance(step, Tokens):  # a refresh never asks for a challenge; a pool that does is broken
            raise Unavailable("Sign-in is unavailable right now. Try again in a few minutes.")
        return step

    def sign_out(self, access_token: str) -> None:
        """End every session of the account (Cognito revokes its refresh tokens). Signing out twice is fine."""
        if not isinstance(access_token, str) or not 0 < len(access_token) <= 8192:
            return
        try:
            self._call("sign_out", "global_sign_out", AccessToken=access_token)
        except Unauthorized:
            return  # already signed out, or the token expired: nothing left to end

    def _respond(self, step: str, challenge: str, session: str, username: str, answers: dict[str, str]) -> Step:
        session = _session(session)
        username = _text(username, "username", 128, "Start again with your email address and password.")
        response = self._call(
            step,
            "respond_to_auth_challenge",
            ClientId=self.client_id,
            ChallengeName=challenge,
            Session=session,
            ChallengeResponses={"USERNAME": username, **answers},
        )
        return _step(response, username)

    def _call(self, step: str, operation: str, **params: Any) -> dict[str, Any]:
        try:
            response: dict[str, Any] = getattr(self.client, operation)(**params)
        except ClientError as err:
            code = str(err.response.get("Error", {}).get("Code", ""))
            logger.info("sign-in step %s: Cognito %s refused it: %s", step, operation, code)
            raise _translate(step, code) from err
        except ParamValidationError as err:
            logger.info("sign-in step %s: %s parameters refused", step, operation)
            raise BadRequest("This sign-in request is not valid.") from err
        except BotoCoreError as err:
            logger.error("sign-in step %s: Cognito %s unreachable: %s", step, operation, type(err).__name__)
            raise Unavailable("Sign-in is unavailable right now. Try again in a few minutes.") from err
        return response


def _step(response: dict[str, Any], username: str) -> Step:
    result = response.get("AuthenticationResult")
    if result:
        return Tokens(
            access_token=str(result["AccessToken"]),
            refresh_token=str(result["RefreshToken"]) if result.get("RefreshToken") else None,
            expires_in=int(result.get("ExpiresIn", 3600)),
        )
    name = str(response.get("ChallengeName", ""))
    if name not in _CHALLENGES:
        # SMS, e-mail or custom challenges mean the pool is not configured as docs/security.md says.
        logger.error("sign-in: unsupported Cognito challenge %s", name)
        raise Unavailable("Sign-in is unavailable right now. Try again in a few minutes.")
    parameters = response.get("ChallengeParameters") or {}
    # Cognito names the account by its internal user name when the person signed in with an alias (the email).
    who = parameters.get("USERNAME") or parameters.get("USER_ID_FOR_SRP") or username
    return Challenge(step=_CHALLENGES[name], session=str(response["Session"]), username=str(who))


def _translate(step: str, code: str) -> PortalError:
    """Our error for Cognito's error ``code`` at ``step`` (its message is never passed on)."""
    refused = code in _REFUSED
    error: PortalError
    if code in _WRONG_CODE_ERRORS:
        error = Unauthorized(_WRONG_CODE, field="code")
    elif code == "InvalidPasswordException":
        error = InvalidInput(f"This password is not accepted: use {PASSWORD_POLICY}.", field="new_password")
    elif code in _THROTTLED:
        error = TooManyRequests("Too many attempts. Wait a few minutes, then try again.")
    elif step == "start" and refused:
        # One answer whether the account exists or not, so the form cannot be used to find accounts.
        error = Unauthorized("Incorrect email address or password.", field="password")
    elif step in ("refresh", "sign_out") and refused:
        error = Unauthorized("Your session has ended. Sign in again.")
    elif step in (NEW_PASSWORD, TOTP_SETUP, TOTP) and (refused or code == "ResourceNotFoundException"):
        error = Unauthorized(_EXPIRED_ATTEMPT, field="session")
    elif code == "InvalidParameterException":
        error = BadRequest("This sign-in request is not valid.")
    else:
        error = Unavailable("Sign-in is unavailable right now. Try again in a few minutes.")
    return error


def _text(value: object, field: str, max_length: int, message: str, strip: bool = True) -> str:
    if not isinstance(value, str):
        raise InvalidInput(message, field=field)
    text = value.strip() if strip else value
    if not text or len(text) > max_length:
        raise InvalidInput(message, field=field)
    return text


def _session(session: object) -> str:
    # Cognito sessions are 20 to 2048 characters.
    if not isinstance(session, str) or not 20 <= len(session) <= 2048:
        raise Unauthorized(_EXPIRED_ATTEMPT, field="session")
    return session


def _code(code: object) -> str:
    if not isinstance(code, str) or not CODE.match(code.strip()):
        raise InvalidInput("Enter the 6-digit code shown by your authenticator app.", field="code")
    return code.strip()


def cognito_client(user_pool_id: str) -> Any:
    """A Cognito client in the pool's region, at the endpoint the environment names (AWS unless overridden).

    botocore's own client: the sign-in steps need none of boto3, whose import brings s3transfer (docs/performance.md).
    """
    import botocore.session
    from botocore.config import Config

    region = pool_region(user_pool_id)
    config = Config(
        connect_timeout=2,
        read_timeout=5,
        retries={"max_attempts": 2, "mode": "standard"},
        # Sign-out and the other token calls are unsigned: the local endpoint (moto) reads their region from the
        # user agent, or looks in us-east-1 and finds no session to end. Amazon Cognito ignores it.
        user_agent_extra=f"region/{region}",
    )
    return botocore.session.get_session().create_client("cognito-idp", region_name=region, config=config)


def configured_signin(config: Settings) -> SignIn:
    """The SignIn of the configured pool and app client (services.get_signin() makes it on first use and keeps
    it); Unavailable when the pool is not configured."""
    if not config.user_pool_id or not config.user_pool_client_id:
        logger.error("USER_POOL_ID and USER_POOL_CLIENT_ID must be set for the back-office")
        raise Unavailable("Sign-in is not available.")
    return SignIn(cognito_client(config.user_pool_id), config.user_pool_client_id, config.totp_issuer)
