"""Text messages to patients: appointment reminders, waiting-list offers and the code that proves a mobile number.

Sent with Amazon SNS ``Publish`` to a phone number (transactional, with the operator's sender name where the
country allows one); locally the same call reaches moto's SNS, and the local outbox lists the messages beside the
e-mails. A stage sends none unless ``SMS_ENABLED`` is set (core/config.py). Numbers are read with phonenumbers
(Google's libphonenumber): a number without an international prefix is read in the territory's numbering plan,
and only a mobile number gets a text. Like the mailer, a failed send never raises: it returns False and logs the
kind and the appointment, never the number or the text.
"""

from __future__ import annotations

import logging
from typing import Any

import phonenumbers
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

logger = logging.getLogger(__name__)

SNS_CONFIG = Config(connect_timeout=2, read_timeout=4, retries={"max_attempts": 2, "mode": "standard"})
MAX_LENGTH = 612  # four concatenated GSM-7 parts: a reminder with its link fits, a runaway text does not
MOBILE_TYPES = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def _parse(phone: str | None, region: str) -> Any | None:
    if not phone:
        return None
    try:
        number = phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def e164(phone: str | None, region: str) -> str | None:
    """The number in E.164 (``+37793000000``), for ``tel:`` links and SMS; None if it is not a valid number."""
    number = _parse(phone, region)
    return None if number is None else phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mobile_e164(phone: str | None, region: str) -> str | None:
    """The number in E.164 if it is a mobile one (a text can reach it); None otherwise."""
    number = _parse(phone, region)
    if number is None or phonenumbers.number_type(number) not in MOBILE_TYPES:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def make_sns_client() -> Any:
    """An SNS client with short timeouts, at the endpoint the environment names (AWS unless overridden)."""
    import boto3

    return boto3.client("sns", config=SNS_CONFIG)


class Texter:
    """Sends texts through the SNS client it is given, under ``sender_id`` where the destination allows it."""

    def __init__(self, sns_client: Any, sender_id: str) -> None:
        self.sns = sns_client
        self.sender_id = sender_id

    def send(self, to: str, text: str, kind: str, reference: str) -> bool:
        """Send ``text`` to the E.164 number ``to``; whether SNS accepted it. ``kind`` and ``reference`` (an
        appointment or waiting-list id) are what the log line names."""
        if not to.startswith("+"):
            raise ValueError("an SMS goes to an E.164 number")
        attributes = {
            "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"},
            "AWS.SNS.SMS.SenderID": {"DataType": "String", "StringValue": self.sender_id[:11]},
        }
        try:
            self.sns.publish(PhoneNumber=to, Message=text[:MAX_LENGTH], MessageAttributes=attributes)
        except (ClientError, BotoCoreError) as err:
            reason = err.response.get("Error", {}).get("Code") if isinstance(err, ClientError) else type(err).__name__
            logger.error("SMS not sent: %s for %s (%s)", kind, reference, reason)
            return False
        logger.info("SMS sent: %s for %s", kind, reference)
        return True
