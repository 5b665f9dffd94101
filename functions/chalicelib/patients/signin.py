"""Signing in: with a code e-mailed to the address (the e-mail proofs' machinery and limits: booking/proofs.py), or
with a passkey (patients/passkeys.py). A first sign-in with a code makes the account: the code proved the mailbox.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from ..core import tokens
from ..core.concurrency import StaleRead
from ..core.errors import Conflict, InvalidInput, Unavailable
from ..core.keys import email_hash
from ..core.schemas import Language
from .account import Account
from .newaddress import follow

if TYPE_CHECKING:
    from ..booking.proofs import EmailProofs
    from ..core.store import Store

NOT_THIS_ADDRESS = "This is not the address the code was sent to."


@dataclass
class EmailSignIn:
    store: Store
    proofs: EmailProofs
    clock: Callable[[], datetime]

    def account_for(self, proof_id: str, code: str, email: str, network: str, language: Language) -> Account:
        """The account of ``email`` once the code e-mailed to it is right (made on the first sign-in): a wrong,
        expired or spent code is refused as the e-mail proofs refuse it (422, 410, 404)."""
        earned = self.proofs.redeem(proof_id, code, network)
        proof = self.proofs.verify(earned.token)
        if proof is None or proof.mailbox != email_hash(email):
            raise InvalidInput(NOT_THIS_ADDRESS, field="email")
        return self.find_or_make(email, language)

    def change_email(self, account: Account, proof_id: str, code: str, email: str, network: str) -> Account:
        """Move the account to a new address once the code e-mailed there is right: the account's e-mail pointer
        and address in one transaction (409 if the address has an account of its own), then what the old mailbox
        holds follows it (patients/newaddress.py): upcoming appointments and waiting-list entries send their
        e-mails there from now on, past ones keep the address they were booked with, all are listed."""
        earned = self.proofs.redeem(proof_id, code, network)
        proof = self.proofs.verify(earned.token)
        new_mailbox = email_hash(email)
        if proof is None or proof.mailbox != new_mailbox:
            raise InvalidInput(NOT_THIS_ADDRESS, field="email")
        old_mailbox = account.mailbox
        changed = {"email": email, "mailbox": new_mailbox}
        try:
            moved = self.store.change_account_email(account.id, old_mailbox, new_mailbox, changed, account.version)
        except StaleRead:
            raise Conflict("Your account changed meanwhile; please try again.") from None
        if not moved:
            raise Conflict("This address already has an account of its own.", field="email")
        follow(self.store, old_mailbox, email, int(self.clock().timestamp()))
        return replace(account, email=email, version=account.version + 1)

    def find_or_make(self, email: str, language: Language) -> Account:
        mailbox = email_hash(email)
        for _ in range(3):
            account_id = self.store.account_of_mailbox(mailbox)
            if account_id is not None:
                item = self.store.account(account_id)
                if item is not None:
                    return Account.from_item(item)
                continue  # the account is being deleted; its pointer goes with it
            now = int(self.clock().timestamp())
            account = Account(id=tokens.new_appointment_id(), email=email, created_at=now, language=language)
            if self.store.create_account(account.id, account.to_item(), mailbox):
                return account
        raise Unavailable("Too many simultaneous changes; please try again.")
