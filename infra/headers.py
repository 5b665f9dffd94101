"""infra/security_headers.json as CloudFront response-headers policies (the local portal reads the same file).

The file's headers go on every answer; its ``_paths`` object gives one exact path headers of its own (the search
worker's Content-Security-Policy), which CloudFront sends through a cache behaviour for that path.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

HEADERS_FILE = Path(__file__).resolve().parent / "security_headers.json"

# CloudFront accepts only these values for the headers it models itself.
REFERRER_POLICIES = {
    "no-referrer",
    "no-referrer-when-downgrade",
    "origin",
    "origin-when-cross-origin",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
    "unsafe-url",
}
FRAME_OPTIONS = {"DENY", "SAMEORIGIN"}


class HeadersError(ValueError):
    """A header CloudFront cannot send as written; the message names the file and the header."""


def security_headers(path: Path = HEADERS_FILE) -> dict[str, str]:
    """The headers every answer carries, without the file's comment key and ``_paths``."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {name: value for name, value in data.items() if not name.startswith("_")}


def _directives(policy: str) -> set[str]:
    return {" ".join(d.split()) for d in policy.split(";") if d.strip()}


def path_headers(path: Path = HEADERS_FILE) -> dict[str, dict[str, str]]:
    """URL path -> every header an answer on that path carries: the file's headers with its ``_paths`` overrides.

    A path is exact (CloudFront's path patterns and the local portal must match the same requests), and a
    Content-Security-Policy there may only add directives to the site's policy, never drop or change one.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    base = security_headers(path)
    paths: dict[str, dict[str, str]] = {}
    for url_path, overrides in data.get("_paths", {}).items():
        if url_path.startswith("_"):
            continue
        where = f"{path}: _paths: {url_path!r}"
        if not url_path.startswith("/") or any(c in url_path for c in "*?"):
            raise HeadersError(f"{where}: write an exact URL path starting with '/' (no wildcard)")
        if not isinstance(overrides, dict) or not overrides:
            raise HeadersError(f"{where}: expected an object of header names and values")
        headers = {**base, **{name: value for name, value in overrides.items() if not name.startswith("_")}}
        csp = headers.get("Content-Security-Policy", "")
        if not _directives(base.get("Content-Security-Policy", "")) <= _directives(csp):
            raise HeadersError(f"{where}: Content-Security-Policy must keep every directive of the site's policy")
        paths[url_path] = headers
    return paths


def _hsts(value: str, path: Path) -> dict[str, Any]:
    directives = [part.strip() for part in value.split(";") if part.strip()]
    match = re.fullmatch(r"max-age=(\d+)", directives[0]) if directives else None
    extra = {d.lower() for d in directives[1:]}
    if match is None or not extra <= {"includesubdomains", "preload"}:
        raise HeadersError(f"{path}: Strict-Transport-Security: expected 'max-age=N[; includeSubDomains][; preload]'")
    return {
        "AccessControlMaxAgeSec": int(match.group(1)),
        "IncludeSubdomains": "includesubdomains" in extra,
        "Preload": "preload" in extra,
        "Override": True,
    }


def response_headers_policy(headers: dict[str, str], path: Path = HEADERS_FILE) -> dict[str, Any]:
    """``SecurityHeadersConfig`` and ``CustomHeadersConfig`` sending exactly ``headers``, overriding the origin's."""
    security: dict[str, Any] = {}
    custom: list[dict[str, Any]] = []
    for name, value in headers.items():
        key = name.lower()
        if key == "strict-transport-security":
            security["StrictTransportSecurity"] = _hsts(value, path)
        elif key == "content-security-policy":
            security["ContentSecurityPolicy"] = {"ContentSecurityPolicy": value, "Override": True}
        elif key == "x-content-type-options":
            if value != "nosniff":
                raise HeadersError(f"{path}: X-Content-Type-Options: CloudFront sends only 'nosniff'")
            security["ContentTypeOptions"] = {"Override": True}
        elif key == "referrer-policy":
            if value not in REFERRER_POLICIES:
                raise HeadersError(f"{path}: Referrer-Policy: {value!r} is not one CloudFront can send")
            security["ReferrerPolicy"] = {"ReferrerPolicy": value, "Override": True}
        elif key == "x-frame-options":
            if value not in FRAME_OPTIONS:
                raise HeadersError(f"{path}: X-Frame-Options: use DENY or SAMEORIGIN")
            security["FrameOptions"] = {"FrameOption": value, "Override": True}
        elif key == "x-xss-protection":
            raise HeadersError(f"{path}: X-XSS-Protection: leave it out (obsolete; the CSP protects instead)")
        else:
            custom.append({"Header": name, "Value": value, "Override": True})
    config: dict[str, Any] = {"SecurityHeadersConfig": security}
    if custom:
        config["CustomHeadersConfig"] = {"Items": custom}
    return config
