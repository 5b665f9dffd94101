"""E-mail addresses: what the mailer can use (email-validator, syntax only), the form SES takes, and the mailbox caps
and limits count."""

from __future__ import annotations

import pytest

from chalicelib.core.emailaddress import canonical, checked, for_sending


@pytest.mark.parametrize(
    ("typed", "mailbox"),
    [
        ("louise@example.org", "louise@example.org"),
        (" Louise@Example.ORG ", "louise@example.org"),
        ("louise+rdv@example.org", "louise@example.org"),
        ("louise+a+b@example.org", "louise@example.org"),
        ("Louise.Rossi+1@GMail.com", "louiserossi@gmail.com"),  # Gmail ignores dots
        ("louise.rossi@googlemail.com", "louiserossi@gmail.com"),
        ("louise.rossi@example.org", "louise.rossi@example.org"),  # elsewhere a dot is part of the name
        ("louise@exämple.org", "louise@xn--exmple-cua.org"),  # one domain, however it is written
        ("louise@xn--exmple-cua.org", "louise@xn--exmple-cua.org"),
        ("+x@example.org", "+x@example.org"),  # nothing before the tag: the whole name
    ],
)
def test_the_canonical_mailbox(typed: str, mailbox: str) -> None:
    assert canonical(typed) == mailbox


def test_the_address_is_sent_as_typed_but_for_an_idn_domain() -> None:
    assert for_sending("Louise.Rossi+rdv@Example.org") == "Louise.Rossi+rdv@Example.org"
    assert for_sending("louise@exämple.org") == "louise@xn--exmple-cua.org"


@pytest.mark.parametrize(
    "address",
    ["a,b@example.org", "a;b@example.org", "a\x00@example.org", "a\r@example.org", "é@example.org", "a@b", "a@b.test"],
)
def test_addresses_the_mailer_cannot_use_are_refused_with_a_reason(address: str) -> None:
    with pytest.raises(ValueError, match=r"\S") as refused:
        checked(address)
    assert not str(refused.value).endswith(".")  # web.py adds the full stop


def test_a_usable_address_comes_back_trimmed_and_as_typed() -> None:
    assert checked("  Louise.Rossi+rdv@Example.org ") == "Louise.Rossi+rdv@Example.org"
