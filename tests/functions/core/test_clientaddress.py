"""The client address of the per-address limits: CloudFront's CloudFront-Viewer-Address, else API Gateway's sourceIp."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from chalicelib.core.clientaddress import client_address, network
from chalicelib.core.ratelimit import Limit, Limits
from tests.functions.conftest import Api, hold_body, local

SOURCE_IP = "203.0.113.9"  # what API Gateway saw: CloudFront's edge server behind the distribution


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("198.51.100.10:46532", "198.51.100.10"),
        (" 198.51.100.10:443 ", "198.51.100.10"),
        ("2001:db8:85a3::8a2e:370:7334:46532", "2001:db8:85a3::8a2e:370:7334"),  # CloudFront's unbracketed IPv6
        ("2001:0DB8:85A3:0000:0000:8A2E:0370:7334:443", "2001:db8:85a3::8a2e:370:7334"),  # one address, one counter
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("::ffff:198.51.100.10:80", "::ffff:c633:640a"),
    ],
)
def test_the_viewer_address_comes_from_cloudfront_viewer_address(header: str, expected: str) -> None:
    assert client_address(header, SOURCE_IP) == expected


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "unknown",
        "198.51.100.10",  # no port
        "2001:db8::1",  # no port: the last group would be read as one
        "198.51.100.10:port",
        "198.51.100.10:70000",
        "198.51.100.10:\u00b2",  # a digit to str.isdigit, not a port
        "999.1.1.1:80",
        "198.51.100.10, 192.0.2.1:80",
        "[2001:db8::1:443",
    ],
)
def test_a_missing_or_malformed_header_falls_back_to_the_source_ip(header: str | None) -> None:
    assert client_address(header, SOURCE_IP) == SOURCE_IP


@pytest.mark.parametrize(
    ("address", "counted"),
    [
        ("198.51.100.10", "198.51.100.10"),
        ("2001:db8:85a3:7:8a2e:370:7334:1", "2001:db8:85a3:7::/64"),
        ("2001:db8:85a3:7::ffff", "2001:db8:85a3:7::/64"),  # the same /64: one subscriber, one counter
        ("2001:db8:85a3:8::1", "2001:db8:85a3:8::/64"),
        ("::ffff:c633:640a", "198.51.100.10"),  # IPv4-mapped: the IPv4 address
        ("unknown", "unknown"),
    ],
)
def test_limits_count_an_ipv6_address_by_its_64(address: str, counted: str) -> None:
    assert network(address) == counted


def test_without_either_the_address_is_unknown() -> None:
    assert client_address("nonsense", None) == "unknown"
    assert client_address(None, "") == "unknown"


def test_code_attempts_are_counted_per_viewer_address(api: Api, seed: Callable[..., Any], services: Any) -> None:
    seed()
    services.use(limits=Limits(attempt_per_network=Limit("attempt-network", 2, 600)))
    held = api.post("/v1/appointments", hold_body(local(2, 9)), headers={"Idempotency-Key": "viewer-key-1"})
    assert held.status == 201
    path = f"/v1/appointments/{held.body['id']}/confirm"

    def attempt(code: str, viewer: str) -> int:
        return api.post(path, {"code": code}, headers={"CloudFront-Viewer-Address": viewer}).status

    assert attempt("000001", "198.51.100.10:40001") == 422
    assert attempt("000002", "198.51.100.10:40002") == 422  # another port, the same viewer
    assert attempt("000003", "2001:db8::7:40003") == 422  # another viewer: a counter of its own
    assert attempt("000004", "198.51.100.10:40004") == 429


def test_an_ipv6_64_is_one_counter_whatever_address_in_it(api: Api, seed: Callable[..., Any], services: Any) -> None:
    """One subscriber gets a whole /64: counting full addresses would give it 2**64 counters."""
    seed()
    services.use(limits=Limits(attempt_per_network=Limit("attempt-network", 2, 600)))
    held = api.post("/v1/appointments", hold_body(local(2, 9)), headers={"Idempotency-Key": "viewer-key-2"})
    path = f"/v1/appointments/{held.body['id']}/confirm"

    def attempt(code: str, viewer: str) -> int:
        return api.post(path, {"code": code}, headers={"CloudFront-Viewer-Address": viewer}).status

    assert attempt("000001", "2001:db8:0:1::1:40001") == 422
    assert attempt("000002", "2001:db8:0:1:ffff:ffff:ffff:fffe:40002") == 422
    assert attempt("000003", "2001:db8:0:1:1234::9:40003") == 429  # a third address of the same /64
    assert attempt("000003", "2001:db8:0:2::1:40004") == 422  # the next /64 counts apart
