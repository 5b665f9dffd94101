"""The patient space in real Chromium, with a virtual authenticator of the DevTools protocol (a real WebAuthn
ceremony, not a mock): sign up with an e-mailed code, the guest booking made earlier is there, add a passkey, sign
out, sign in with the passkey, move and cancel from the list, sign out everywhere.

WebAuthn needs a domain for its relying party: the page is opened on ``localhost`` (the local portal listens on
127.0.0.1, which ``localhost`` reaches), the relying party id of a site served on an address.
"""

from __future__ import annotations

import time
from typing import Any

from tests.e2e.journey import assert_accessible, email, practitioner, reason_of, settled, shoot, unexpected
from tests.e2e.portal import Portal


def virtual_authenticator(page: Any) -> tuple[Any, str]:
    """A platform authenticator with user verification and resident keys, as a phone's or laptop's is."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    answer = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, answer["authenticatorId"]


def test_sign_up_add_a_passkey_sign_in_with_it_and_manage_appointments(
    portal: Portal, browser_page: tuple[Any, Any]
) -> None:
    page, console = browser_page
    p = practitioner(31)
    reason = reason_of(p)
    address = email("space")
    booked = portal.book(p["id"], reason["id"], address, "fr")  # a guest booking, before any account
    base = portal.url.replace("127.0.0.1", "localhost")
    cdp, authenticator = virtual_authenticator(page)

    page.goto(f"{base}/fr/me/")
    page.locator("[data-view=signed-out]").wait_for()
    assert page.locator('meta[name="robots"]').get_attribute("content") == "noindex"
    assert_accessible(page, "space: signed out")
    shoot(page, "40-space-sign-in")

    page.get_by_label("Adresse e-mail").fill(address)
    page.get_by_role("button", name="Envoyez-moi un code").click()
    page.get_by_label("Code à 6 chiffres").wait_for()
    page.get_by_label("Code à 6 chiffres").fill(portal.code(address, "fr"))
    page.get_by_role("button", name="Se connecter", exact=True).click()
    page.locator("[data-view=signed-in]").wait_for()
    item = page.locator(f"[data-list=upcoming] [data-appointment='{booked['id']}']")
    item.wait_for()  # the guest booking joined the account
    assert page.locator("[data-who]").inner_text() == f"Connecté avec {address}."
    [cookie] = [c for c in page.context.cookies() if c["name"] == "portal_session"]
    assert (cookie["httpOnly"], cookie["secure"], cookie["sameSite"], cookie["path"]) == (True, True, "Strict", "/api/")
    assert page.evaluate("document.cookie") == ""  # no script can read it

    page.get_by_role("button", name="Ajouter une clé d'accès sur cet appareil").click()
    page.get_by_text("Clé d'accès ajoutée. La prochaine fois").wait_for()
    assert page.locator("[data-list=passkeys] li").count() == 1
    [credential] = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    assert credential["isResidentCredential"] and credential["rpId"] == "localhost"
    settled(page)
    assert_accessible(page, "space: signed in")
    shoot(page, "41-space-appointments")

    page.get_by_role("button", name="Se déconnecter", exact=True).click()
    page.locator("[data-view=signed-out]").wait_for()
    page.get_by_text("Vous êtes déconnecté.").wait_for()

    started = time.monotonic()
    page.get_by_role("button", name="Se connecter avec une clé d'accès").click()
    item.wait_for()
    signed_in_seconds = time.monotonic() - started
    assert signed_in_seconds < 10  # the benchmark (bench/) measures it; this only guards against a hang
    used = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"][0]
    assert used["signCount"] > credential["signCount"]

    # move from the list
    item.get_by_role("button", name="Déplacer").click()
    move = page.locator("[data-box=move]")
    move.locator("[data-days] .slot").first.wait_for()
    settled(page)
    target = move.locator("[data-days] .slot").nth(1)
    new_start = target.get_attribute("data-start")
    target.click()
    move.get_by_role("button", name="Déplacer le rendez-vous").click()
    page.get_by_text("Votre rendez-vous a été déplacé").wait_for()
    free = portal.free_starts(p["id"], reason["id"], booked["start"][:10], days=7)
    assert booked["start"] in free and new_start not in free
    portal.mail(address, "Rendez-vous déplacé")

    # cancel from the list
    item.get_by_role("button", name="Annuler").click()
    box = page.locator("[data-box=cancel]")
    box.get_by_role("button", name="Oui, l'annuler").click()
    page.locator(f"[data-list=past] [data-appointment='{booked['id']}']").wait_for()
    assert page.locator("[data-empty=upcoming]").is_visible()
    portal.mail(address, "Rendez-vous annulé")
    shoot(page, "42-space-cancelled")

    page.get_by_role("button", name="Se déconnecter sur tous les appareils").click()
    page.get_by_text("Vous êtes déconnecté sur tous les appareils.").wait_for()
    page.reload()
    page.locator("[data-view=signed-out]").wait_for()
    assert unexpected(console.errors) == []


def test_without_javascript_the_space_says_what_needs_it(portal: Portal, chromium: Any) -> None:
    context = chromium.new_context(viewport={"width": 375, "height": 812}, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{portal.url}/en/me/")
        assert "Your space needs JavaScript" in page.locator("noscript").first.inner_text()
        assert page.locator("[data-view=signed-out]").is_hidden()
    finally:
        context.close()
