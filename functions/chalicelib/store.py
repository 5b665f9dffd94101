"""The only module that talks to DynamoDB. Keys come from keys.py; callers get domain values and errors."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from .errors import Unavailable

# API Gateway gives up after 29 s; botocore's defaults (60 s) would outlive it. Fail fast instead.
BOTO_CONFIG = Config(
    connect_timeout=2,
    read_timeout=4,
    retries={"max_attempts": 3, "mode": "standard"},
)


def make_table(table_name: str) -> Any:
    """A boto3 Table for ``table_name`` at the endpoint the environment names (AWS unless overridden)."""
    return boto3.resource("dynamodb", config=BOTO_CONFIG).Table(table_name)


class Store:
    """Reads and writes of the portal's single table."""

    def __init__(self, table: Any) -> None:
        self.table = table

    def ping(self) -> None:
        """One cheap read that proves the table answers; raises Unavailable otherwise."""
        try:
            self.table.get_item(Key={"PK": "HEALTH", "SK": "HEALTH"})
        except (BotoCoreError, ClientError) as err:
            raise Unavailable("The appointment database cannot be reached.") from err
