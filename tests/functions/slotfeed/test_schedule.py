"""The scheduled function: app.py's thin handler, run every PERIOD_MINUTES, publishes through the composition root."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from chalicelib import slotfeed
from tests.functions.slotfeed.conftest import ORIGIN, Published

EVENT = {
    "version": "0",
    "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "account": "123456789012",
    "time": "2027-03-01T06:00:00Z",
    "region": "eu-west-3",
    "resources": ["arn:aws:events:eu-west-3:123456789012:rule/portal-dev-publish_slot_feed-event"],
    "detail": {},
}


def test_the_function_runs_every_period_and_publishes_the_feed(
    app_module: Any, seed: Callable[..., Any], published: Published, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SITE_URL", ORIGIN)
    [source] = [s for s in app_module.app.event_sources if s.name == "publish_slot_feed"]
    assert source.schedule_expression.to_string() == f"rate({slotfeed.PERIOD_MINUTES} minutes)"
    seed()
    assert app_module.publish_slot_feed(EVENT, None) is None  # the Lambda runtime's call
    manifest = published.manifest()
    assert manifest["transactionTime"] == "2027-03-01T06:00:00.000Z"  # the services' clock (the tests' frozen one)
    assert [r["id"] for r in published.resources("Schedule")] == ["pr-test.main"]
