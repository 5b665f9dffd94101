"""Settings that contradict each other, or do nothing: said to the professional as warnings, never refused.

A warning names the field to look at (the same dotted path as an error's, ``settings.visit_reasons.2.new_patients``)
and the visit reason it is about; the settings page writes it in the person's language next to that field. Pure:
the directory record and the proposed settings in, warnings out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .schemas import PracticeSettings, SettingsWarning


def warnings(record: Mapping[str, Any], settings: PracticeSettings) -> list[SettingsWarning]:
    """What looks wrong in ``settings`` of the professional whose directory record is ``record``:

    * ``new_patients_not_accepted``: the directory says the professional takes no new patients, and a visit reason
      is still offered online to new patients (a "first visit" reason, typically), so new patients can book it;
    * ``reason_never_offered``: a visit reason bookable online that no opening period accepts, so patients never
      see a free time for it.
    """
    found = []
    offered = {reason for site in settings.sites for period in site.hours for reason in period.reasons}
    accepting = bool(record.get("accepting_new_patients", True))
    for i, reason in enumerate(settings.visit_reasons):
        if not reason.online:
            continue
        if not accepting and reason.new_patients:
            found.append(
                SettingsWarning(
                    code="new_patients_not_accepted",
                    field=f"settings.visit_reasons.{i}.new_patients",
                    reason=reason.id,
                    message="The directory says you take no new patients, but new patients can book this visit "
                    "reason online.",
                )
            )
        if reason.id not in offered:
            found.append(
                SettingsWarning(
                    code="reason_never_offered",
                    field=f"settings.visit_reasons.{i}.online",
                    reason=reason.id,
                    message="This visit reason is bookable online, but no opening period accepts it: patients "
                    "never see a free time for it.",
                )
            )
    return found
