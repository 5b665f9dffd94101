"""A patient account: the person who signs in, with the details that prefill the booking form.

An account is one canonical mailbox (its e-mail proven by a code when the account was made): the appointments
booked with that mailbox, as a guest or signed in, are the account's (GSI2 lists them by mailbox).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import Field

from ..core.keys import email_hash
from ..core.schemas import Language, Reply


@dataclass(frozen=True)
class Account:
    id: str
    email: str  # as typed when it was proven; its canonical form's hash is ``mailbox``
    created_at: int
    version: int = 0
    language: Language = "fr"
    given_name: str | None = None
    family_name: str | None = None
    phone: str | None = None

    @property
    def mailbox(self) -> str:
        return email_hash(self.email)

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> Account:
        return cls(
            id=str(item["account_id"]),
            email=str(item["email"]),
            created_at=int(item["created_at"]),
            version=int(item.get("version", 0)),
            language=item.get("language", "fr"),
            given_name=item.get("given_name"),
            family_name=item.get("family_name"),
            phone=item.get("phone"),
        )

    def to_item(self) -> dict[str, Any]:
        """The stored account (the store adds the key)."""
        item = {
            "account_id": self.id,
            "email": self.email,
            "mailbox": self.mailbox,
            "created_at": self.created_at,
            "version": self.version,
            "language": self.language,
            "given_name": self.given_name,
            "family_name": self.family_name,
            "phone": self.phone,
        }
        return {name: value for name, value in item.items() if value is not None}

    def view(self) -> AccountOut:
        return AccountOut(
            email=self.email,
            language=self.language,
            given_name=self.given_name,
            family_name=self.family_name,
            phone=self.phone,
            created_at=datetime.fromtimestamp(self.created_at, UTC),
        )


class AccountOut(Reply):
    email: str = Field(description="The account's e-mail address, proven by a code.")
    language: Language
    given_name: str | None = Field(description="Saved details that prefill the booking form; null until saved.")
    family_name: str | None
    phone: str | None
    created_at: datetime
