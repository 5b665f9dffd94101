"""Settings, read from the environment in this one place (Chalice stages set them; see .chalice/config.json).

The AWS endpoint is not a setting of ours: boto3 reads ``AWS_ENDPOINT_URL`` itself, so the local portal and the
tests point the same code at the local endpoint and production leaves it unset.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

from .retention import DEFAULT_APPOINTMENT_DAYS, DEFAULT_AUDIT_DAYS


@dataclass(frozen=True)
class Settings:
    stage: str
    table_name: str
    mail_from: str
    site_url: str
    # Back-office sign-in (Cognito). The JWKS URL is derived from the pool's issuer unless set (local endpoint only).
    user_pool_id: str
    user_pool_client_id: str
    jwks_url: str
    totp_issuer: str
    # Multiplies the booking API's rate limits (core/ratelimit.py). 1 in every deployed stage; the booking
    # benchmark raises it because all its requests come from one address.
    rate_limit_factor: float = 1.0
    # The slot feed (chalicelib/slotfeed): the site's bucket it writes into (set by the stack for its function
    # only), the language of its texts and links, and the territory's ISO 3166 code.
    site_bucket: str = ""
    site_language: str = "fr"
    territory: str = "MC"
    # What patients see in the From of every e-mail, beside the address (the operator's brand).
    mail_from_name: str = "MonacoSanté"
    # SMS (reminders, waiting-list offers): off unless the stage enables it; numbers without an international
    # prefix are read in this territory's numbering plan (ISO 3166 code); the sender name shown where allowed.
    sms_enabled: bool = False
    phone_region: str = "MC"
    sms_sender_id: str = "MonacoSante"
    # The retention policy (core/retention.py): days an appointment is kept after its end, and an audit entry after
    # it was written. Every stage sets both in .chalice/config.json; the privacy notice says the same.
    retention_days: int = DEFAULT_APPOINTMENT_DAYS
    audit_retention_days: int = DEFAULT_AUDIT_DAYS


@lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings(
        stage=os.environ.get("PORTAL_STAGE", "dev"),
        table_name=os.environ.get("TABLE_NAME", "portal-dev"),
        mail_from=os.environ.get("MAIL_FROM", "rendez-vous@sante.example.mc"),
        site_url=os.environ.get("SITE_URL", "http://127.0.0.1:8000"),
        user_pool_id=os.environ.get("USER_POOL_ID", ""),
        user_pool_client_id=os.environ.get("USER_POOL_CLIENT_ID", ""),
        jwks_url=os.environ.get("COGNITO_JWKS_URL", ""),
        totp_issuer=os.environ.get("TOTP_ISSUER", "MonacoSanté"),
        rate_limit_factor=float(os.environ.get("RATE_LIMIT_FACTOR", "1")),
        site_bucket=os.environ.get("SITE_BUCKET", ""),
        site_language=os.environ.get("SITE_LANGUAGE", "fr"),
        territory=os.environ.get("TERRITORY_COUNTRY", "MC"),
        mail_from_name=os.environ.get("MAIL_FROM_NAME", "MonacoSanté"),
        sms_enabled=os.environ.get("SMS_ENABLED", "").lower() in ("1", "true", "yes"),
        phone_region=os.environ.get("PHONE_REGION", "MC"),
        sms_sender_id=os.environ.get("SMS_SENDER_ID", "MonacoSante"),
        retention_days=_days("RETENTION_DAYS", DEFAULT_APPOINTMENT_DAYS),
        audit_retention_days=_days("AUDIT_RETENTION_DAYS", DEFAULT_AUDIT_DAYS),
    )


def _days(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if not value:
        return default
    if not value.isdigit():
        raise ValueError(f"{name} must be a whole number of days, not {value!r}")
    return int(value)
