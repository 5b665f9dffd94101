"""The only code that talks to the table (DynamoDB). Keys come from keys.py; callers give and get appointments
(appointment.py), plain values and domain errors.

One class, :class:`Store`, in seven modules by concern: ``table.py`` (the boto3 Table, errors, retries, transactions
whose actions are named), ``reads.py``, ``writes.py`` (one item at a time), ``transactions.py`` (the bookings,
where double bookings become impossible), ``notices.py`` (reminders and the waiting list), ``accounts.py`` (the
patient space's accounts) and ``mailboxes.py`` (what one mailbox holds, and moving it to another). A failed
condition is turned into a domain error here and never retried.
"""

from __future__ import annotations

from .accounts import Accounts
from .mailboxes import Mailboxes
from .notices import Notices
from .reads import Reads
from .table import Cancellation, Part, Transaction, make_table, plain
from .transactions import Transactions
from .writes import Writes

__all__ = ["Cancellation", "Part", "Store", "Transaction", "make_table", "plain"]


class Store(Reads, Writes, Transactions, Notices, Accounts, Mailboxes):
    """Reads and writes of the portal's single table, made over a boto3 Table (``make_table``)."""
