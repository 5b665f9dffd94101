"""Every identifier the API takes from a client, and its pattern, written here once.

The request schemas, the OpenAPI document, the checks before an id becomes a key, and the back-office's grants all
use these. An id from a URL is checked before it becomes a key: DynamoDB refuses keys over 2 KB with a 400 of its
own, and an id that cannot exist needs no read to be unknown.

``tests/functions/core/test_ids.py`` checks the directory's ids against the data files' JSON Schema
(``content/directory/schema/``): every id a data file may hold is accepted here. The published practitioner pattern
also accepts one-character ids, which the data files never hold: such a request is answered like any unknown id.
"""

from __future__ import annotations

import re

CODE = r"^[a-z0-9][a-z0-9-]{0,62}$"
"""A directory code: a practice site, a visit reason (``$defs/code`` of the data files' schema)."""
PRACTITIONER_ID = CODE
"""A professional, as the API has always published it: a code (the data files give each at least two characters)."""
APPOINTMENT_ID = r"^[0-9a-f]{20}$"
"""An appointment: 20 random hex digits (``tokens.new_appointment_id``), so an id alone reveals nothing."""
PROOF_CODE_ID = APPOINTMENT_ID
"""A request for an e-mail proof (``POST /v1/email-proofs``): 20 random hex digits, like an appointment's."""
IDEMPOTENCY_KEY = r"^[A-Za-z0-9_.:-]{8,128}$"
"""The ``Idempotency-Key`` header of a booking attempt, the client's own random value."""
FEED_NAME = r"^[A-Za-z0-9_-]{43}\.ics$"
"""A calendar feed's file name: its secret token (256 random bits, URL-safe base64) and ``.ics``."""
RELATIVE_ID = APPOINTMENT_ID
"""A relative of a patient account (20 random hex digits)."""
CHALLENGE_ID = APPOINTMENT_ID
"""A WebAuthn ceremony's challenge, or an e-mailed sign-in code (20 random hex digits)."""
CREDENTIAL_ID = r"^[A-Za-z0-9_-]{16,1366}$"
"""A passkey's WebAuthn credential id as the browser gives it: base64url without padding (16 to 1023 bytes)."""

_PRACTITIONER_ID = re.compile(PRACTITIONER_ID)
_APPOINTMENT_ID = re.compile(APPOINTMENT_ID)
_IDEMPOTENCY_KEY = re.compile(IDEMPOTENCY_KEY)
_FEED_NAME = re.compile(FEED_NAME)
_CREDENTIAL_ID = re.compile(CREDENTIAL_ID)


def is_practitioner_id(value: str) -> bool:
    return _PRACTITIONER_ID.fullmatch(value) is not None


def is_appointment_id(value: str) -> bool:
    return _APPOINTMENT_ID.fullmatch(value) is not None


def is_credential_id(value: str) -> bool:
    return _CREDENTIAL_ID.fullmatch(value) is not None


def is_idempotency_key(value: str) -> bool:
    return _IDEMPOTENCY_KEY.fullmatch(value) is not None


def feed_token(name: str) -> str | None:
    """The secret token of a feed file name ``<token>.ics``; None for anything else."""
    return name.removesuffix(".ics") if _FEED_NAME.fullmatch(name) else None
