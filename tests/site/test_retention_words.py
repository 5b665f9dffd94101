"""The retention period in the same words everywhere: the API's setting in each stage, the booking widget, and the
privacy notice in every language (issue: the notice promised a deletion that nothing did)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pelican.settings import read_settings

from chalicelib.core.retention import Retention
from infra.stages import load_stage, stage_names
from tests.site.conftest import Page
from tests.site.sitebuild import ROOT

# How each language says "<n> days after the appointment" and "<n> days" (the audit period) in the privacy notice.
NOTICE = {
    "fr": ("supprimés {days} jours après le rendez-vous", "conservée {audit} jours"),
    "en": ("deleted {days} days after the appointment", "kept {audit} days"),
    "it": ("cancellati {days} giorni dopo l'appuntamento", "conservata {audit} giorni"),
    "es": ("se suprimen {days} días después de la cita", "se conserva {audit} días"),
    "ru": ("удаляются через {days} дней после приёма", "хранятся {audit} дней"),
}
WIDGET = {
    "fr": "Elles sont supprimées {days} jours après celui-ci.",
    "en": "They are deleted {days} days after it.",
}


def periods() -> tuple[int, int]:
    settings = read_settings(str(ROOT / "pelicanconf.py"))
    return int(settings["BOOKING_RETENTION_DAYS"]), Retention().audit_days


def test_the_site_says_what_every_stage_does() -> None:
    days, audit = periods()
    assert days == Retention().appointment_days
    for stage in stage_names():
        settings = load_stage(stage)
        assert (settings.retention_days, settings.audit_retention_days) == (days, audit), stage


@pytest.mark.parametrize("lang", sorted(NOTICE))
def test_the_privacy_notice_states_the_periods(lang: str) -> None:
    days, audit = periods()
    text = " ".join((ROOT / "content" / "pages" / lang / "privacy.md").read_text(encoding="utf-8").split())
    for phrase in NOTICE[lang]:
        assert phrase.format(days=days, audit=audit) in text, (lang, phrase)


@pytest.mark.parametrize("lang", sorted(WIDGET))
def test_the_booking_widget_states_the_period_and_links_the_notice(pages: dict[str, Page], lang: str) -> None:
    days, _ = periods()
    page = next(p for url, p in pages.items() if url.startswith(f"/{lang}/professionals/") and 'id="booking"' in p.html)
    assert WIDGET[lang].format(days=days) in page.html
    assert f'href="/{lang}/privacy/"' in page.html
    built = Path(page.path).parents[3] / lang / "privacy" / "index.html"
    assert built.is_file()
