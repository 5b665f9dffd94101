"""Signed-in sessions (OWASP's Session Management cheat sheet): a random secret in an HttpOnly, Secure,
SameSite=Strict cookie scoped to the API's path, known to the table only by its SHA-256, with an idle and an
absolute timeout, revoked one by one or all at once ("sign out everywhere").

The cookie's value is ``<account id>.<secret>``: the account id says which partition holds the session, so that
one BatchGetItem reads the session and its account together; the secret is what proves it. Every sign-in makes a
new session (a new secret) and ends the one the browser had, if any.

A request that changes something also carries the session's CSRF token in a header (``X-CSRF-Token``): a value
derived from the secret that a page of the portal reads from the sign-in's answer or from ``GET /v1/me``, which no
other site can read (the API answers no cross-origin request). SameSite=Strict already keeps the cookie off
cross-site requests; the header is the second lock, for browsers or proxies that would not honour it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from ..core import keys
from ..core.errors import CsrfRequired, Unauthorized
from ..core.proof import Proof
from ..core.schemas import Reply
from .account import Account, AccountOut

if TYPE_CHECKING:
    from ..core.store import Store

COOKIE = "portal_session"
COOKIE_PATH = "/api/"
CSRF_HEADER = "x-csrf-token"
IDLE_SECONDS = 30 * 60
ABSOLUTE_SECONDS = 12 * 3600
TOUCH_SECONDS = 60  # a session's use is written at most once a minute (its idle timeout counts from then)
SIGN_IN_FIRST = "Sign in first."
CSRF_REFUSED = "This request lacks the session's CSRF token; reload the page and try again."
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
Via = Literal["code", "passkey"]


def csrf_token(secret: str) -> str:
    """The session's CSRF token: derived from its secret, so it is never stored and dies with the session."""
    return hashlib.sha256(f"csrf:{secret}".encode()).hexdigest()


@dataclass(frozen=True)
class SignedIn:
    """The account a request is signed in as, and its session."""

    account: Account
    secret_hash: str
    csrf: str
    idle_until: int
    ends_at: int

    @property
    def proof(self) -> Proof:
        """The account's e-mail proof while the session lasts (the booking routes need no code from it)."""
        return Proof.of_session(self.account.email, self.ends_at)

    def view(self) -> SessionOut:
        return SessionOut(
            account=self.account.view(),
            csrf_token=self.csrf,
            idle_until=datetime.fromtimestamp(self.idle_until, UTC),
            ends_at=datetime.fromtimestamp(self.ends_at, UTC),
        )


class SessionOut(Reply):
    account: AccountOut
    csrf_token: str = Field(description="Send it as the X-CSRF-Token header with every request that changes anything.")
    idle_until: datetime = Field(description="The session ends if it is not used before then (30 minutes idle).")
    ends_at: datetime = Field(description="The session ends then whatever happens (12 hours after sign-in).")


@dataclass
class Sessions:
    store: Store
    clock: Callable[[], datetime]

    def open(self, account: Account, via: Via, replacing: str | None = None) -> tuple[str, SignedIn]:
        """A new session for ``account``: the cookie's value and the signed-in view. The browser's previous session
        (``replacing``, its cookie), if any, ends: a sign-in always gets a new session id."""
        if replacing:
            self.close(replacing)
        now = int(self.clock().timestamp())
        secret = secrets.token_urlsafe(32)
        secret_hash = hashlib.sha256(secret.encode()).hexdigest()
        ends_at, idle_until = now + ABSOLUTE_SECONDS, now + IDLE_SECONDS
        item = {
            "created_at": now,
            "seen_at": now,
            "idle_until": idle_until,
            "ends_at": ends_at,
            "via": via,
            "expires_at": ends_at,  # the table's TTL deletes it once it can no longer be used
        }
        self.store.put_new(keys.session_key(account.id, secret_hash), item)
        signed = SignedIn(account, secret_hash, csrf_token(secret), idle_until, ends_at)
        return f"{account.id}.{secret}", signed

    def resolve(self, cookie: str | None, method: str, csrf: str, fetch_site: str = "") -> SignedIn:
        """The session a request's cookie stands for: 401 if there is none, it has ended or its account is gone;
        400 ``csrf_required`` for a request that changes something without the session's CSRF token, or that a
        browser says comes from another site."""
        parsed = _parse(cookie)
        if parsed is None:
            raise Unauthorized(SIGN_IN_FIRST)
        account_id, secret = parsed
        secret_hash = hashlib.sha256(secret.encode()).hexdigest()
        session, account = self.store.session_and_account(account_id, secret_hash)
        now = int(self.clock().timestamp())
        if session is None or account is None:
            raise Unauthorized(SIGN_IN_FIRST)
        if int(session["ends_at"]) <= now or int(session["idle_until"]) <= now:
            raise Unauthorized("Your session has ended; please sign in again.")
        expected = csrf_token(secret)
        if method.upper() not in SAFE_METHODS:
            if fetch_site == "cross-site" or not hmac.compare_digest(csrf.encode(), expected.encode()):
                raise CsrfRequired(CSRF_REFUSED, field="X-CSRF-Token")
        idle_until = int(session["idle_until"])
        if now - int(session["seen_at"]) >= TOUCH_SECONDS:
            idle_until = min(now + IDLE_SECONDS, int(session["ends_at"]))
            self.store.touch_session(keys.session_key(account_id, secret_hash), now, idle_until)
        return SignedIn(Account.from_item(account), secret_hash, expected, idle_until, int(session["ends_at"]))

    def close(self, cookie: str | None) -> None:
        """End the session of ``cookie`` (nothing if it is none)."""
        parsed = _parse(cookie)
        if parsed is not None:
            account_id, secret = parsed
            self.store.delete_existing(keys.session_key(account_id, hashlib.sha256(secret.encode()).hexdigest()))

    def close_all(self, account_id: str) -> int:
        """End every session of the account ("sign out everywhere"); how many there were."""
        found = self.store.account_items_of(account_id, keys.SESSION_PREFIX)
        self.store.delete_items([{"PK": str(item["PK"]), "SK": str(item["SK"])} for item in found])
        return len(found)


def _parse(cookie: str | None) -> tuple[str, str] | None:
    if not cookie or len(cookie) > 128:
        return None
    account_id, _, secret = cookie.partition(".")
    from ..core.ids import is_appointment_id

    if not is_appointment_id(account_id) or not (20 <= len(secret) <= 64) or not secret.isascii():
        return None
    return account_id, secret


def set_cookie(value: str, max_age: int = ABSOLUTE_SECONDS) -> str:
    """The Set-Cookie header of a session: HttpOnly, Secure, SameSite=Strict, on the API's path only."""
    return f"{COOKIE}={value}; Path={COOKIE_PATH}; Max-Age={max_age}; HttpOnly; Secure; SameSite=Strict"


def clear_cookie() -> str:
    return set_cookie("", max_age=0)
