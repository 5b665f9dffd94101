"""One worker process of the local API: the Chalice app behind Chalice's own API Gateway emulation.

Each worker handles one request at a time, like one Lambda execution environment; the portal keeps several
so that requests really run concurrently (Chalice's app object is not safe to share between threads).
"""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path
from typing import Any

FUNCTIONS_DIR = Path(__file__).resolve().parent.parent / "functions"

_gateway: Any = None


def init_worker() -> None:
    """Import the app once per worker (as a Lambda cold start does)."""
    global _gateway
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the portal's to handle; it stops the workers
    if str(FUNCTIONS_DIR) not in sys.path:
        sys.path.insert(0, str(FUNCTIONS_DIR))
    from app import app
    from chalice.config import Config
    from chalice.local import LocalGateway

    _gateway = LocalGateway(app, Config(chalice_stage="dev"))


def handle(method: str, path: str, headers: dict[str, str], body: bytes | None) -> dict[str, Any]:
    """Answer one request as API Gateway would; unknown routes get the portal's 404 body."""
    from chalice.local import ForbiddenError, NotAuthorizedError

    try:
        return dict(_gateway.handle_request(method, path, headers, body))
    except NotAuthorizedError:
        return _error(401, "unauthorized", "Sign in first.")
    except ForbiddenError:  # API Gateway's answer to a route that does not exist
        return _error(404, "not_found", "No such API route.")


def _error(status: int, code: str, message: str) -> dict[str, Any]:
    body = json.dumps({"error": {"code": code, "message": message, "field": None}})
    return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": body}


def scheduled_pass(now: str | None = None) -> dict[str, Any]:
    """The scheduled pass in this worker: what app.py's ``@app.schedule`` runs every five minutes on AWS
    (chalicelib/passes.py), at ``now`` (ISO 8601) when a test moves the clock, else at the present time."""
    from datetime import datetime

    from chalicelib.passes import run

    return run(datetime.fromisoformat(now) if now else None)


def warm() -> bool:
    return _gateway is not None


SCHEDULED_EVENT = {
    "version": "0",
    "id": "local",
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "account": "000000000000",
    "time": "",
    "region": "local",
    "resources": [],
    "detail": {},
}


def publish_slot_feed() -> None:
    """Run the scheduled function as EventBridge's schedule invokes it (in the slot feed's own worker)."""
    from datetime import UTC, datetime

    from app import publish_slot_feed as handler

    handler({**SCHEDULED_EVENT, "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}, None)
