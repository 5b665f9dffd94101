"""Secrets a patient holds: appointment ids, one-time codes, manage tokens and e-mail proofs. Only their hashes
are stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets

CODE_DIGITS = 6
TOKEN_BYTES = 32  # 256 random bits; the manage token is a capability, so at least 128 bits


def new_appointment_id() -> str:
    """20 random hex digits: unguessable, so an id alone reveals nothing (the token is still required)."""
    return secrets.token_hex(10)


def new_code() -> str:
    """A 6-digit one-time code, leading zeros kept."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def new_proof_token() -> str:
    """An e-mail proof's token (core/proof.py): 256 random bits, URL-safe."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_manage_token() -> str:
    """A URL-safe manage token of 256 random bits."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def code_hash(appointment_id: str, code: str) -> str:
    """What is stored for a code: bound to its appointment, so one hash says nothing about another hold's code."""
    return hashlib.sha256(f"{appointment_id}:{code}".encode()).hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_hash(stored: object, candidate: str) -> bool:
    """Constant-time comparison of a stored hash with a candidate's (False when nothing is stored)."""
    if not isinstance(stored, str):
        return False
    return hmac.compare_digest(stored.encode("ascii", "replace"), candidate.encode("ascii", "replace"))
