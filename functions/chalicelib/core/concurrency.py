"""What the store and the services exchange for optimistic writes and idempotent requests (no boto3 here).

A service reads a versioned map (a patient's future appointments, an e-mail's holds), decides, and asks the store
to write on condition that the version has not moved; when it has, the store raises :class:`StaleRead` and the
service reads again and decides again.
"""

from __future__ import annotations

from dataclasses import dataclass


class StaleRead(Exception):
    """An optimistic check (a ``version`` or ``revision`` read earlier) failed: read again and decide again."""


@dataclass(frozen=True)
class Versioned:
    """A map item read for an optimistic update: its entries and the version they were read at (0: no item)."""

    entries: dict[str, int]
    version: int


@dataclass(frozen=True)
class Replay:
    """The idempotency record a repeated request found: the appointment it created and the request's fingerprint."""

    appointment_id: str
    fingerprint: str


class IdempotentReplay(Exception):
    def __init__(self, replay: Replay) -> None:
        super().__init__(replay.appointment_id)
        self.replay = replay


@dataclass(frozen=True)
class Holds:
    """The holds awaiting confirmation of one mailbox or one network, read for an optimistic update: ``{appointment
    id: hold_until}``, which of them were made without a proof (``unproven``), and the version read (0: no item)."""

    entries: dict[str, int]
    unproven: frozenset[str]
    version: int

    def live(self, now: int) -> Holds:
        """Only the holds that have not lapsed at ``now`` (a lapsed hold no longer counts, and is dropped)."""
        live = {k: v for k, v in self.entries.items() if v > now}
        return Holds(live, self.unproven & live.keys(), self.version)

    @property
    def unproven_count(self) -> int:
        return len(self.unproven)

    @property
    def proven_count(self) -> int:
        return len(self.entries) - len(self.unproven)

    def with_hold(self, appointment_id: str, hold_until: int, proven: bool) -> Holds:
        """These holds and a new one (what the hold's transaction writes, at the next version)."""
        unproven = self.unproven if proven else self.unproven | {appointment_id}
        return Holds({**self.entries, appointment_id: hold_until}, unproven, self.version)
