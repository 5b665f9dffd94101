"""The operator's view of the back-office audit log: who was shown a patient's details, and when.

Every entry names the account by its Cognito ``sub`` (resolve it with
``aws cognito-idp list-users --user-pool-id "$POOL" --filter 'sub = "<sub>"'``), its role, the professional the
access was granted for, the appointment, the action and the UTC time. Two queries, both DynamoDB Queries on a key
(docs/data-model.md, patterns 22 and 23):

    python scripts/audit_log.py --table portal-prod --appointment 3f2a...          # a patient's request
    python scripts/audit_log.py --table portal-prod --practitioner pr-000001 --from 2026-11-01 --to 2026-12-01

By appointment, the agenda's showings (``list``) are found under the professional and the UTC dates the appointment
was on, read from the appointment. Once the table has deleted the appointment (its retention period), give them:
``--appointment 3f2a... --practitioner pr-000001 --on 2026-11-03`` (``--on`` once per date).

One JSON object per line and per appointment, oldest first. It runs with the operator's AWS credentials (read access
to the table).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "functions"))

from chalicelib.backoffice import audit  # noqa: E402
from chalicelib.core.store import Store, make_table  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Query the back-office audit log.")
    parser.add_argument("--table", required=True, help="the portal's DynamoDB table, e.g. portal-prod")
    parser.add_argument("--appointment", help="every entry of one appointment (a patient's request)")
    parser.add_argument("--practitioner", help="the entries of one professional's agenda over a period")
    parser.add_argument("--from", dest="start", type=date.fromisoformat, help="first UTC date (default: 30 days ago)")
    parser.add_argument("--to", dest="end", type=date.fromisoformat, help="last UTC date, included (default: today)")
    parser.add_argument(
        "--on",
        dest="days",
        action="append",
        type=date.fromisoformat,
        default=[],
        help="with --appointment and --practitioner: a UTC date the appointment was on, once the table has deleted it",
    )
    args = parser.parse_args(argv)
    if not args.appointment and not args.practitioner:
        parser.error("give --appointment, --practitioner, or both")
    if args.days and not (args.appointment and args.practitioner):
        parser.error("--on goes with --appointment and --practitioner")

    store = Store(make_table(args.table))
    if args.appointment:
        found = store.appointment(args.appointment)
        practitioner = args.practitioner or (found.practitioner_id if found else None)
        days = {day.isoformat() for day in args.days} | set(found.audit_days if found else ())
        if found is None and not args.days:
            print(
                "The appointment is no longer in the table: its own entries follow; for the agenda's, add "
                "--practitioner and --on <each UTC date it was on>.",
                file=sys.stderr,
            )
        entries = store.audit_of_appointment(args.appointment, practitioner, days)
    else:
        last = args.end or datetime.now(UTC).date()
        first = args.start or last - timedelta(days=30)
        start = datetime.combine(first, time(), UTC)
        end = datetime.combine(last + timedelta(days=1), time(), UTC)
        entries = store.audit_of_practitioner(args.practitioner, start, end)
    for entry in entries:
        for line in audit.lines(entry, args.appointment):
            print(json.dumps(line, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
