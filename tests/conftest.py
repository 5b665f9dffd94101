"""Fixtures shared by every test folder.

DynamoDB is the serialised moto server (local/awsserver.py) in its own process, reached over real HTTP through
``AWS_ENDPOINT_URL_DYNAMODB``, exactly as the application reaches AWS. Other AWS services stay in-process with
moto's ``mock_aws`` where a test needs them (``AWS_ENDPOINT_URL`` stays unset so that mock_aws can serve them).
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "functions"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from local.portal import start_aws_endpoint  # noqa: E402
from local.tables import create_table  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

# Fake credentials and an EU region for every boto3 client in the tests; never real AWS.
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "eu-west-3",
    }
)
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.pop("AWS_PROFILE", None)

# Hypothesis's timing checks (a deadline per example, "input generation is slow") measure the machine, not the code:
# with two test processes on two shared cores they fail tests whose properties hold. Every property is still checked
# on every example.
hypothesis_settings.register_profile("portal", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("portal")


@pytest.fixture(scope="session")
def aws_endpoint() -> Iterator[str]:
    """URL of a serialised moto server started for this test session."""
    proc, url = start_aws_endpoint()
    os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = url
    try:
        yield url
    finally:
        os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def dynamodb_client(aws_endpoint: str) -> Any:
    return boto3.client("dynamodb", endpoint_url=aws_endpoint)


@pytest.fixture
def table_name(dynamodb_client: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh, empty table with the deployed definition; the app's TABLE_NAME points at it."""
    name = f"portal-test-{uuid.uuid4().hex[:12]}"
    create_table(dynamodb_client, name)
    monkeypatch.setenv("TABLE_NAME", name)
    return name


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One headless Debian Chromium for the whole session: Playwright's synchronous API allows one at a time in a
    thread, so every folder's browser tests share it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
