"""infra/security_headers.json's ``_paths``: exact paths whose Content-Security-Policy only adds to the site's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from infra.headers import HeadersError, path_headers, security_headers

SITE = {"Content-Security-Policy": "default-src 'self'; object-src 'none'", "X-Frame-Options": "DENY"}


def headers_file(tmp_path: Path, paths: dict[str, Any]) -> Path:
    path = tmp_path / "security_headers.json"
    path.write_text(json.dumps({"_comment": "test", **SITE, "_paths": paths}), encoding="utf-8")
    return path


def test_a_path_gets_the_site_headers_with_its_overrides(tmp_path: Path) -> None:
    worker = "default-src 'self'; object-src 'none'; script-src 'self' 'wasm-unsafe-eval'"
    path = headers_file(tmp_path, {"_comment": "why", "/w.js": {"Content-Security-Policy": worker}})
    assert security_headers(path) == SITE  # the readers of every answer's headers do not see _paths
    assert path_headers(path) == {"/w.js": {"Content-Security-Policy": worker, "X-Frame-Options": "DENY"}}


@pytest.mark.parametrize(
    ("url_path", "overrides", "says"),
    [
        ("pagefind/w.js", {"X-Frame-Options": "SAMEORIGIN"}, "exact URL path"),
        ("/pagefind/*", {"X-Frame-Options": "SAMEORIGIN"}, "no wildcard"),
        ("/w.js", {}, "object of header names"),
        ("/w.js", {"Content-Security-Policy": "default-src *; object-src 'none'"}, "every directive"),
        ("/w.js", {"Content-Security-Policy": "script-src 'self'"}, "every directive"),
    ],
)
def test_a_path_entry_that_cannot_be_served_as_written_names_the_file_and_the_path(
    tmp_path: Path, url_path: str, overrides: dict[str, str], says: str
) -> None:
    path = headers_file(tmp_path, {url_path: overrides})
    with pytest.raises(HeadersError, match=says) as err:
        path_headers(path)
    assert str(path) in str(err.value) and url_path in str(err.value)
