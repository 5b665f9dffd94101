"""Passkeys (WebAuthn), as py_webauthn's own examples do: options with a fresh challenge, the browser's answer
verified, the credential's public key and signature counter stored.

The relying party is the site's domain (``SITE_URL``'s host). On a developer's machine the site is served on
127.0.0.1, which cannot be a relying party id: there the id is ``localhost`` and the pages are opened on
``http://localhost:<port>`` (the only case where the origin's port is not fixed by the settings).

Passkeys are discoverable (resident) credentials whose user handle is the account id, so signing in needs no
e-mail address first; the credential is then found with one GetItem in the account's partition. A challenge is
stored (``CHALLENGE#<id>``, 5 minutes) and deleted by the answer that spends it: a stale, spent or replayed
challenge signs nobody in. The stored signature counter moves only on condition that it is still the one the
assertion was checked against, so a cloned authenticator's or a replayed assertion cannot sign in twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pydantic import Field

from ..core import ids, keys, tokens
from ..core.errors import InvalidInput, NotFound, Unauthorized
from ..core.schemas import Reply, Request
from .account import Account

if TYPE_CHECKING:
    from ..core.store import Store

CHALLENGE_SECONDS = 300
MAX_PASSKEYS = 10
RP_NAME = "MonacoSanté"
LOCAL_ORIGIN = re.compile(r"^http://localhost(:[0-9]{1,5})?$")
NOT_RECOGNISED = "This passkey was not recognised; sign in with a code sent by e-mail."
STALE = "This passkey request has expired or was already answered; please try again."


class PasskeyOptions(Reply):
    challenge_id: str = Field(description="Send it back with the browser's answer.")
    options: dict[str, Any] = Field(
        description="The WebAuthn options as JSON (PublicKeyCredential.parseCreationOptionsFromJSON or "
        "parseRequestOptionsFromJSON read them)."
    )


class PasskeyAnswer(Request):
    """The browser's answer to a ceremony (PublicKeyCredential.toJSON()), with its challenge's id."""

    challenge_id: str = Field(pattern=ids.CHALLENGE_ID)
    credential: dict[str, Any] = Field(description="PublicKeyCredential.toJSON() of the browser's answer.")
    name: str | None = Field(None, max_length=60, description="A name for a new passkey (this laptop...).")


class PasskeyOut(Reply):
    id: str = Field(description="The credential id (base64url).")
    name: str
    created_at: datetime
    last_used_at: datetime | None


class PasskeyList(Reply):
    passkeys: list[PasskeyOut]


def relying_party(site_url: str, origin: str) -> tuple[str, str]:
    """The relying party id and the origin an answer must come from: the site's own, or, on a developer's
    machine served on an address, ``localhost`` and the request's ``http://localhost:<port>``."""
    parts = urlsplit(site_url)
    host = parts.hostname or "localhost"
    if host.replace(".", "").isdigit() or host == "localhost":
        return "localhost", origin if LOCAL_ORIGIN.match(origin) else "http://localhost"
    return host, f"{parts.scheme}://{parts.netloc}"


def passkey_view(item: Mapping[str, Any]) -> PasskeyOut:
    used = item.get("last_used_at")
    return PasskeyOut(
        id=str(item["SK"])[len(keys.PASSKEY_PREFIX) :],
        name=str(item.get("name") or "Passkey"),
        created_at=datetime.fromtimestamp(int(item["created_at"]), UTC),
        last_used_at=datetime.fromtimestamp(int(used), UTC) if used else None,
    )


@dataclass
class Passkeys:
    store: Store
    site_url: str
    clock: Callable[[], datetime]

    def _now(self) -> int:
        return int(self.clock().timestamp())

    def _challenge(self, kind: str, challenge: bytes, account_id: str | None = None) -> str:
        from webauthn.helpers import bytes_to_base64url

        challenge_id = tokens.new_appointment_id()
        valid_until = self._now() + CHALLENGE_SECONDS
        item = {"kind": kind, "challenge": bytes_to_base64url(challenge), "valid_until": valid_until}
        if account_id:
            item["account_id"] = account_id
        self.store.put_challenge(challenge_id, {**item, "expires_at": valid_until + 3600})
        return challenge_id

    def _spend(self, challenge_id: str, kind: str, account_id: str | None = None) -> bytes:
        from webauthn.helpers import base64url_to_bytes

        item = self.store.spend_challenge(challenge_id, self._now())
        if item is None or item.get("kind") != kind or item.get("account_id") != account_id:
            raise NotFound(STALE, field="challenge_id")
        return base64url_to_bytes(str(item["challenge"]))

    # -- registering a passkey (signed in) -----------------------------------------------------------------------

    def registration_options(self, account: Account, origin: str) -> PasskeyOptions:
        from webauthn import generate_registration_options, options_to_json
        from webauthn.helpers import base64url_to_bytes
        from webauthn.helpers.structs import (
            AuthenticatorSelectionCriteria,
            PublicKeyCredentialDescriptor,
            ResidentKeyRequirement,
            UserVerificationRequirement,
        )

        rp_id, _ = relying_party(self.site_url, origin)
        existing = self.store.account_items_of(account.id, keys.PASSKEY_PREFIX)
        if len(existing) >= MAX_PASSKEYS:
            raise InvalidInput(f"An account has at most {MAX_PASSKEYS} passkeys; remove one first.", field=None)
        options = generate_registration_options(
            rp_id=rp_id,
            rp_name=RP_NAME,
            user_id=account.id.encode(),
            user_name=account.email,
            user_display_name=" ".join(filter(None, [account.given_name, account.family_name])) or account.email,
            exclude_credentials=[
                PublicKeyCredentialDescriptor(id=base64url_to_bytes(str(i["SK"])[len(keys.PASSKEY_PREFIX) :]))
                for i in existing
            ],
            authenticator_selection=AuthenticatorSelectionCriteria(
                resident_key=ResidentKeyRequirement.REQUIRED,
                user_verification=UserVerificationRequirement.REQUIRED,
            ),
        )
        challenge_id = self._challenge("register", options.challenge, account.id)
        import json

        return PasskeyOptions(challenge_id=challenge_id, options=json.loads(options_to_json(options)))

    def register(self, account: Account, answer: PasskeyAnswer, origin: str) -> PasskeyOut:
        from webauthn import verify_registration_response
        from webauthn.helpers import bytes_to_base64url
        from webauthn.helpers.exceptions import InvalidRegistrationResponse

        challenge = self._spend(answer.challenge_id, "register", account.id)
        rp_id, expected_origin = relying_party(self.site_url, origin)
        try:
            verified = verify_registration_response(
                credential=answer.credential,
                expected_challenge=challenge,
                expected_rp_id=rp_id,
                expected_origin=expected_origin,
                require_user_verification=True,
            )
        except (InvalidRegistrationResponse, ValueError, KeyError, TypeError) as err:
            raise InvalidInput(f"The passkey could not be registered: {err}", field="credential") from None
        credential_id = bytes_to_base64url(verified.credential_id)
        now = self._now()
        item = {
            "public_key": bytes_to_base64url(verified.credential_public_key),
            "sign_count": verified.sign_count,
            "name": answer.name or "Passkey",
            "created_at": now,
        }
        if not self.store.put_new(keys.passkey_key(account.id, credential_id), item):
            raise InvalidInput("This passkey is already registered.", field="credential")
        return passkey_view({"SK": keys.PASSKEY_PREFIX + credential_id, **item})

    def list(self, account: Account) -> PasskeyList:
        items = self.store.account_items_of(account.id, keys.PASSKEY_PREFIX)
        return PasskeyList(passkeys=[passkey_view(item) for item in items])

    def remove(self, account: Account, credential_id: str) -> None:
        if not ids.is_credential_id(credential_id) or not self.store.delete_existing(
            keys.passkey_key(account.id, credential_id)
        ):
            raise NotFound("No such passkey.")

    # -- signing in with one -------------------------------------------------------------------------------------

    def sign_in_options(self, origin: str) -> PasskeyOptions:
        import json

        from webauthn import generate_authentication_options, options_to_json
        from webauthn.helpers.structs import UserVerificationRequirement

        rp_id, _ = relying_party(self.site_url, origin)
        options = generate_authentication_options(rp_id=rp_id, user_verification=UserVerificationRequirement.REQUIRED)
        challenge_id = self._challenge("sign-in", options.challenge)
        return PasskeyOptions(challenge_id=challenge_id, options=json.loads(options_to_json(options)))

    def sign_in(self, answer: PasskeyAnswer, origin: str) -> Account:
        """The account whose passkey answered the challenge; 401 for an unknown passkey, a wrong signature or a
        signature counter that did not move on (a cloned authenticator, a replay), 404 for a stale challenge."""
        from webauthn import verify_authentication_response
        from webauthn.helpers import base64url_to_bytes, parse_authentication_credential_json
        from webauthn.helpers.exceptions import InvalidAuthenticationResponse, InvalidJSONStructure

        challenge = self._spend(answer.challenge_id, "sign-in")
        try:
            parsed = parse_authentication_credential_json(answer.credential)
        except (InvalidJSONStructure, ValueError, KeyError, TypeError):
            raise InvalidInput("This is not a passkey's answer.", field="credential") from None
        account_id = (parsed.response.user_handle or b"").decode("ascii", "replace")
        if not ids.is_appointment_id(account_id) or not ids.is_credential_id(parsed.id):
            raise Unauthorized(NOT_RECOGNISED)
        key = keys.passkey_key(account_id, parsed.id)
        stored = self.store.item(key)
        account = self.store.account(account_id)
        if stored is None or account is None:
            raise Unauthorized(NOT_RECOGNISED)
        rp_id, expected_origin = relying_party(self.site_url, origin)
        old_count = int(stored.get("sign_count", 0))
        try:
            verified = verify_authentication_response(
                credential=parsed,
                expected_challenge=challenge,
                expected_rp_id=rp_id,
                expected_origin=expected_origin,
                credential_public_key=base64url_to_bytes(str(stored["public_key"])),
                credential_current_sign_count=old_count,
                require_user_verification=True,
            )
        except (InvalidAuthenticationResponse, ValueError, KeyError, TypeError):
            raise Unauthorized(NOT_RECOGNISED) from None
        if not self.store.count_passkey_use(key, old_count, verified.new_sign_count, self._now()):
            raise Unauthorized(NOT_RECOGNISED)
        return Account.from_item(account)
