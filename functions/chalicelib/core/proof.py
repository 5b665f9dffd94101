"""An e-mail proof: a client has shown, a moment ago, that it reads the mailbox of one e-mail address.

A proof is what lets a patient book without a code in every e-mail, and what the limits against hoarding ask of
a client before it may hold more than a small share of the agendas (docs/security.md, "Holds and proofs"). It says
which mailbox (its canonical form, hashed as in the keys: never the address) and until when.

Where proofs come from:

- a hold confirmed with its e-mailed code (POST /v1/appointments/{id}/confirm answers ``email_proof``);
- the code of ``POST /v1/email-proofs``, asked for before any time is held (the booking widget's "confirm your
  e-mail address first", when the network's share of unproven holds is used up);
- a signed-in patient's session (the patient space): the session stands for the account's proven e-mail, and
  makes a :class:`Proof` with :meth:`Proof.of_session` for the booking routes, with no token of this kind.

The booking service asks a :class:`Proof` one question, :meth:`Proof.covers`. A token (``Email-Proof`` header) is
a random secret the table knows only by its SHA-256 (``PROOF#<hash>``), like a manage token; it is short-lived and
ends with the browser tab that keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from . import keys

PROOF_SECONDS = 30 * 60
PROOF_HEADER = "email-proof"
Via = Literal["code", "session"]


@dataclass(frozen=True)
class Proof:
    """Proof that the client reads the mailbox whose canonical address hashes to ``mailbox`` until ``until``."""

    mailbox: str  # keys.email_hash of the address: its canonical form, hashed
    until: int  # epoch seconds
    via: Via = "code"

    @classmethod
    def of_email(cls, email: str, until: int, via: Via = "code") -> Proof:
        return cls(mailbox=keys.email_hash(email), until=until, via=via)

    @classmethod
    def of_session(cls, email: str, session_ends: int) -> Proof:
        """A signed-in patient's proof, for the account's (proven) e-mail, as long as the session lasts."""
        return cls.of_email(email, session_ends, via="session")

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> Proof:
        return cls(mailbox=str(item["mailbox"]), until=int(item["until"]), via=item.get("via", "code"))

    def to_item(self, now: int) -> dict[str, Any]:
        """The stored proof (the store adds the key): no address, only its hash; deleted once it has lapsed."""
        return {
            "mailbox": self.mailbox,
            "until": self.until,
            "via": self.via,
            "created_at": now,
            "expires_at": self.until,
        }

    def covers(self, email: str, now: int) -> bool:
        """Whether this proof, still valid at ``now``, is for the mailbox of ``email`` (compared canonically:
        ``Louise+rdv@Example.org`` is proven by a proof for ``louise@example.org``)."""
        return now < self.until and self.mailbox == keys.email_hash(email)
