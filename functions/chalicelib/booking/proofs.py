"""E-mail proofs (core/proof.py): made when a code proves the patient reads the mailbox, and read from the
``Email-Proof`` header of a request.

Two codes earn a proof: a hold's (booking/service.py asks :meth:`EmailProofs.issue` once the code has confirmed the
hold) and the code of ``POST /v1/email-proofs``, which the booking widget asks for before any time is held, when
the network's share of holds awaiting a code is used up. That code costs the same budgets as a hold's
(ratelimit.Limits.charge_code) and has the same 5 attempts and 10 minutes; no time is held while it is on its way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ..core import ids, tokens
from ..core.appointment import EmailProof
from ..core.emailaddress import canonical
from ..core.errors import CodeExpired, NotFound, TooManyAttempts, WrongCode
from ..core.keys import email_hash
from ..core.proof import PROOF_SECONDS, Proof
from ..core.ratelimit import Limits
from ..core.retention import Retention
from .schemas import ProofCodeSent, ProofRequest

if TYPE_CHECKING:
    from ..core.notify import Mailer
    from ..core.store import Store

CODE_SECONDS = 600
MAX_CODE_ATTEMPTS = 5
NO_REQUEST = "No such request for a code; please ask for a new one."
TOO_MANY_WRONG_CODES = "Too many wrong codes; please ask for a new one."


@dataclass
class EmailProofs:
    store: Store
    mailer: Callable[[], Mailer | None]
    limits: Limits
    clock: Callable[[], datetime]

    def verify(self, token: str) -> Proof | None:
        """The proof a request's ``Email-Proof`` token stands for, or None (unknown; a lapsed one is the caller's
        to see, with ``Proof.covers``). A token that cannot be one is not looked up."""
        if not (20 <= len(token) <= 64 and token.isascii()):
            return None
        return self.store.proof(tokens.token_hash(token))

    def issue(self, email: str, now: int) -> EmailProof:
        """A new proof for ``email``'s mailbox, valid PROOF_SECONDS: its token, answered once, and its expiry."""
        token = tokens.new_proof_token()
        proof = Proof.of_email(email, now + PROOF_SECONDS)
        self.store.put_proof(tokens.token_hash(token), proof, now)
        return EmailProof(token=token, expires_at=datetime.fromtimestamp(proof.until, UTC))

    def send_code(self, request: ProofRequest, network: str) -> ProofCodeSent:
        """E-mail a code that proves ``request.email`` (nothing is held): counted like a hold's code."""
        now = int(self.clock().timestamp())
        challenge_id = tokens.new_appointment_id()
        code = tokens.new_code()
        valid_until = now + CODE_SECONDS
        with self.limits.charge(self.store, now) as charge:
            self.limits.charge_code(charge, canonical(request.email), network, field="email")
            self.store.put_proof_code(
                challenge_id,
                {
                    "mailbox": email_hash(request.email),
                    "code_hash": tokens.code_hash(challenge_id, code),
                    "code_attempts": 0,
                    "valid_until": valid_until,
                    "created_at": now,
                    "expires_at": Retention.transient(valid_until),
                },
            )
        if (mailer := self.mailer()) is not None:
            mailer.send_proof_code(request.email, code, request.language)
        return ProofCodeSent(id=challenge_id, expires_at=datetime.fromtimestamp(valid_until, UTC))

    def redeem(self, challenge_id: str, code: str, network: str) -> EmailProof:
        """The proof a right code earns (once); a wrong code spends one of MAX_CODE_ATTEMPTS."""
        now = int(self.clock().timestamp())
        self.limits.attempt_per_network.check(self.store, network, now)
        if not ids.is_appointment_id(challenge_id):
            raise NotFound(NO_REQUEST)
        item = self.store.spend_proof_attempt(challenge_id, now, MAX_CODE_ATTEMPTS)
        if item is None:
            current = self.store.proof_code(challenge_id)
            if current is None:
                raise NotFound(NO_REQUEST)
            if int(current["valid_until"]) <= now:
                raise CodeExpired("This code has expired; please ask for a new one.", field="code")
            raise TooManyAttempts(TOO_MANY_WRONG_CODES, field="code")
        if not tokens.same_hash(item.get("code_hash"), tokens.code_hash(challenge_id, code)):
            left = MAX_CODE_ATTEMPTS - int(item["code_attempts"])
            if left <= 0:
                raise TooManyAttempts(TOO_MANY_WRONG_CODES, field="code")
            raise WrongCode(left)
        token = tokens.new_proof_token()
        proof = Proof(mailbox=str(item["mailbox"]), until=now + PROOF_SECONDS)
        if not self.store.redeem_proof_code(challenge_id, str(item["code_hash"]), tokens.token_hash(token), proof, now):
            raise NotFound(NO_REQUEST)  # spent by a request that came first
        return EmailProof(token=token, expires_at=datetime.fromtimestamp(proof.until, UTC))
