"""The retention policy's arithmetic and its settings (a booking's whole life: tests/functions/test_retention.py)."""

from __future__ import annotations

import pytest

from chalicelib.core.config import settings
from chalicelib.core.retention import DAY, Retention


def test_each_kind_of_item_gets_its_period() -> None:
    policy = Retention(appointment_days=90, audit_days=365)
    assert policy.appointment(1_000) == 1_000 + 90 * DAY
    assert policy.audit(1_000) == 1_000 + 365 * DAY
    assert Retention.transient(1_000) == 1_000 + DAY


@pytest.mark.parametrize("days", [0, -1, 3651, True, 1.5])
def test_a_period_that_makes_no_sense_is_refused(days: object) -> None:
    with pytest.raises(ValueError, match="appointment_days"):
        Retention(appointment_days=days)  # type: ignore[arg-type]


def test_the_settings_are_read_from_the_stage(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RETENTION_DAYS", "30")
    monkeypatch.setenv("AUDIT_RETENTION_DAYS", "180")
    settings.cache_clear()
    try:
        assert (settings().retention_days, settings().audit_retention_days) == (30, 180)
        monkeypatch.setenv("RETENTION_DAYS", "thirty")
        settings.cache_clear()
        with pytest.raises(ValueError, match="RETENTION_DAYS"):
            settings()
    finally:
        monkeypatch.delenv("RETENTION_DAYS")
        monkeypatch.delenv("AUDIT_RETENTION_DAYS")
        settings.cache_clear()
    assert (settings().retention_days, settings().audit_retention_days) == (90, 365)
