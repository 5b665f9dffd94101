"""An e-mail address a patient or a practice types: whether the mailer can use it, the form it is sent in, and the
mailbox it stands for when caps and limits count.

Three forms, each for one purpose:

- **as typed** (trimmed): what is stored on the appointment, shown to the patient and the practice, and mailed.
- **for sending**: the same address with an internationalised domain in its ASCII form (``xn--``), which Amazon SES
  requires; the mailbox is the same.
- **canonical**: the mailbox behind the address, for caps and rate limits only (docs/security.md): lower case, a
  ``+tag`` dropped (``name+1@`` and ``name@`` reach one mailbox at most providers), dots dropped for Gmail, whose
  mailboxes ignore them. It is never shown or mailed.

The syntax check is email-validator's (syntax only, no DNS): a route that takes an address refuses, with a 422
naming the field, what the mailer could not use: commas, semicolons, quotes, control characters, a local part in
non-ASCII letters (SES does not speak SMTPUTF8), a domain without a dot or a reserved one.
"""

from __future__ import annotations

GMAIL = {"gmail.com", "googlemail.com"}


def checked(value: str) -> str:
    """``value`` trimmed, if email-validator finds it usable; ValueError with its reason otherwise."""
    from email_validator import EmailNotValidError, validate_email  # loaded by the routes that take an address

    address = value.strip()
    try:
        validate_email(address, check_deliverability=False, allow_smtputf8=False, allow_quoted_local=False)
    except EmailNotValidError as err:
        raise ValueError(str(err).rstrip(".")) from None
    return address


def for_sending(address: str) -> str:
    """The address as SES takes it: the domain in ASCII (IDNA), the local part as typed."""
    local, _, domain = address.strip().rpartition("@")
    if not local or domain.isascii():
        return address.strip()
    return f"{local}@{_ascii_domain(domain)}"


def canonical(address: str) -> str:
    """The mailbox ``address`` stands for, for caps and limits only: ``Louise.Rossi+rdv@GMail.com`` and
    ``louiserossi@gmail.com`` are one."""
    local, _, domain = address.strip().lower().rpartition("@")
    if not local:
        return address.strip().lower()
    domain = _ascii_domain(domain)
    local = local.split("+", 1)[0] or local
    if domain in GMAIL:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def _ascii_domain(domain: str) -> str:
    if domain.isascii():
        return domain.lower()
    import idna

    try:
        return str(idna.encode(domain, uts46=True).decode("ascii"))
    except idna.IDNAError:
        return domain.lower()
