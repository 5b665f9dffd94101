"""The scheduled pass (every five minutes, ``app.py``'s ``@app.schedule``; locally the portal runs the same function
on the same period): send the reminders that are due, pass lapsed offers to the next patient waiting, and offer
the times that have freed. Each step claims its items with conditional writes, so two passes at once do the work
once (docs/notifications.md).
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import datetime
from typing import Any

from . import services

logger = logging.getLogger(__name__)
PERIOD_MINUTES = 5
# The scheduled function's timeout is 300 s (functions/.chalice/config.json): reminders stop being claimed after
# this, the rest are sent by the next pass, and the waiting list still has its time.
REMINDER_BUDGET_SECONDS = 200


def run(now: datetime | None = None) -> dict[str, Any]:
    """One pass at ``now`` (the services' clock unless given: the local portal's tests move it); what it did."""
    moment = now or services.clock()
    reminders = services.get_reminders().send_due(moment, budget_seconds=REMINDER_BUDGET_SECONDS)
    waitlist = services.get_waitlist().sweep(moment)
    report = {"at": moment.isoformat(), "reminders": asdict(reminders), "waitlist": asdict(waitlist)}
    logger.info("scheduled pass: %s", report)
    return report
