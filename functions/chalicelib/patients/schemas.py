"""Requests of the patient space's routes (its answers live with their types: account.py, sessions.py...)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from ..core.schemas import Email, Language, Name, Phone, Reply, Request

Code = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]


class SignInCodeRequest(Request):
    """Body of ``POST /v1/me/sign-in/code``."""

    email: Email
    language: Language = "fr"


class SignInConfirm(Request):
    """Body of ``POST /v1/me/sign-in/code/{proof_id}``: the address again and the e-mailed code."""

    email: Email
    code: Code = Field(description="The 6-digit code from the e-mail.")
    language: Language = "fr"


class DetailsIn(Request):
    """Body of ``PUT /v1/me/details``: the details that prefill the booking form (null forgets one)."""

    given_name: Name | None = None
    family_name: Name | None = None
    phone: Phone | None = None
    language: Language = "fr"


class EmailChangeConfirm(Request):
    """Body of ``POST /v1/me/email/{proof_id}``: the new address again and the code e-mailed to it."""

    email: Email
    code: Code = Field(description="The 6-digit code e-mailed to the new address.")


class SessionsEnded(Reply):
    sessions_ended: int = Field(description="How many sessions ended (this browser's, or every one).")
