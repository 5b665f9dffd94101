"""The audit log of the back-office: one entry for every appointment whose patient details an account was shown.

An entry says who (Cognito ``sub``, role, the access token's ``jti``), for which professional, which appointment,
what (``list``: the agenda showed the patient's name; ``read``: the details page showed name, e-mail and phone;
``cancel``, ``move``, ``no_show``, ``create``: a change, which also shows the details) and when (UTC). Entries are
written **before** the answer that shows the details; if they cannot be written, nothing is shown (503).

The operator queries them by appointment (a patient asking who saw their appointment) or by professional over a
period (scripts/audit_log.py). Entries hold no name, e-mail or phone: the appointment id leads to them. Each is
deleted by the table's TTL after the audit period of the retention policy (core/retention.py; 365 days by default).
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
    return {
        **keys.audit_key(appointment_id, at, entry_id),
        **keys.audit_index_keys(practitioner_id, at, entry_id),
        "appointment_id": appointment_id,
        "practitioner_id": practitioner_id,
        "subject": principal.subject,
        "role": principal.role,
        "token_id": principal.token_id,
        "action": action,
        "at": keys.audit_stamp(at),
        "expires_at": retention.audit(int(at.timestamp())),
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


def public(item: dict[str, Any]) -> dict[str, Any]:
    """An entry as the operator's tool prints it (keys left out)."""
    names = ("at", "action", "appointment_id", "practitioner_id", "subject", "role", "token_id")
    return {name: item.get(name) for name in names}
