"""Keys sort in time order whatever the local offsets; secrets are random, long enough and stored hashed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.core import keys, tokens

MONACO = ZoneInfo("Europe/Monaco")


@given(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(MONACO)))
def test_unit_keys_sort_like_the_instants_they_name(moment: datetime) -> None:
    moment = moment.replace(second=0, microsecond=0).astimezone(UTC).astimezone(MONACO)  # a real local time
    later = (moment.astimezone(UTC) + timedelta(minutes=5)).astimezone(MONACO)  # elapsed, not wall-clock, time
    assert keys.unit_sk(moment) < keys.unit_sk(later)
    assert keys.unit_start_of(keys.unit_sk(moment)) == moment.astimezone(UTC)


def test_a_range_holds_its_start_and_not_its_end() -> None:
    start, end = datetime(2027, 3, 2, 8, 0, tzinfo=UTC), datetime(2027, 3, 2, 9, 0, tzinfo=UTC)
    low, high = keys.unit_range(start, end)
    assert low <= keys.unit_sk(start) <= high
    assert keys.unit_sk(end - timedelta(minutes=5)) <= high < keys.unit_sk(end)


def test_emails_are_keyed_trimmed_and_case_blind_and_never_in_clear() -> None:
    assert keys.holds_key(" Louise@Example.org") == keys.holds_key("louise@example.org")
    assert "louise" not in str(keys.patient_key("pr-1", "louise@example.org"))


def test_codes_are_six_digits_and_tokens_carry_at_least_128_random_bits() -> None:
    codes = {tokens.new_code() for _ in range(200)}
    assert all(len(c) == 6 and c.isdigit() for c in codes) and len(codes) > 190
    token = tokens.new_manage_token()
    assert len(token) * 6 >= 256 and token.replace("-", "").replace("_", "").isalnum()
    assert tokens.token_hash(token) != token and len(tokens.token_hash(token)) == 64
    assert tokens.same_hash(tokens.token_hash(token), tokens.token_hash(token))
    assert not tokens.same_hash(None, tokens.token_hash(token))
    assert tokens.code_hash("a" * 20, "123456") != tokens.code_hash("b" * 20, "123456")
