"""The patient space in real Chromium, with a virtual authenticator of the DevTools protocol (a real WebAuthn
ceremony, not a mock): sign up with an e-mailed code, the guest booking made earlier is there, add a passkey, sign
out, sign in with the passkey, move and cancel from the list, sign out everywhere.

WebAuthn needs a domain for its relying party: the page is opened on ``localhost`` (the local portal listens on
127.0.0.1, which ``localhost`` reaches), the relying party id of a site served on an address.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.e2e.journey import (
    assert_accessible,
    choose_existing_patient,
    email,
    focused,
    open_widget,
    practitioner,
    reason_of,
    settled,
    shoot,
    tab_to,
    unexpected,
)
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

    page.get_by_label("Adresse e-mail", exact=True).fill(address)
    page.get_by_role("button", name="Envoyez-moi un code").click()
    page.locator("[data-form=code]").get_by_label("Code à 6 chiffres").wait_for()
    page.locator("[data-form=code]").get_by_label("Code à 6 chiffres").fill(portal.code(address, "fr"))
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

    # my details, and a child I book for
    page.get_by_label("Prénom").first.fill("Louise")
    page.get_by_label("Nom de famille").first.fill("Rossi")
    page.get_by_role("button", name="Enregistrer mes coordonnées").click()
    page.get_by_text("Vos coordonnées sont enregistrées.").wait_for()
    # a new address is proven first; then the account and its appointments follow it
    new_address = email("space-new")
    change = page.locator("[data-form=new-email]")
    change.get_by_label("Nouvelle adresse e-mail").fill(new_address)
    change.get_by_role("button", name="Changer mon adresse e-mail").click()
    change.get_by_label("Code à 6 chiffres").fill(portal.code(new_address, "fr"))
    change.get_by_role("button", name="Changer mon adresse e-mail").click()
    page.get_by_text(f"Votre adresse e-mail est désormais {new_address}.").wait_for()
    # the upcoming guest booking's later e-mails go to the new address, and none to the old one
    old_address, address = address, new_address
    relative = page.locator("[data-form=relative]")
    relative.get_by_label("Prénom").fill("Léa")
    relative.get_by_label("Nom de famille").fill("Rossi")
    relative.get_by_label("Date de naissance").fill("2019-05-04")
    relative.get_by_label("Lien").select_option("child")
    relative.get_by_role("button", name="Ajouter").click()
    page.locator("[data-list=relatives] li", has_text="Léa Rossi").wait_for()
    assert "née le 4 mai 2019" in page.locator("[data-list=relatives]").inner_text().replace("(e)", "e")
    assert_accessible(page, "space: relatives")
    shoot(page, "43-space-relatives")

    # book for the child: the widget knows who is signed in, fills in my details, asks for whom, needs no code
    child_practitioner = practitioner(32)
    open_widget(page, base, child_practitioner, "fr")
    choose_existing_patient(page)
    page.locator("[data-days] .slot").first.click()
    details = page.locator("form[data-details]")
    assert details.locator("#bw-email").input_value() == address
    assert details.locator("#bw-given-name").input_value() == "Louise"
    details.get_by_label("Léa Rossi").check()
    assert_accessible(page, "widget: for whom")
    shoot(page, "44-widget-for-whom")
    codes = len([m for m in portal.outbox() if address in m["recipients"]])
    details.get_by_role("button", name="Réserver cet horaire").click()
    page.locator("[data-step=done] h3").wait_for()
    assert page.locator("[data-step=code]").is_hidden()
    confirmation = portal.mail(address, "Rendez-vous confirmé")
    assert len([m for m in portal.outbox() if address in m["recipients"]]) == codes + 1  # no code e-mail
    assert "Léa Rossi" in confirmation["text"]
    page.goto(f"{base}/fr/me/")
    child_item = page.locator("[data-list=upcoming] li", has_text="pour Léa Rossi")
    child_item.wait_for()
    assert page.locator("[data-list=upcoming] li").count() == 2

    # moving the child's appointment, then mine: the week buttons then ask for my practice's free times alone
    move = page.locator("[data-box=move]")
    picker_idle = "() => !document.querySelector('[data-box=move] [data-slot-picker]').hasAttribute('aria-busy')"
    child_item.get_by_role("button", name="Déplacer").click()
    move.locator("[data-days] .slot").first.wait_for()
    move.locator("[data-close]").click()
    item.get_by_role("button", name="Déplacer").click()
    move.locator("[data-days] .slot").first.wait_for()
    settled(page)
    asked: list[str] = []

    def slots_asked(request: Any) -> None:
        if "/slots?" in request.url:
            asked.append(request.url)

    page.on("request", slots_asked)
    for step in ("[data-next]", "[data-prev]"):
        move.locator(step).click()
        page.wait_for_function(picker_idle)
    settled(page)
    page.remove_listener("request", slots_asked)
    assert len(asked) == 2 and all(f"/practitioners/{p['id']}/slots?" in url for url in asked), asked

    # move from the list
    move.locator("[data-days] .slot").first.wait_for()
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
    assert page.locator("[data-list=upcoming] li").count() == 1  # the child's is still to come
    portal.mail(address, "Rendez-vous annulé")
    to_old = [m["subject"] for m in portal.outbox() if old_address in m["recipients"]]
    assert not [s for s in to_old if "déplacé" in s or "annulé" in s], to_old
    shoot(page, "42-space-cancelled")

    # my data, then deleting the account
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger mes données").click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["account"]["email"] == address
    assert [r["given_name"] for r in data["relatives"]] == ["Léa"]
    assert {a["id"] for a in data["appointments"]} >= {booked["id"]}
    assert len(data["passkeys"]) == 1 and "public_key" not in json.dumps(data)
    assert data["waiting_lists"] == [] and data["proven_phones"] == []  # none joined, none proven here
    page.get_by_role("button", name="Supprimer mon compte").first.click()
    confirm = page.locator("[data-box=delete]")
    confirm.get_by_label("Pour confirmer, saisissez votre adresse e-mail").fill("someone@example.org")
    confirm.get_by_role("button", name="Supprimer mon compte").click()
    confirm.get_by_text("Ce n'est pas l'adresse e-mail de ce compte.").wait_for()
    assert_accessible(page, "space: delete confirmation")
    shoot(page, "45-space-delete")
    confirm.get_by_label("Pour confirmer, saisissez votre adresse e-mail").fill(address)
    confirm.get_by_role("button", name="Supprimer mon compte").click()
    page.get_by_text("Votre compte est supprimé. Rendez-vous à venir annulés : 1.").wait_for()
    portal.mail(address, "Rendez-vous annulé")  # the child's appointment, cancelled with the usual e-mail
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


def test_in_english_with_the_keyboard_alone(portal: Portal, browser_page: tuple[Any, Any]) -> None:
    page, console = browser_page
    address = email("keys")
    page.goto(f"{portal.url}/en/me/")
    page.locator("[data-view=signed-out]").wait_for()
    tab_to(page, "#me-email")
    page.keyboard.type(address)
    page.keyboard.press("Enter")
    page.locator("#me-code").wait_for()
    assert focused(page, "#me-code")  # the focus goes to the code
    page.keyboard.type(portal.code(address, "en"))
    page.keyboard.press("Enter")
    page.locator("[data-view=signed-in]").wait_for()
    expect(page.locator("#upcoming-title")).to_be_focused()  # once the space has loaded
    assert page.locator("[data-empty=upcoming]").inner_text() == "No upcoming appointment."
    tab_to(page, "#rel-given")
    page.keyboard.type("Léa")
    page.keyboard.press("Tab")
    page.keyboard.type("Rossi")
    page.keyboard.press("Enter")  # the date of birth is missing: said next to it, and the focus goes there
    assert focused(page, "#rel-birth")
    assert page.locator("#rel-birth-error").inner_text() == "This field is required."
    assert_accessible(page, "space in English, a relative's error")
    tab_to(page, "[data-action=sign-out]")
    page.keyboard.press("Enter")
    page.get_by_text("You are signed out.").wait_for()
    assert unexpected(console.errors) == []
