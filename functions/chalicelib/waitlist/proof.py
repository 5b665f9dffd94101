"""How a waiting-list request proves its e-mail address: with the e-mail proof the request already carries (the
patient typed a code while booking a moment ago, or in the patient space is signed in: core/proof.py), or else
with a 6-digit code e-mailed to it and entered once, which earns such a proof in turn (booking/proofs.py), so that
a patient who proved the address once is not asked for a second code, to book or to join another list.

The waiting list asks a :class:`Proof` four things, so that another proof of the address can take its place in
``services.get_waitlist()`` without a change to the waiting list: ``proven`` tells whether the request already
proves the address (no code is sent), ``send`` e-mails a challenge for a request and returns what to store,
``check`` tells whether what the patient entered answers it, and ``earned`` is what a right answer earns beyond
the place on the list. What a code costs (the code limits, ratelimit.Limits.charge_code) is the waiting list's to
count, as the booking service counts a hold's code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from ..core import tokens

if TYPE_CHECKING:
    from ..booking.proofs import EmailProofs
    from ..booking.service import Caller
    from ..core.appointment import EmailProof
    from ..core.notify import Mailer, WaitNotice


class Proof(Protocol):
    def proven(self, caller: Caller, email: str, now: int) -> bool: ...

    def send(self, request_id: str, email: str, notice: WaitNotice) -> str: ...

    def check(self, request_id: str, stored: str, answer: str) -> bool: ...

    def earned(self, email: str, now: int) -> EmailProof | None: ...


class ProofOrCode:
    """The booking's e-mail proofs: a request whose ``Email-Proof`` covers the address joins with no code; otherwise
    a fresh 6-digit code is e-mailed (the waiting list's own e-mail, which says what the patient is joining) and
    stored as its hash bound to the request, and the right code earns an e-mail proof for the next booking."""

    def __init__(self, mailer: Callable[[], Mailer | None], proofs: Callable[[], EmailProofs]) -> None:
        self.mailer = mailer
        self.proofs = proofs

    def proven(self, caller: Caller, email: str, now: int) -> bool:
        return caller.proof is not None and caller.proof.covers(email, now)

    def send(self, request_id: str, email: str, notice: WaitNotice) -> str:
        code = tokens.new_code()
        if (mailer := self.mailer()) is not None:
            mailer.send_waitlist_code(email, code, notice)
        return tokens.code_hash(request_id, code)

    def check(self, request_id: str, stored: str, answer: str) -> bool:
        return tokens.same_hash(stored, tokens.code_hash(request_id, answer))

    def earned(self, email: str, now: int) -> EmailProof:
        return self.proofs().issue(email, now)
