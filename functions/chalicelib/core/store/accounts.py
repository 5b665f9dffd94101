"""The patient space's items: accounts and their e-mail pointers, passkeys, relatives, sessions, WebAuthn
challenges (what a mailbox holds, its appointments included, is in mailboxes.py). Items go in and out as plain
maps: their types live with the patient space (patients/account.py), which the store does not import (core/
imports nothing outside core/).

Everything of one account is in its own partition (``PATIENT#<id>``), so one Query reads it all (my data, deleting
the account); an e-mail pointer (``EMAIL#<hash>`` / ``ACCOUNT``) makes a canonical address belong to one account at
most, written in the same transaction as the account.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from .. import keys
from ..concurrency import StaleRead
from .table import Part, Table, Transaction, plain


class Accounts(Table):
    # -- accounts ----------------------------------------------------------------------------------------------

    def account(self, account_id: str) -> dict[str, Any] | None:
        return self._get(keys.account_key(account_id))

    def account_of_mailbox(self, mailbox: str) -> str | None:
        """The id of the account that owns a mailbox (``keys.email_hash``), if any."""
        item = self._get(keys.account_email_key(mailbox))
        return str(item["account_id"]) if item else None

    def create_account(self, account_id: str, item: Mapping[str, Any], mailbox: str) -> bool:
        """Write a new account and its e-mail pointer together; False if the mailbox already has an account."""
        transaction = Transaction()
        transaction.add(Part.ACCOUNT_EMAIL, _pointer_put(mailbox, account_id))
        transaction.add(
            Part.ACCOUNT,
            {
                "Put": {
                    "Item": {**keys.account_key(account_id), **item},
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
        )
        return self._transact(transaction) is None

    def update_account(self, account_id: str, attributes: Mapping[str, Any], version: int) -> None:
        """Set ``attributes`` on the account if it is still at ``version`` (then at ``version + 1``); StaleRead
        otherwise (a change came first, or the account is gone)."""
        answer = self._conditional(
            "update_item", **_versioned_update(keys.account_key(account_id), attributes, version)
        )
        if answer is None:
            raise StaleRead("the account changed")

    def change_account_email(
        self, account_id: str, old_mailbox: str, new_mailbox: str, attributes: Mapping[str, Any], version: int
    ) -> bool:
        """Move the account to another mailbox: the new pointer (the mailbox must be free), the old one deleted, the
        account's e-mail set, in one transaction. False if the new mailbox belongs to another account; StaleRead
        if the account changed meanwhile."""
        transaction = Transaction()
        transaction.add(Part.ACCOUNT_EMAIL, _pointer_put(new_mailbox, account_id))
        transaction.add(
            Part.OLD_ACCOUNT_EMAIL,
            {
                "Delete": {
                    "Key": keys.account_email_key(old_mailbox),
                    "ConditionExpression": "account_id = :id",
                    "ExpressionAttributeValues": {":id": account_id},
                }
            },
        )
        transaction.add(Part.ACCOUNT, {"Update": _versioned_update(keys.account_key(account_id), attributes, version)})
        cancelled = self._transact(transaction)
        if cancelled is None:
            return True
        if cancelled.failed(Part.ACCOUNT_EMAIL):
            return False
        raise StaleRead("the account changed")

    def account_items(self, account_id: str) -> list[dict[str, Any]]:
        """Every item of the account's partition: the account, its passkeys, relatives and sessions (one Query)."""
        return self._query_all(
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": keys.account_partition(account_id)},
            ConsistentRead=True,
        )

    def account_items_of(self, account_id: str, prefix: str) -> list[dict[str, Any]]:
        """The account's items of one kind (``keys.PASSKEY_PREFIX``, ``RELATIVE_PREFIX``, ``SESSION_PREFIX``)."""
        return self._query_all(
            KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
            ExpressionAttributeValues={":pk": keys.account_partition(account_id), ":prefix": prefix},
            ConsistentRead=True,
        )

    def delete_account(self, account_id: str, mailbox: str, item_keys: list[dict[str, str]]) -> None:
        """Delete the account and its e-mail pointer together, then every other item of its partition (its
        passkeys, relatives, sessions): by then no session can sign in, since the account is gone."""
        transaction = Transaction()
        transaction.add(Part.ACCOUNT, {"Delete": {"Key": keys.account_key(account_id)}})
        transaction.add(
            Part.ACCOUNT_EMAIL,
            {
                "Delete": {
                    "Key": keys.account_email_key(mailbox),
                    "ConditionExpression": "attribute_not_exists(PK) OR account_id = :id",
                    "ExpressionAttributeValues": {":id": account_id},
                }
            },
        )
        if self._transact(transaction) is not None:
            raise StaleRead("the account's e-mail changed")
        self.delete_items([key for key in item_keys if key["SK"] != keys.ACCOUNT])

    def delete_items(self, item_keys: list[dict[str, str]]) -> None:
        """Delete items by key: BatchWriteItem by 25, what is left unprocessed sent again."""
        deadline = time.monotonic() + self.budget_seconds
        for first in range(0, len(item_keys), 25):
            request: dict[str, Any] = {
                self.name: [{"DeleteRequest": {"Key": dict(k)}} for k in item_keys[first : first + 25]]
            }
            self._batch(lambda r: self.client.batch_write_item(RequestItems=r), request, "UnprocessedItems", deadline)

    # -- what lives in the account's partition: passkeys, relatives, sessions ----------------------------------

    def put_new(self, key: Mapping[str, str], item: Mapping[str, Any]) -> bool:
        """Write an item that must not exist yet; False if it does."""
        answer = self._conditional("put_item", Item={**key, **item}, ConditionExpression="attribute_not_exists(PK)")
        return answer is not None

    def replace_existing(self, key: Mapping[str, str], item: Mapping[str, Any]) -> bool:
        """Replace an item that exists; False if it does not (deleted meanwhile: nothing is written)."""
        answer = self._conditional("put_item", Item={**key, **item}, ConditionExpression="attribute_exists(PK)")
        return answer is not None

    def delete_existing(self, key: Mapping[str, str]) -> dict[str, Any] | None:
        """Delete an item; what it was, or None if there was none."""
        answer = self._conditional(
            "delete_item", Key=dict(key), ConditionExpression="attribute_exists(PK)", ReturnValues="ALL_OLD"
        )
        return None if answer is None else plain(answer.get("Attributes") or {})

    def item(self, key: Mapping[str, str]) -> dict[str, Any] | None:
        return self._get(key)

    def session_and_account(
        self, account_id: str, secret_hash: str
    ) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """A session and its account in one strongly consistent BatchGetItem (every signed-in request)."""
        wanted = [keys.session_key(account_id, secret_hash), keys.account_key(account_id)]
        request: dict[str, Any] = {self.name: {"Keys": wanted, "ConsistentRead": True}}
        deadline = time.monotonic() + self.budget_seconds
        found: dict[str, dict[str, Any]] = {}
        for answer in self._batch(
            lambda r: self.client.batch_get_item(RequestItems=r), request, "UnprocessedKeys", deadline
        ):
            for item in answer.get("Responses", {}).get(self.name, []):
                found[str(item["SK"])] = plain(item)
        return found.get(wanted[0]["SK"]), found.get(keys.ACCOUNT)

    def touch_session(self, key: Mapping[str, str], seen_at: int, idle_until: int) -> None:
        """Record a session's use (its idle timeout starts again), if it still exists."""
        self._conditional(
            "update_item",
            Key=dict(key),
            UpdateExpression="SET seen_at = :seen, idle_until = :idle",
            ConditionExpression="attribute_exists(PK)",
            ExpressionAttributeValues={":seen": seen_at, ":idle": idle_until},
        )

    def count_passkey_use(self, key: Mapping[str, str], old_count: int, new_count: int, now: int) -> bool:
        """Store a passkey's new signature counter, on condition that it is still the one the sign-in was checked
        against: two answers with the same counter (a replay, a cloned authenticator) cannot both sign in."""
        answer = self._conditional(
            "update_item",
            Key=dict(key),
            UpdateExpression="SET sign_count = :new, last_used_at = :now",
            ConditionExpression="sign_count = :old",
            ExpressionAttributeValues={":new": new_count, ":old": old_count, ":now": now},
        )
        return answer is not None

    # -- WebAuthn challenges -------------------------------------------------------------------------------------

    def put_challenge(self, challenge_id: str, item: Mapping[str, Any]) -> None:
        self._call("put_item", Item={**keys.challenge_key(challenge_id), **item})

    def spend_challenge(self, challenge_id: str, now: int) -> dict[str, Any] | None:
        """Delete a challenge that is still valid and answer what it was: a challenge serves one answer, once.
        None for an unknown, spent or lapsed one."""
        answer = self._conditional(
            "delete_item",
            Key=keys.challenge_key(challenge_id),
            ConditionExpression="valid_until > :now",
            ExpressionAttributeValues={":now": now},
            ReturnValues="ALL_OLD",
        )
        return None if answer is None else plain(answer.get("Attributes") or {})


def _pointer_put(mailbox: str, account_id: str) -> dict[str, Any]:
    return {
        "Put": {
            "Item": {**keys.account_email_key(mailbox), "account_id": account_id},
            "ConditionExpression": "attribute_not_exists(PK)",
        }
    }


def _versioned_update(key: Mapping[str, str], attributes: Mapping[str, Any], version: int) -> dict[str, Any]:
    """An UpdateItem (or a transaction's Update) that sets ``attributes`` and moves ``version`` on by one, on condition
    that it is still ``version``."""
    names = {f"#a{i}": name for i, name in enumerate(attributes)}
    values = {f":a{i}": value for i, value in enumerate(attributes.values())}
    sets = "".join(f"#a{i} = :a{i}, " for i in range(len(attributes)))
    update: dict[str, Any] = {
        "Key": dict(key),
        "UpdateExpression": f"SET {sets}version = version + :one",
        "ConditionExpression": "version = :version",
        "ExpressionAttributeValues": {**values, ":one": 1, ":version": version},
    }
    if names:
        update["ExpressionAttributeNames"] = names
    return update
