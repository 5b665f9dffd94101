"""The audit log of the back-office: who was shown which appointment's patient details, and when.

An entry says who (Cognito ``sub``, role, the access token's ``jti``), for which professional, which appointment,
what (``list``: the agenda showed the patient's name; ``read``: the details page showed name, e-mail and phone;
``cancel``, ``move``, ``no_show``, ``create``: a change, which also shows the details) and when (UTC). Entries are
written **before** the answer that shows the details; if they cannot be written, nothing is shown (503).

Two kinds of items (docs/data-model.md, patterns 21 to 23):

- an appointment's own entry (``read`` and the changes), under the appointment;
- a **showing** of the agenda (``list``): one item per UTC date of the appointments it named, listing their ids, under
  the professional and that date. A week of 200 patients is then at most 7 items, one request, where one item per
  patient took 8 requests and most of the agenda's time. An appointment moved to another date keeps the dates it
  was on (``Appointment.former_days``), so the showings that named it before the move are found too.

The operator queries them by appointment (a patient asking who saw their appointment) or by professional over a
period (scripts/audit_log.py); ``lines`` gives both as one line per appointment and action. Entries hold no name,
e-mail or phone: the appointment id leads to them. Each is deleted by the table's TTL after the audit period of the
retention policy (core/retention.py; 365 days by default).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from ..core import keys

if TYPE_CHECKING:
    from ..core.retention import Retention
    from ..core.store import Store
    from .auth import Principal

Action = Literal["list", "read", "cancel", "move", "no_show", "create"]


def _item(
    principal: Principal,
    practitioner_id: str,
    key: dict[str, str],
    entry_id: str,
    *,
    action: Action,
    at: datetime,
    retention: Retention,
) -> dict[str, Any]:
    """What every audit item holds: its key, the professional's index keys, who, what and when, its expiry."""
    return {
        **key,
        **keys.audit_index_keys(practitioner_id, at, entry_id),
        "practitioner_id": practitioner_id,
        "subject": principal.subject,
        "role": principal.role,
        "token_id": principal.token_id,
        "action": action,
        "at": keys.audit_stamp(at),
        "expires_at": retention.audit(int(at.timestamp())),
    }


def entry(
    principal: Principal,
    practitioner_id: str,
    appointment_id: str,
    action: Action,
    *,
    at: datetime,
    retention: Retention,
) -> dict[str, Any]:
    """One audit item, keys included (docs/data-model.md, patterns 21 to 23), deleted after the audit period."""
    entry_id = secrets.token_hex(6)
    key = keys.audit_key(appointment_id, at, entry_id)
    return {
        **_item(principal, practitioner_id, key, entry_id, action=action, at=at, retention=retention),
        "appointment_id": appointment_id,
    }


def record(
    store: Store,
    principal: Principal,
    practitioner_id: str,
    appointment_ids: Iterable[str],
    *,
    action: Action,
    at: datetime,
    retention: Retention,
) -> None:
    """Write one entry per appointment (raises Unavailable unless all are written)."""
    entries = [
        entry(principal, practitioner_id, appointment_id, action, at=at, retention=retention)
        for appointment_id in appointment_ids
    ]
    if entries:
        store.write_audit(entries)


def showing(
    principal: Principal,
    practitioner_id: str,
    day: str,
    appointment_ids: list[str],
    *,
    at: datetime,
    retention: Retention,
) -> dict[str, Any]:
    """The item of one showing of the agenda for the appointments of one UTC date (``keys.audit_day``)."""
    entry_id = secrets.token_hex(6)
    key = keys.audit_listing_key(practitioner_id, day, at, entry_id)
    return {
        **_item(principal, practitioner_id, key, entry_id, action="list", at=at, retention=retention),
        "appointment_ids": appointment_ids,
        "day": day,
    }


def record_showing(
    store: Store,
    principal: Principal,
    practitioner_id: str,
    named: Iterable[tuple[str, int]],
    *,
    at: datetime,
    retention: Retention,
) -> None:
    """Record that the agenda showed the patients of ``named`` (appointment id, start epoch): one item per UTC date
    of their starts, all in one request (raises Unavailable unless all are written)."""
    by_day: dict[str, list[str]] = {}
    for appointment_id, start_epoch in named:
        by_day.setdefault(keys.audit_day(start_epoch), []).append(appointment_id)
    items = [
        showing(principal, practitioner_id, day, ids, at=at, retention=retention) for day, ids in sorted(by_day.items())
    ]
    if items:
        store.write_audit(items)


def lines(item: dict[str, Any], appointment_id: str | None = None) -> list[dict[str, Any]]:
    """An item as the operator's tool prints it (keys left out): one line per appointment it names, or only the
    line of ``appointment_id``."""
    names = ("at", "action", "practitioner_id", "subject", "role", "token_id")
    common = {name: item.get(name) for name in names}
    named = item.get("appointment_ids") or [item.get("appointment_id")]
    return [{**common, "appointment_id": each} for each in named if appointment_id is None or each == appointment_id]
