"""The professionals' back-office in real Chromium, on the local portal (site, API workers, local AWS endpoint).

The operator invites a professional of the demo directory (one no other browser test books), who signs in for the
first time: temporary password, new password, authenticator enrolment (the key shown as text and as an otpauth
link; each code is computed from that key as an authenticator app does, and the local endpoint checks it), then
the agenda. Then: opening hours changed, seen in the preview and saved; a patient's booking through the patient
API appears in the agenda, is cancelled from the back-office (the patient is e-mailed) and its time is free again.
A front desk's account (desk:<id>) signs in to the agenda and is offered no settings.
axe-core finds no violation on any back-office page, in French and in English.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import boto3
import pytest
import zxingcpp
from axe_playwright_python.sync_playwright import Axe
from PIL import Image
from playwright.sync_api import expect

from local.cognito import DEMO_PASSWORD, DemoAccount, configure_pool
from plugins.directory.model import load_directory
from tests.e2e.journey import shoot
from tests.functions.backoffice.test_signin import totp
from tests.site.sitebuild import ROOT

NEW_PASSWORD = "Agenda-Monaco-2027!"
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
FRENCH_DAYS = dict(
    zip(WEEKDAYS, ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"], strict=True)
)
ENGLISH_DAYS = dict(
    zip(WEEKDAYS, ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"], strict=True)
)
AXE = Axe()
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


def _professional() -> dict[str, Any]:
    """A professional who books online at one site with a reason open to existing patients and a day with no
    opening, far down the directory (the patient-journey tests book the first ones)."""
    candidates = [
        p
        for p in load_directory(ROOT / "content" / "directory").practitioners
        if p["online_booking"]
        and len(p["sites"]) == 1
        and p["booking_rules"]["min_notice_minutes"] <= 1440
        and p["booking_rules"]["horizon_days"] >= 14
        and any(r["online"] and r["existing_patients"] for r in p["visit_reasons"])
        and {d for h in p["sites"][0]["hours"] for d in h["days"]} != set(WEEKDAYS)
    ]
    return candidates[len(candidates) // 2]


PRO = _professional()
REASON = next(r for r in PRO["visit_reasons"] if r["online"] and r["existing_patients"])
CLOSED_DAY = next(d for d in reversed(WEEKDAYS) if d not in {d for h in PRO["sites"][0]["hours"] for d in h["days"]})
ZONE = ZoneInfo(PRO["sites"][0]["timezone"])


def assert_accessible(page: Any, step: str) -> None:
    """axe-core finds no violation; a screenshot of the step goes to tests/e2e/screenshots/ (not versioned)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    name = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
    page.screenshot(path=SCREENSHOTS / f"pro-{name}.png", full_page=True)
    violations = AXE.run(page).response["violations"]
    summary = [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in violations]
    assert violations == [], f"{step}: {json.dumps(summary, indent=1)}"


def first_sign_in(page: Any, portal_url: str, email: str) -> None:
    """An invited account's first sign-in, in French: temporary password, a new one, the authenticator enrolment
    (the code computed from the key the page shows), then the agenda."""
    page.goto(f"{portal_url}/fr/pro/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_label("Nouveau mot de passe", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nouveau mot de passe, à nouveau").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(page.get_by_role("heading", name="Ajouter une application d'authentification")).to_be_visible()
    expect(page.locator("[data-secret]")).not_to_be_empty()
    page.locator("#signin-setup-code").fill(totp(page.locator("[data-secret]").inner_text().replace(" ", "")))
    page.get_by_role("button", name="Confirmer l'application").click()
    page.wait_for_url("**/fr/pro/agenda/")


def decode_qr(png: bytes) -> str:
    """The text of the one QR code in a screenshot (zxing-cpp, as a phone's camera decodes it)."""
    [found] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert found.format == zxingcpp.BarcodeFormat.QRCode
    return str(found.text)


def script_errors(errors: list[str]) -> list[str]:
    """Console errors but the browser's line for an HTTP error answer the page handled (a refused code)."""
    return [e for e in errors if not e.startswith("Failed to load resource: the server responded with a status of 4")]


@pytest.fixture(scope="module")
def invited(portal: Any) -> str:
    """The operator invites the professional: an account in the local pool, temporary password, own group."""
    cognito = boto3.client("cognito-idp", endpoint_url=portal.endpoint)
    account = DemoAccount(f"{PRO['id']}@demo.sante.example.mc", own=PRO["id"])
    configure_pool(cognito, accounts=(account,))
    return account.email


@pytest.fixture(scope="module")
def enrolled(chromium: Any, portal: Any, invited: str) -> Iterator[tuple[Any, list[str], str]]:
    """One tab through the whole first sign-in (checked on the way), left signed in for the module's tests; with the
    console's errors and the authenticator key the enrolment showed (what the person's app keeps)."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        response = page.goto(f"{portal.url}/fr/pro/")
        assert response.headers["content-security-policy"].startswith("default-src 'self'")
        assert page.locator('meta[name="robots"]').get_attribute("content") == "noindex, nofollow"
        assert_accessible(page, "sign-in: password")
        page.get_by_label("Adresse e-mail").fill(invited)
        page.get_by_label("Mot de passe", exact=True).fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Se connecter").click()

        expect(page.get_by_role("heading", name="Choisissez votre mot de passe")).to_be_visible()
        assert_accessible(page, "sign-in: new password")
        page.get_by_label("Nouveau mot de passe", exact=True).fill("trop-court")
        page.get_by_label("Nouveau mot de passe, à nouveau").fill("trop-court")
        page.get_by_role("button", name="Enregistrer le mot de passe").click()
        expect(page.get_by_role("alert")).to_contain_text("au moins 12 caractères")
        page.get_by_label("Nouveau mot de passe", exact=True).fill(NEW_PASSWORD)
        page.get_by_label("Nouveau mot de passe, à nouveau").fill(NEW_PASSWORD)
        page.get_by_role("button", name="Enregistrer le mot de passe").click()

        expect(page.get_by_role("heading", name="Ajouter une application d'authentification")).to_be_visible()
        shown = page.locator("[data-secret]").inner_text().strip()
        assert re.fullmatch(r"([A-Za-z2-7]{4} )*[A-Za-z2-7]{1,4}", shown), shown  # in groups of four, for typing
        secret = shown.replace(" ", "")
        link = page.get_by_role("link", name="Ajouter à mon application d'authentification").get_attribute("href")
        assert secret and link.startswith("otpauth://totp/") and f"secret={secret}&" in link
        qr = page.get_by_role("img", name="QR code de votre clé d'authentification : scannez-le avec l'application.")
        assert decode_qr(qr.screenshot()) == link  # what a phone's camera reads is the enrolment's own URI
        assert_accessible(page, "sign-in: authenticator enrolment")
        page.locator("#signin-setup-code").fill(totp(secret))
        page.get_by_role("button", name="Confirmer l'application").click()

        page.wait_for_url("**/fr/pro/agenda/")
        expect(page.locator("[data-practitioner] option:checked")).to_contain_text(PRO["family_name"])
        assert "pro." not in page.url and "token" not in page.url  # the tokens never ride in a URL
        assert page.evaluate("sessionStorage.getItem('pro.access')").count(".") == 2
        yield page, errors, secret
    finally:
        context.close()


@pytest.fixture
def pro_page(enrolled: tuple[Any, list[str], str]) -> tuple[Any, list[str]]:
    return enrolled[0], enrolled[1]


def test_first_sign_in_opens_the_agenda_in_both_languages(pro_page: tuple[Any, list[str]], portal: Any) -> None:
    page, errors = pro_page
    expect(page.get_by_role("heading", name="Agenda", exact=True)).to_be_visible()
    expect(page.locator("[data-range]")).not_to_be_empty()
    expect(page.locator(".tgrid__colhead")).to_have_count(1)
    assert_accessible(page, "agenda (fr)")
    page.goto(f"{portal.url}/en/pro/agenda/")  # the same tab keeps its session in the other language
    expect(page.get_by_role("button", name="Week")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="Week").click()
    expect(page.locator(".tgrid__colhead")).to_have_count(7)
    expect(page.locator(".tgrid__colhead").first).to_contain_text("Monday")  # a week starts on Monday
    assert_accessible(page, "agenda, week (en)")
    assert script_errors(errors) == []


def test_a_returning_professional_signs_in_with_a_code_and_signs_out(
    chromium: Any, portal: Any, invited: str, enrolled: tuple[Any, list[str], str]
) -> None:
    secret = enrolled[2]
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(f"{portal.url}/en/pro/settings/")
        page.wait_for_url("**/en/pro/#next=*")  # not signed in in this tab: to the sign-in page, and back after
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        assert_accessible(page, "sign-in (en)")
        page.get_by_label("E-mail address").fill(invited)
        page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Code from your authenticator app")).to_be_visible()
        assert_accessible(page, "sign-in: code (en)")
        code = page.locator("#signin-code")
        code.fill("12345")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("alert")).to_contain_text("Enter the 6 digits")
        code.fill(totp(secret, offset=1))
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("alert")).to_contain_text("This code is not valid")
        code.fill(totp(secret))
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/en/pro/settings/")
        expect(page.get_by_role("heading", name="Weekly opening hours")).to_be_visible()

        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url("**/en/pro/#signed-out")
        expect(page.get_by_role("status")).to_contain_text("You are signed out.")
        assert page.evaluate("sessionStorage.length") == 0
        page.goto(f"{portal.url}/en/pro/agenda/")
        page.wait_for_url("**/en/pro/#next=*")
    finally:
        context.close()


def test_opening_hours_changed_seen_in_the_preview_then_saved(pro_page: tuple[Any, list[str]], portal: Any) -> None:
    page, errors = pro_page
    page.goto(f"{portal.url}/fr/pro/settings/")
    expect(page.get_by_role("heading", name="Horaires d'ouverture de la semaine")).to_be_visible()
    assert_accessible(page, "settings (fr)")
    before = portal.free_starts(PRO["id"], REASON["id"], datetime.now(ZONE).date().isoformat(), days=14)
    assert not [s for s in before if WEEKDAYS[datetime.fromisoformat(s).weekday()] == CLOSED_DAY]

    page.get_by_role("button", name="Ajouter une période d'ouverture").click()
    period = page.locator(".period").last
    period.get_by_label(FRENCH_DAYS[CLOSED_DAY]).check()
    period.locator("[data-period-start]").fill("09:00")
    period.locator("[data-period-end]").fill("11:00")
    period.get_by_label(REASON["label"]["fr"]).check()
    page.locator("#preview-reason").select_option(REASON["id"])
    page.get_by_role("button", name="Voir l'aperçu des horaires libres").click()
    preview = page.locator("[data-preview-result]")
    expect(preview.locator(".preview__summary")).to_contain_text(REASON["label"]["fr"])
    expect(preview.locator("h3", has_text=FRENCH_DAYS[CLOSED_DAY]).first).to_be_visible()
    assert_accessible(page, "settings with the preview (fr)")
    # nothing is saved by a preview
    assert portal.free_starts(PRO["id"], REASON["id"], datetime.now(ZONE).date().isoformat(), days=14) == before

    page.get_by_role("button", name="Enregistrer les réglages").click()
    expect(page.get_by_role("status")).to_have_text("Les réglages sont enregistrés.")
    after = portal.free_starts(PRO["id"], REASON["id"], datetime.now(ZONE).date().isoformat(), days=14)
    opened = [s for s in after if WEEKDAYS[datetime.fromisoformat(s).weekday()] == CLOSED_DAY]
    assert opened and all("09:00" <= s[11:16] < "11:00" for s in opened)

    page.goto(f"{portal.url}/en/pro/settings/")
    expect(page.locator(".period")).to_have_count(len(PRO["sites"][0]["hours"]) + 1)
    assert_accessible(page, "settings (en)")
    assert script_errors(errors) == []


def test_a_patients_booking_appears_in_the_agenda_and_cancelling_it_frees_the_time(
    pro_page: tuple[Any, list[str]], portal: Any
) -> None:
    page, errors = pro_page
    email = f"agenda-{PRO['id']}@example.org"
    booked = portal.book(PRO["id"], REASON["id"], email)  # through the patient API, code from the outbox
    start = datetime.fromisoformat(booked["start"])
    day = start.date().isoformat()
    assert booked["start"] not in portal.free_starts(PRO["id"], REASON["id"], day)

    page.goto(f"{portal.url}/fr/pro/agenda/")
    expect(page.locator(".tgrid__colhead")).to_have_count(1)
    page.locator("#agenda-date").fill(day)
    page.locator("#agenda-date").dispatch_event("change")
    item = page.locator("a.tg-item", has_text="Louise Rossi")
    expect(item).to_contain_text(start.strftime("%H:%M"))
    expect(item).to_contain_text(REASON["label"]["fr"])
    assert_accessible(page, "agenda with a booking (fr)")

    item.click()
    page.wait_for_url(f"**/fr/pro/appointment/#id={booked['id']}")
    expect(page.get_by_role("link", name=email)).to_be_visible()
    expect(page.locator('[data-show="status"]')).to_have_text("Confirmé")
    assert_accessible(page, "appointment (fr)")
    page.get_by_role("button", name="Annuler le rendez-vous").click()
    expect(page.get_by_role("heading", name="Annuler ce rendez-vous ?")).to_be_focused()
    assert_accessible(page, "appointment, cancel step (fr)")
    page.get_by_role("button", name="Oui, l'annuler").click()
    expect(page.get_by_role("status")).to_have_text("Le rendez-vous est annulé. Le patient a été prévenu par e-mail.")
    expect(page.locator('[data-show="status"]')).to_have_text("Annulé par le cabinet")

    assert portal.mail(email, "Rendez-vous annulé")
    assert booked["start"] in portal.free_starts(PRO["id"], REASON["id"], day)  # the time is free again
    page.get_by_role("link", name="Retour à l'agenda").click()
    page.locator("#agenda-date").fill(day)
    page.locator("#agenda-date").dispatch_event("change")
    expect(page.locator(".tg-item--cancelled", has_text="Louise Rossi")).to_contain_text("Annulé")

    page.goto(f"{portal.url}/en/pro/appointment/#id={booked['id']}")
    expect(page.locator('[data-show="status"]')).to_have_text("Cancelled by the practice")
    assert_accessible(page, "appointment (en)")
    assert script_errors(errors) == []


def watch(page: Any) -> list[str]:
    """The page's console errors and uncaught exceptions, as they come."""
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_hours_saved_in_the_back_office_are_the_ones_the_public_page_shows(
    pro_page: tuple[Any, list[str]], portal: Any, chromium: Any
) -> None:
    page, errors = pro_page
    page.goto(f"{portal.url}/fr/pro/settings/")
    expect(page.get_by_role("heading", name="Horaires d'ouverture de la semaine")).to_be_visible()
    page.get_by_role("button", name="Ajouter une période d'ouverture").click()
    period = page.locator(".period").last
    period.get_by_label(FRENCH_DAYS[CLOSED_DAY]).check()
    period.locator("[data-period-start]").fill("16:00")
    period.locator("[data-period-end]").fill("17:30")
    period.get_by_label(REASON["label"]["fr"]).check()
    page.get_by_role("button", name="Enregistrer les réglages").click()
    expect(page.get_by_role("status")).to_have_text("Les réglages sont enregistrés.")
    assert script_errors(errors) == []

    built_days = [d for d in WEEKDAYS if any(d in h["days"] for h in PRO["sites"][0]["hours"])]
    live_days = [d for d in WEEKDAYS if d in built_days or d == CLOSED_DAY]
    for lang, note, names in (
        ("fr", "Horaires mis à jour par le cabinet depuis la publication de cette page.", FRENCH_DAYS),
        ("en", "Opening hours updated by the practice since this page was published.", ENGLISH_DAYS),
    ):
        url = f"{portal.url}/{lang}/professionals/{PRO['id']}/"
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        try:
            patient = context.new_page()
            console = watch(patient)
            assert "16:00–17:30" not in patient.request.get(url).text()  # the built page: the data file's hours
            patient.goto(url)
            table = patient.locator("table[data-hours-site]")
            expect(table).to_have_count(1)
            expect(patient.get_by_text(note)).to_be_visible()
            heads = table.locator("th[scope=row]")
            expect(heads).to_have_count(len(live_days))
            expect(heads).to_have_text([names[d].capitalize() for d in live_days])
            closed_row = table.locator("tr").nth(live_days.index(CLOSED_DAY))
            expect(closed_row.locator("td")).to_contain_text("16:00–17:30")
            note_id = patient.get_by_text(note).get_attribute("id")
            assert table.get_attribute("aria-describedby") == note_id
            assert_accessible(patient, f"public page with the hours in force ({lang})")
            assert script_errors(console) == []
        finally:
            context.close()

    # Without JavaScript the page stays as built: the data file's hours, and no note
    context = chromium.new_context(java_script_enabled=False)
    try:
        static = context.new_page()
        static.goto(f"{portal.url}/fr/professionals/{PRO['id']}/")
        heads = static.locator("table[data-hours-site] th[scope=row]")
        expect(heads).to_have_text([FRENCH_DAYS[d].capitalize() for d in built_days])
        expect(static.get_by_text("Horaires mis à jour")).to_have_count(0)
    finally:
        context.close()


def test_a_front_desk_runs_the_agenda_and_is_offered_no_settings(chromium: Any, portal: Any) -> None:
    """An account with the front desk's grant (desk:<id>) of the professional: after its first sign-in it sees the
    agenda with the phone-booking choices, no settings link, and on the settings page a notice instead of a form,
    without the page ever asking the API for the settings or the calendar link."""
    desk = DemoAccount(f"accueil-{PRO['id']}@demo.sante.example.mc", desk_for=(PRO["id"],))
    configure_pool(boto3.client("cognito-idp", endpoint_url=portal.endpoint), accounts=(desk,))
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    try:
        page = context.new_page()
        errors = watch(page)
        asked: list[str] = []
        page.on("request", lambda request: "/api/v1/pro/practitioners/" in request.url and asked.append(request.url))
        first_sign_in(page, portal.url, desk.email)
        nav = page.get_by_role("navigation", name="Espace professionnel")
        expect(page.locator("[data-practitioner] option:checked")).to_contain_text(PRO["family_name"])
        expect(page.locator("div.agenda")).to_be_visible()
        expect(page.locator("[data-range]")).not_to_be_empty()
        expect(nav.get_by_role("link", name="Agenda")).to_be_visible()
        expect(nav.get_by_role("link", name="Réglages")).to_have_count(0)
        expect(page.locator("[data-nav-settings]")).to_be_hidden()
        expect(page.locator("[data-reasons] option")).to_have_count(len(PRO["visit_reasons"]))
        expect(page.locator("[data-reasons]")).to_contain_text(REASON["label"]["fr"])
        assert_accessible(page, "agenda of a front desk (fr)")

        page.goto(f"{portal.url}/en/pro/settings/")  # typed by hand: a notice, not a form the API would refuse
        notice = page.locator("[data-no-settings]")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text("covers the appointments, not the settings")
        expect(page.locator("[data-settings]")).to_be_hidden()
        expect(page.locator("[data-feed]")).to_be_hidden()
        expect(
            page.get_by_role("navigation", name="Professional area").get_by_role("link", name="Settings")
        ).to_have_count(0)
        assert_accessible(page, "settings page of a front desk (en)")
        assert asked and not [u for u in asked if "/settings" in u or "/feed" in u], asked  # the agenda side only
        assert errors == []
    finally:
        context.close()


def test_a_booking_for_a_child_shows_the_child_and_apart_the_parent(
    pro_page: tuple[Any, list[str]], portal: Any
) -> None:
    page, errors = pro_page
    email = f"parent-{PRO['id']}@example.org"
    child = {"given_name": "Léa", "family_name": "Rossi", "birth_date": "2019-05-04", "relation": "child"}
    booked = portal.book_for_relative(PRO["id"], REASON["id"], email, child)
    start = datetime.fromisoformat(booked["start"])
    page.goto(f"{portal.url}/fr/pro/agenda/")
    page.get_by_role("button", name="Jour", exact=True).click()
    page.locator("#agenda-date").fill(start.date().isoformat())
    page.locator("#agenda-date").dispatch_event("change")
    item = page.locator("a.tg-item", has_text="Léa Rossi")  # the week grid's appointment, a link to its page
    expect(item).to_contain_text("Réservé par Louise Rossi (lien : enfant)")
    assert_accessible(page, "agenda with a booking for a child (fr)")
    item.click()
    expect(page.locator('[data-show="birth_date"]')).to_have_text("4 mai 2019")
    expect(page.locator('[data-show="booked_by"]')).to_have_text("Louise Rossi (lien : enfant)")
    assert_accessible(page, "appointment for a child (fr)")

    # the parent sees in their space that the practice's screens showed the child's details
    session = portal.patient_session(email)
    looks = portal.api("GET", "/me/looks", None, session)["looks"]
    assert {(look["action"], look["appointment"]) for look in looks} >= {("list", booked["id"]), ("read", booked["id"])}
    assert script_errors(errors) == []


def test_reminder_times_are_saved_and_the_waiting_list_is_counted(pro_page: tuple[Any, list[str]], portal: Any) -> None:
    page, errors = pro_page
    page.goto(f"{portal.url}/fr/pro/settings/")
    panel = page.locator("[data-reminder-settings]")
    expect(panel).to_be_visible()
    expect(page.locator("#reminder-time")).to_have_value("18:00")
    page.locator("#reminder-time").fill("17:30")
    page.locator("#reminder-hours").select_option("2")
    panel.get_by_role("button", name="Enregistrer les rappels").click()
    expect(page.get_by_role("status")).to_have_text("Les rappels sont enregistrés.")
    insights = page.locator("[data-insights]")
    expect(insights).to_be_visible()
    expect(insights.locator("[data-waiting] tr")).to_have_count(len(PRO["visit_reasons"]))
    expect(insights.locator("[data-no-show]")).not_to_be_empty()
    assert_accessible(page, "reminders and the waiting list (fr)")
    shoot(page, "pro-reminders-fr")
    page.goto(f"{portal.url}/en/pro/settings/")
    expect(page.locator("#reminder-time")).to_have_value("17:30")
    expect(page.locator("#reminder-hours")).to_have_value("2")
    expect(page.get_by_role("heading", name="Waiting list and missed appointments")).to_be_visible()
    assert_accessible(page, "reminders and the waiting list (en)")
    shoot(page, "pro-reminders-en")
    assert script_errors(errors) == []


def test_settings_speak_in_hours_and_days_and_say_what_is_wrong_next_to_the_field(
    pro_page: tuple[Any, list[str]], portal: Any
) -> None:
    page, errors = pro_page
    table = portal.table_resource()
    key = {"PK": f"PRO#{PRO['id']}", "SK": "PROFILE"}
    stored = table.get_item(Key=key)["Item"]
    record = json.loads(stored["record"])
    # The directory now says the professional takes no new patients (the operator's change of the data file).
    table.update_item(
        Key=key,
        UpdateExpression="SET #record = :record",
        ExpressionAttributeNames={"#record": "record"},
        ExpressionAttributeValues={":record": json.dumps({**record, "accepting_new_patients": False})},
    )
    try:
        page.goto(f"{portal.url}/fr/pro/settings/")
        expect(page.get_by_role("heading", name="Horaires d'ouverture de la semaine")).to_be_visible()
        notice = record["booking_rules"]["min_notice_minutes"]
        unit = next(size for size in (1440, 60, 1) if notice % size == 0 and notice >= size) if notice else 1
        expect(page.get_by_label("Délai avant un rendez-vous")).to_have_value(str(notice // unit))
        expect(page.get_by_label("Unité du délai")).to_have_value(str(unit))

        open_to_new = [(i, r) for i, r in enumerate(record["visit_reasons"]) if r["online"] and r["new_patients"]]
        warnings = page.locator("[data-warnings]")
        expect(warnings.get_by_role("heading", name="Vérifiez ces réglages")).to_be_visible()
        first, reason = open_to_new[0]
        expect(warnings).to_contain_text(f"« {reason['label']['fr']} » est ouvert en ligne aux nouveaux patients")
        flag = page.locator(f'[data-field="settings.visit_reasons.{first}.new_patients"]')
        note = page.locator(f"#{flag.get_attribute('aria-describedby')}")
        expect(note).to_contain_text("l'annuaire indique que vous n'en prenez pas")
        assert_accessible(page, "settings with a warning (fr)")

        page.get_by_role("button", name="Ajouter une période d'ouverture").click()
        period = page.locator(".period").last
        online = [r for r in record["visit_reasons"] if r["online"]]
        for each in online:  # a new period starts with every online reason ticked
            expect(period.get_by_label(each["label"]["fr"], exact=True)).to_be_checked()
        period.get_by_role("button", name="Supprimer cette période").click()

        page.get_by_role("button", name="Ajouter une absence").click()
        absence = page.locator(".closure").last
        absence.locator("[data-closure-start]").fill("2030-05-04T12:00")
        absence.locator("[data-closure-end]").fill("2030-05-04T09:00")
        page.get_by_role("button", name="Enregistrer les réglages").click()
        end = absence.locator("[data-closure-end]")
        expect(end).to_be_focused()
        expect(end).to_have_attribute("aria-invalid", "true")
        expect(absence.locator(".field-note--error")).to_have_text("Saisissez la fin de l'absence : après son début.")
        assert_accessible(page, "settings, an absence refused next to its field (fr)")
        absence.get_by_role("button", name="Supprimer cette absence").click()

        first_reason = page.locator("[data-reasons] .reason").first
        french = first_reason.locator('[data-reason-label="fr"]')
        french.fill(" ")
        page.get_by_role("button", name="Enregistrer les réglages").click()
        expect(french).to_be_focused()
        expect(first_reason.locator(".field-note--error")).to_have_text(
            "Saisissez le nom que les patients voient pour ce motif de consultation."
        )
        french.fill(record["visit_reasons"][0]["label"]["fr"])

        page.get_by_label("Délai avant un rendez-vous").fill("20")  # 20 days: more than the 14 allowed
        page.get_by_label("Unité du délai").select_option("1440")
        page.get_by_role("button", name="Enregistrer les réglages").click()  # refused by the API, said here
        expect(page.locator(".field-note--error")).to_have_text(
            "Cette valeur est hors limites : voyez l'indication en dessous."
        )
        expect(page.get_by_label("Délai avant un rendez-vous")).to_be_focused()
        assert table.get_item(Key=key)["Item"].get("version") == stored.get("version")  # nothing was saved
        assert script_errors(errors) == []
    finally:
        table.update_item(
            Key=key,
            UpdateExpression="SET #record = :record",
            ExpressionAttributeNames={"#record": "record"},
            ExpressionAttributeValues={":record": stored["record"]},
        )


def test_a_reasons_italian_name_is_edited_by_keyboard_on_a_phone_and_saved_with_its_other_languages(
    pro_page: tuple[Any, list[str]], portal: Any
) -> None:
    """On the Italian settings page at 375 px, the disclosure under a visit reason opens from the keyboard and shows
    its instructions and its name and instructions in Italian, Spanish and Russian, each field in its own language;
    the Italian name changed there is saved, and every other text of the reason is kept."""
    page, errors = pro_page
    table = portal.table_resource()
    key = {"PK": f"PRO#{PRO['id']}", "SK": "PROFILE"}
    stored = table.get_item(Key=key)["Item"]
    index = next(i for i, r in enumerate(PRO["visit_reasons"]) if r["id"] == REASON["id"])
    assert set(REASON["label"]) == {"fr", "en", "it", "es", "ru"}, "the demo profiles name their reasons in all five"
    renamed = f"{REASON['label']['it']} (controllo)"
    page.set_viewport_size({"width": 375, "height": 800})
    try:
        page.goto(f"{portal.url}/it/pro/settings/")
        expect(page.locator("[data-settings]")).to_be_visible(timeout=30_000)
        reason = page.locator("[data-reasons] .reason").nth(index)
        expect(reason.locator("[data-reason-id]")).to_have_value(REASON["id"])
        italian = reason.locator('[data-reason-label="it"]')
        expect(italian).to_be_hidden()  # out of the way until asked for
        summary = reason.get_by_text("Istruzioni e altre lingue")
        summary.focus()
        page.keyboard.press("Enter")
        expect(italian).to_be_visible()
        for lang in ("it", "es", "ru"):
            name = reason.locator(f'[data-reason-label="{lang}"]')
            expect(name).to_have_attribute("lang", lang)
            expect(name).to_have_value(REASON["label"][lang])
            instructions = reason.locator(f'[data-reason-instructions="{lang}"]')
            expect(instructions).to_have_attribute("lang", lang)
            expect(instructions).to_have_value(REASON.get("instructions", {}).get(lang, ""))
        expect(reason.locator('[data-reason-instructions="fr"]')).to_have_value(
            REASON.get("instructions", {}).get("fr", "")
        )
        expect(reason.get_by_role("group", name="Russo")).to_be_visible()  # each language under its name
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling"
        assert_accessible(page, "settings, a reason's other languages (it, 375 px)")

        italian.focus()
        page.keyboard.press("Control+A")
        page.keyboard.type(renamed)
        page.keyboard.press("Tab")
        expect(page.locator("[data-period-reasons]").get_by_label(renamed, exact=True).first).to_be_visible()
        page.get_by_role("button", name="Salva le impostazioni").click()
        expect(page.get_by_role("status")).to_have_text("Le impostazioni sono salvate.")

        saved = json.loads(table.get_item(Key=key)["Item"]["record"])["visit_reasons"][index]
        assert saved["label"] == {**REASON["label"], "it": renamed}
        assert saved.get("instructions") == REASON.get("instructions")
        page.reload()
        reason = page.locator("[data-reasons] .reason").nth(index)
        expect(reason.locator('[data-reason-label="it"]')).to_have_value(renamed)
        assert script_errors(errors) == []
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})
        table.update_item(
            Key=key,
            UpdateExpression="SET #record = :record",
            ExpressionAttributeNames={"#record": "record"},
            ExpressionAttributeValues={":record": stored["record"]},
        )
