"""Requests and responses of the reminder routes (the patient's choices on the manage page; the practice's
settings are in backoffice/schemas.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from ..core.schemas import Reply, Request


class ReminderChoices(Request):
    email: bool = Field(description="Reminders by e-mail for this appointment.")
    sms: bool = Field(description="Reminders by text too, once the mobile number is proven.")


class SmsProof(Request):
    code: Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")] = Field(description="The 6-digit texted code.")


class ReminderPlanned(Reply):
    kind: Literal["day_before", "hours_before", "catch_up"] | str
    at: datetime = Field(description="When it goes out, on the site's clock.")


class RemindersView(Reply):
    email: bool
    sms: bool = Field(description="Texts are on: the number is proven, and the practice and the portal send texts.")
    sms_possible: bool = Field(description="Texts could be turned on: a mobile number, texts sent here.")
    phone_proven: bool
    phone: str | None = Field(description="The mobile number, mostly masked.")
    planned: list[ReminderPlanned]


class SmsCodeSent(Reply):
    status: Literal["sent"]
