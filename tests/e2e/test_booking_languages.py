"""Booking in Italian and in Russian in real Chromium: the widget speaks the page's language (dates through Intl),
and the e-mailed code and the confirmation come in that language (dates through Babel), with the manage link
under the same language and the visit reason as the practice names it in that language."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.journey import (
    choose_existing_patient,
    email,
    fill_details,
    open_widget,
    practitioner,
    reason_of,
    send_details,
    shoot,
    type_code,
    unexpected,
)
from tests.e2e.portal import CODE_LINE, Portal

# What a reader of each language sees: the widget's words, the e-mails' subjects and sentences, and the names of
# the week's days the dates are written with (Intl in the browser, Babel in the e-mails).
WORDS = {
    "it": {
        "code step": "Conferma con il codice che ti abbiamo inviato per e-mail",
        "code subject": "Il tuo codice per confermare l'appuntamento di ",
        "code text": "Per confermare l'appuntamento, inserisci questo codice nella pagina di prenotazione:",
        "done": "Il tuo appuntamento è confermato",
        "confirmation subject": "Appuntamento confermato: ",
        "manage": "Per vedere, spostare o annullare questo appuntamento, usa questo link personale (non condividerlo):",
        "days": ["lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"],
    },
    "ru": {
        "code step": "Подтвердите кодом из нашего письма",
        "code subject": "Код для подтверждения записи: ",
        "code text": "Чтобы подтвердить запись, введите этот код на странице записи:",
        "done": "Ваша запись подтверждена",
        "confirmation subject": "Запись подтверждена: ",
        "manage": "Чтобы посмотреть, перенести или отменить запись, воспользуйтесь личной ссылкой",
        "days": ["понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье"],
    },
}


@pytest.mark.parametrize(("lang", "number"), [("it", 30), ("ru", 31)])
def test_a_patient_books_and_reads_the_emails_in_their_language(
    portal: Portal, browser_page: tuple[Any, Any], lang: str, number: int
) -> None:
    page, console = browser_page
    words = WORDS[lang]
    address = email(f"booking-{lang}")
    booked = practitioner(number)
    reason = reason_of(booked)["label"][lang]  # the demo profiles name their reasons in every language
    assert reason != reason_of(booked)["label"]["fr"]
    open_widget(page, portal.url, booked, lang)
    assert page.locator("html").get_attribute("lang") == lang
    choose_existing_patient(page)
    first_slot = page.locator("[data-days] .slot").first
    day_heading = page.locator("[data-days] .slot-day__title").first
    assert any(day in day_heading.inner_text().lower() for day in words["days"]), day_heading.inner_text()
    first_slot.click()
    fill_details(
        page, address, given="Giulia" if lang == "it" else "Анна", family="Bianchi" if lang == "it" else "Петрова"
    )
    held = send_details(page)
    assert held["status"] == "held", held
    page.locator("[data-step=code] h3").wait_for()
    assert page.locator("[data-step=code] h3").inner_text() == words["code step"]
    shoot(page, f"lang-{lang}-code")

    message = portal.mail(address, words["code subject"])
    assert words["code text"] in message["text"]
    assert any(day in message["subject"] for day in words["days"]), message["subject"]
    code = CODE_LINE.search(message["text"])
    assert code, message["text"]

    type_code(page, code.group(1))
    page.locator("[data-step=done] h3").wait_for()
    assert page.locator("[data-step=done] h3").inner_text() == words["done"]
    shoot(page, f"lang-{lang}-done")

    confirmation = portal.mail(address, words["confirmation subject"])
    assert words["manage"] in confirmation["text"]
    assert reason in confirmation["text"], confirmation["text"]
    assert f"/{lang}/appointment/#id={held['id']}&token=" in confirmation["text"]
    assert unexpected(console.errors) == []
