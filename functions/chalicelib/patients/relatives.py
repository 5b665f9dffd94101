"""The people a patient books for (a child, a parent...): given name, family name, date of birth and relation.

A relative lives in the account's partition (``RELATIVE#<id>``). A booking for a relative names the relative as the
patient and the account holder as the person who booked (the practice's agenda shows both), and counts in the
relative's own cap counter with each professional: caps count per person, not per account.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from pydantic import Field, field_validator

from ..core import ids, keys, tokens
from ..core.appointment import Relation
from ..core.errors import InvalidInput, NotFound
from ..core.schemas import Name, Reply, Request

if TYPE_CHECKING:
    from ..core.store import Store

MAX_RELATIVES = 20
NO_RELATIVE = "No such relative."


class RelativeIn(Request):
    """Body of ``POST /v1/me/relatives``."""

    given_name: Name
    family_name: Name
    birth_date: date = Field(description="YYYY-MM-DD: tells a child from a parent of the same name.")
    relation: Relation = Field(description="Who the relative is to you: child, partner, parent or other.")

    @field_validator("birth_date")
    @classmethod
    def _born(cls, value: date) -> date:
        if not date(1900, 1, 1) <= value <= date.today():
            raise ValueError("a date of birth between 1900 and today is expected")
        return value


class RelativeOut(Reply):
    id: str
    given_name: str
    family_name: str
    birth_date: date
    relation: Relation


class RelativeList(Reply):
    relatives: list[RelativeOut]


def view(item: Mapping[str, Any]) -> RelativeOut:
    return RelativeOut(
        id=str(item["SK"])[len(keys.RELATIVE_PREFIX) :],
        given_name=str(item["given_name"]),
        family_name=str(item["family_name"]),
        birth_date=date.fromisoformat(str(item["birth_date"])),
        relation=item["relation"],
    )


@dataclass
class Relatives:
    store: Store
    clock: Callable[[], datetime]

    def list(self, account_id: str) -> RelativeList:
        items = self.store.account_items_of(account_id, keys.RELATIVE_PREFIX)
        return RelativeList(relatives=sorted((view(i) for i in items), key=lambda r: (r.given_name, r.birth_date)))

    def add(self, account_id: str, relative: RelativeIn) -> RelativeOut:
        if len(self.store.account_items_of(account_id, keys.RELATIVE_PREFIX)) >= MAX_RELATIVES:
            raise InvalidInput(f"At most {MAX_RELATIVES} relatives; remove one first.", field=None)
        relative_id = tokens.new_appointment_id()
        item = {**relative.model_dump(mode="json"), "created_at": int(self.clock().timestamp())}
        key = keys.relative_key(account_id, relative_id)
        self.store.put_new(key, item)
        return view({**key, **item})

    def find(self, account_id: str, relative_id: str) -> RelativeOut:
        """One of the account's relatives; the same 404 for another account's and for none."""
        item = (
            self.store.item(keys.relative_key(account_id, relative_id)) if ids.is_appointment_id(relative_id) else None
        )
        if item is None:
            raise NotFound(NO_RELATIVE, field="relative")
        return view(item)

    def remove(self, account_id: str, relative_id: str) -> None:
        """Forget a relative (their appointments stay booked: cancel them first if they are not wanted)."""
        gone = (
            self.store.delete_existing(keys.relative_key(account_id, relative_id))
            if ids.is_appointment_id(relative_id)
            else None
        )
        if gone is None:
            raise NotFound(NO_RELATIVE)
