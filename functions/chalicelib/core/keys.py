"""Every key of the single table is built here and nowhere else (access patterns: docs/data-model.md)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from .emailaddress import canonical

PROFILE = "PROFILE"
APPOINTMENT = "APPOINTMENT"
HOLDS = "HOLDS"
IDEMPOTENCY = "IDEMPOTENCY"
PROOF = "PROOF"
PROOF_CODE = "PROOFCODE"
UNIT_PREFIX = "UNIT#"


def digest(value: str) -> str:
    """SHA-256 hex of ``value``: how e-mails, idempotency keys and rate-limit subjects appear in keys."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def email_hash(email: str) -> str:
    """The e-mail address as it appears in keys and limits: its canonical mailbox (emailaddress.canonical), hashed,
    so that ``Louise+1@example.org`` and ``louise@example.org`` share one cap and one budget."""
    return digest(canonical(email))


def utc_stamp(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:MMZ`` in UTC: sorts in time order whatever the local offsets."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def practitioner_pk(practitioner_id: str) -> str:
    return f"PRO#{practitioner_id}"


def profile_key(practitioner_id: str) -> dict[str, str]:
    return {"PK": practitioner_pk(practitioner_id), "SK": PROFILE}


BOOKABLE = "BOOKABLE"


def profile_keys(practitioner_id: str, online_booking: bool) -> dict[str, str]:
    """A profile's keys as written: its own, and for a professional who books online the GSI1 attributes that list
    them with every other bookable one (a sparse index: a profile without online booking is not in it)."""
    keys = profile_key(practitioner_id)
    if online_booking:
        keys |= {"GSI1PK": BOOKABLE, "GSI1SK": practitioner_pk(practitioner_id)}
    return keys


def unit_sk(unit_start: datetime) -> str:
    return UNIT_PREFIX + utc_stamp(unit_start)


def unit_key(practitioner_id: str, unit_start: datetime) -> dict[str, str]:
    return {"PK": practitioner_pk(practitioner_id), "SK": unit_sk(unit_start)}


def unit_range(start: datetime, end: datetime) -> tuple[str, str]:
    """Sort-key bounds (inclusive) of the units starting in ``[start, end)``: ``Z`` sorts after every minute."""
    return unit_sk(start), UNIT_PREFIX + utc_stamp(end)[:-1] + "!"


def unit_start_of(sort_key: str) -> datetime:
    """The UTC start of the unit a sort key names (inverse of ``unit_sk``)."""
    return datetime.strptime(sort_key[len(UNIT_PREFIX) :], "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC)


def patient_key(practitioner_id: str, email: str, relative_id: str | None = None) -> dict[str, str]:
    """The cap counter of one person with one professional: the mailbox's own (``PATIENT#<email hash>``), or, for a
    relative booked from a patient space, that relative's (``PATIENT#<email hash>#<relative id>``): caps count per
    person, not per mailbox."""
    person = f"{email_hash(email)}#{relative_id}" if relative_id else email_hash(email)
    return {"PK": practitioner_pk(practitioner_id), "SK": f"PATIENT#{person}"}


def appointment_key(appointment_id: str) -> dict[str, str]:
    return {"PK": f"APPOINTMENT#{appointment_id}", "SK": APPOINTMENT}


def agenda_keys(practitioner_id: str, start: datetime, appointment_id: str) -> dict[str, str]:
    """GSI1 attributes that list a professional's appointments by start time (the back-office's agenda)."""
    return {"GSI1PK": practitioner_pk(practitioner_id), "GSI1SK": f"START#{utc_stamp(start)}#{appointment_id}"}


def agenda_range(start: datetime, end: datetime) -> tuple[str, str]:
    """GSI1SK bounds (inclusive) of the appointments starting in ``[start, end)``."""
    return f"START#{utc_stamp(start)}", f"START#{utc_stamp(end)[:-1]}!"


def holds_key(email: str) -> dict[str, str]:
    """The holds of one mailbox awaiting confirmation (its canonical form)."""
    return {"PK": f"EMAIL#{email_hash(email)}", "SK": HOLDS}


def network_hash(network: str) -> str:
    """A client's network (clientaddress.network) as it appears in keys and on a hold: never the address itself."""
    return digest(network)


def network_holds_key(network_hash: str) -> dict[str, str]:
    """The holds made from one network (an IPv4 address or an IPv6 /64) awaiting confirmation."""
    return {"PK": f"NETWORK#{network_hash}", "SK": HOLDS}


def proof_key(token_hash: str) -> dict[str, str]:
    """An e-mail proof, found by the SHA-256 of its token (the token is never stored)."""
    return {"PK": f"PROOF#{token_hash}", "SK": PROOF}


def proof_code_key(challenge_id: str) -> dict[str, str]:
    """The code sent to prove an e-mail address before holding a time (POST /v1/email-proofs)."""
    return {"PK": f"PROOFCODE#{challenge_id}", "SK": PROOF_CODE}


def idempotency_key(key: str) -> dict[str, str]:
    return {"PK": f"IDEMPOTENCY#{digest(key)}", "SK": IDEMPOTENCY}


def rate_key(scope: str, subject: str, window_start: int) -> dict[str, str]:
    return {"PK": f"RATE#{scope}#{digest(subject)}", "SK": f"WINDOW#{window_start}"}


# -- back-office -------------------------------------------------------------------------------------------------

AUDIT_PREFIX = "AT#"
FEED = "FEED"


def audit_stamp(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` in UTC: audit entries sort by the second they were written."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def audit_key(appointment_id: str, at: datetime, entry_id: str) -> dict[str, str]:
    """An audit entry under its appointment (a patient's request: every access to their appointment)."""
    return {"PK": f"AUDIT#{appointment_id}", "SK": f"{AUDIT_PREFIX}{audit_stamp(at)}#{entry_id}"}


def audit_index_keys(practitioner_id: str, at: datetime, entry_id: str) -> dict[str, str]:
    """GSI1 attributes that list the audit entries of one professional's agenda by time (the operator's query)."""
    return {
        "GSI1PK": f"AUDIT#{practitioner_pk(practitioner_id)}",
        "GSI1SK": f"{AUDIT_PREFIX}{audit_stamp(at)}#{entry_id}",
    }


def audit_partition(appointment_id: str) -> str:
    return f"AUDIT#{appointment_id}"


def audit_day(epoch: int) -> str:
    """``YYYY-MM-DD``: the UTC date of an appointment's start, which files the agenda's audit entries of that date."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d")


def audit_listing_partition(practitioner_id: str, day: str) -> str:
    """The agenda's audit entries (``list``) of one professional's appointments starting on one UTC date ``day``."""
    return f"AUDIT#{practitioner_pk(practitioner_id)}#ON#{day}"


def audit_listing_key(practitioner_id: str, day: str, at: datetime, entry_id: str) -> dict[str, str]:
    """One showing of the agenda, for the appointments of ``day`` it named (a patient's request reads the
    partition of their appointment's date, and of each date it was moved from)."""
    return {"PK": audit_listing_partition(practitioner_id, day), "SK": f"{AUDIT_PREFIX}{audit_stamp(at)}#{entry_id}"}


def audit_practitioner_partition(practitioner_id: str) -> str:
    return f"AUDIT#{practitioner_pk(practitioner_id)}"


def audit_range(start: datetime, end: datetime) -> tuple[str, str]:
    """Sort-key bounds (inclusive) of the audit entries written in ``[start, end)``."""
    return AUDIT_PREFIX + audit_stamp(start), AUDIT_PREFIX + audit_stamp(end)[:-1] + "!"


def feed_key(token_hash: str) -> dict[str, str]:
    """A calendar feed, found by the SHA-256 of its secret token (``digest(token)``; the token is never stored)."""
    return {"PK": f"FEED#{token_hash}", "SK": FEED}


def feed_pointer_key(practitioner_id: str) -> dict[str, str]:
    """Which feed a professional has now (its token's hash), so that a new one or a revocation ends the old."""
    return {"PK": practitioner_pk(practitioner_id), "SK": FEED}


# -- reminders (docs/data-model.md, patterns 26 to 30) ------------------------------------------------------------

REMINDERS = "REMINDERS"
REMINDER_SETTINGS = "REMINDER_SETTINGS"
REMINDER_SHARDS = 4  # a due hour's reminders spread over this many partitions (a whole day's can fall in one hour)


def _shard(appointment_id: str) -> int:
    return int(digest(appointment_id)[:8], 16) % REMINDER_SHARDS


def hour_stamp(moment: datetime) -> str:
    """``YYYY-MM-DDTHH`` in UTC: the time bucket of reminders and offers."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H")


def reminder_key(due: datetime, appointment_id: str, kind: str) -> dict[str, str]:
    """A planned reminder, in the partition of its due hour (and its appointment's shard), sorted by due time."""
    return {
        "PK": f"REMIND#{hour_stamp(due)}#{_shard(appointment_id)}",
        "SK": f"{audit_stamp(due)}#{appointment_id}#{kind}",
    }


def reminder_partitions(hour: datetime) -> list[str]:
    """Every partition of one due hour (a pass reads each with one Query)."""
    return [f"REMIND#{hour_stamp(hour)}#{shard}" for shard in range(REMINDER_SHARDS)]


def due_bound(now: datetime) -> str:
    """The sort-key bound (inclusive) of what is due at ``now``: ``~`` sorts after every id."""
    return audit_stamp(now) + "#~"


def reminder_plan_key(appointment_id: str) -> dict[str, str]:
    """An appointment's reminders: the patient's choices, what is planned, the link's token, the SMS code."""
    return {"PK": f"APPOINTMENT#{appointment_id}", "SK": REMINDERS}


def reminder_settings_key(practitioner_id: str) -> dict[str, str]:
    return {"PK": practitioner_pk(practitioner_id), "SK": REMINDER_SETTINGS}


PHONE_PREFIX = "PHONE#"


def email_partition(mailbox: str) -> str:
    """What is kept per mailbox (``mailbox``: an ``email_hash``): its holds, its waiting-list entries' count, its
    account's pointer, its proven mobile numbers."""
    return f"EMAIL#{mailbox}"


def phone_proof_key(email: str, phone: str) -> dict[str, str]:
    """That this e-mail's owner proved this mobile number (E.164) with a texted code."""
    return mailbox_phone_key(email_hash(email), digest(phone))


def mailbox_phone_key(mailbox: str, phone_digest: str) -> dict[str, str]:
    """A proven mobile number of a mailbox, by the number's digest (``digest`` of its E.164 form)."""
    return {"PK": email_partition(mailbox), "SK": PHONE_PREFIX + phone_digest}


# -- the waiting list (patterns 31 to 35) -------------------------------------------------------------------------

WAITLIST = "WAITLIST"
WAIT_PREFIX = "WAIT#"


def wait_request_key(request_id: str) -> dict[str, str]:
    """A request to join the waiting list, until its e-mailed code is entered."""
    return {"PK": f"WAITREQ#{request_id}", "SK": "WAITREQ"}


def wait_partition(practitioner_id: str) -> str:
    return f"WAIT#{practitioner_id}"


def wait_key(practitioner_id: str, position: int, entry_id: str) -> dict[str, str]:
    """A waiting patient, in the professional's queue by the millisecond their e-mail was proven (first come,
    first served): a Query of the partition reads the queue in order."""
    return {"PK": wait_partition(practitioner_id), "SK": f"AT#{position:015d}#{entry_id}"}


def waiting_mailbox_keys(mailbox: str, position: int, entry_id: str) -> dict[str, str]:
    """GSI2 attributes that list a waiting patient's entries under their mailbox, beside its appointments (which
    sort under ``START#``): what "my data", deleting the account and a new address find in one Query."""
    return {"GSI2PK": mailbox_partition(mailbox), "GSI2SK": f"{WAIT_PREFIX}{position:015d}#{entry_id}"}


def email_waitlist_key(email: str) -> dict[str, str]:
    """An e-mail's waiting-list entries (the cap) and its one open offer."""
    return mailbox_waitlist_key(email_hash(email))


def mailbox_waitlist_key(mailbox: str) -> dict[str, str]:
    return {"PK": email_partition(mailbox), "SK": WAITLIST}


def waiting_practice_key(practitioner_id: str) -> dict[str, str]:
    """One item per professional with patients waiting: what the scheduled pass reads first."""
    return {"PK": WAITLIST, "SK": practitioner_pk(practitioner_id)}


def lapse_key(until: datetime, appointment_id: str) -> dict[str, str]:
    """An offer's hold, in the partition of the hour it lapses, so that the pass finds lapsed offers by a Query."""
    return {"PK": f"LAPSE#{hour_stamp(until)}", "SK": f"{audit_stamp(until)}#{appointment_id}"}


def lapse_partition(hour: datetime) -> str:
    return f"LAPSE#{hour_stamp(hour)}"


# -- the patient space -------------------------------------------------------------------------------------------

ACCOUNT = "ACCOUNT"
CHALLENGE = "CHALLENGE"
PASSKEY_PREFIX = "PASSKEY#"
RELATIVE_PREFIX = "RELATIVE#"
SESSION_PREFIX = "SESSION#"
START_PREFIX = "START#"  # an appointment under its mailbox (GSI2); a waiting-list entry is under WAIT_PREFIX


def account_partition(account_id: str) -> str:
    """Everything of one patient account lives in this partition: the account, its passkeys, relatives and
    sessions (one Query reads them all, for "my data" and for deleting the account)."""
    return f"PATIENT#{account_id}"


def account_key(account_id: str) -> dict[str, str]:
    return {"PK": account_partition(account_id), "SK": ACCOUNT}


def account_email_key(mailbox: str) -> dict[str, str]:
    """Which account owns a mailbox (``mailbox``: an ``email_hash``): one account per canonical address."""
    return {"PK": email_partition(mailbox), "SK": ACCOUNT}


def passkey_key(account_id: str, credential_id: str) -> dict[str, str]:
    """A passkey of the account, by its WebAuthn credential id (base64url, as the browser gives it)."""
    return {"PK": account_partition(account_id), "SK": PASSKEY_PREFIX + credential_id}


def relative_key(account_id: str, relative_id: str) -> dict[str, str]:
    return {"PK": account_partition(account_id), "SK": RELATIVE_PREFIX + relative_id}


def session_key(account_id: str, secret_hash: str) -> dict[str, str]:
    """A signed-in session, by the SHA-256 of its cookie's secret (the secret is never stored)."""
    return {"PK": account_partition(account_id), "SK": SESSION_PREFIX + secret_hash}


def challenge_key(challenge_id: str) -> dict[str, str]:
    """A WebAuthn ceremony's challenge (registration or sign-in), spent by its answer."""
    return {"PK": f"CHALLENGE#{challenge_id}", "SK": CHALLENGE}


def mailbox_partition(mailbox: str) -> str:
    return f"MAILBOX#{mailbox}"


def mailbox_keys(mailbox: str, start: datetime, appointment_id: str) -> dict[str, str]:
    """GSI2 attributes that list every appointment booked with one mailbox (``mailbox``: an ``email_hash``), by
    start time, whatever the professional: the patient space's "my appointments", guest bookings included."""
    return {"GSI2PK": mailbox_partition(mailbox), "GSI2SK": f"{START_PREFIX}{utc_stamp(start)}#{appointment_id}"}
