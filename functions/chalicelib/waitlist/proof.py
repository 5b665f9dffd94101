"""How a waiting-list request proves its e-mail address: a 6-digit code e-mailed to it, entered once.

The waiting list asks a :class:`Proof` for two things only, so that another proof of the address (a signed-in
patient, a proof kept after an earlier code) can take its place in ``services.get_waitlist()`` without a change
here: ``send`` e-mails (or otherwise establishes) a challenge for a request and returns what to store, and
``check`` tells whether what the patient entered answers it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from ..core import tokens

if TYPE_CHECKING:
    from ..core.notify import Mailer, WaitNotice


class Proof(Protocol):
    def send(self, request_id: str, email: str, notice: WaitNotice) -> str: ...

    def check(self, request_id: str, stored: str, answer: str) -> bool: ...


class EmailedCode:
    """The booking's own machinery: a fresh 6-digit code, e-mailed, stored as its hash bound to the request."""

    def __init__(self, mailer: Callable[[], Mailer | None]) -> None:
        self.mailer = mailer

    def send(self, request_id: str, email: str, notice: WaitNotice) -> str:
        code = tokens.new_code()
        if (mailer := self.mailer()) is not None:
            mailer.send_waitlist_code(email, code, notice)
        return tokens.code_hash(request_id, code)

    def check(self, request_id: str, stored: str, answer: str) -> bool:
        return tokens.same_hash(stored, tokens.code_hash(request_id, answer))
