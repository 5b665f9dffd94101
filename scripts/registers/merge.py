"""The merge rules of a register import: the register owns a few fields, everything else is the operator's, and a
field the operator edited by hand is never overwritten.

The register's values are a flat mapping of *owned keys* (``given_name``, ``identifiers[<system>]``,
``sites[<site id>].address``...) to values. The importer keeps, per professional, the values it took from the
register last time (the import's record, ``<directory>/imports/<format>.json``). For each owned key:

- the file has no value yet (a new professional, a new site, a field never set): the register's is written;
- the file's value is the register's: nothing to do;
- the file's value is what the import wrote last: the register changed, its new value is written;
- otherwise the value was edited by hand (or set before any import): it is kept, and reported;
- a key the import wrote once and the file no longer has (a site or field removed by hand) stays removed.

A site the register no longer lists is kept (it may hold hours and visit reasons) and reported, never deleted.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

MISSING: Any = object()
OWNED_KEY = re.compile(r"^(?:(identifiers)\[(.+)\]|sites\[([a-z0-9-]+)\]\.(\w+)|(\w+))$")


@dataclass
class Merged:
    record: dict[str, Any]
    kept: list[tuple[str, Any, Any]] = field(default_factory=list)  # (key, file's value, register's value)
    changed: list[str] = field(default_factory=list)  # keys written


def get(record: Mapping[str, Any], key: str) -> Any:
    """The value of an owned key in a data file's record, or MISSING."""
    match = OWNED_KEY.match(key)
    assert match, key
    identifiers, system, site_id, site_field, name = match.groups()
    if identifiers:
        found = [i["value"] for i in record.get("identifiers", []) if i["system"] == system]
        return found[0] if found else MISSING
    if site_id:
        site = next((s for s in record.get("sites", []) if s["id"] == site_id), None)
        return MISSING if site is None else site.get(site_field, MISSING)
    return record.get(name, MISSING)


def put(record: dict[str, Any], key: str, value: Any, new_site: Mapping[str, Any]) -> None:
    """Set an owned key (a site is created from ``new_site`` when the record has none of that id)."""
    match = OWNED_KEY.match(key)
    assert match, key
    identifiers, system, site_id, site_field, name = match.groups()
    if identifiers:
        items = record.setdefault("identifiers", [])
        item = next((i for i in items if i["system"] == system), None)
        if item is None:
            items.append({"system": system, "value": value})
        else:
            item["value"] = value
    elif site_id:
        sites = record.setdefault("sites", [])
        site = next((s for s in sites if s["id"] == site_id), None)
        if site is None:
            site = {"id": site_id, **copy.deepcopy(dict(new_site))}
            sites.append(site)
        site[site_field] = value
    else:
        record[name] = value


def site_removed(record: Mapping[str, Any], key: str, last: Mapping[str, Any]) -> bool:
    """The key is a site's that the import wrote before and the file no longer has."""
    match = OWNED_KEY.match(key)
    site_id = match.group(3) if match else None
    if not site_id or any(s["id"] == site_id for s in record.get("sites", [])):
        return False
    return any(k.startswith(f"sites[{site_id}].") for k in last)


def merge(
    record: Mapping[str, Any], register: Mapping[str, Any], last: Mapping[str, Any], new_site: Mapping[str, Any]
) -> Merged:
    """``record`` with the register's values where the rules allow (see the module's documentation)."""
    out = Merged(copy.deepcopy(dict(record)))
    for key, value in register.items():
        current, previous = get(out.record, key), last.get(key, MISSING)
        if current == value:
            continue
        if site_removed(out.record, key, last):
            out.kept.append((key, MISSING, value))
            continue
        if (current is MISSING and previous is MISSING) or (current is not MISSING and current == previous):
            put(out.record, key, value, new_site)
            out.changed.append(key)
        else:
            out.kept.append((key, current, value))
    return out


def gone_sites(record: Mapping[str, Any], register: Mapping[str, Any], last: Mapping[str, Any]) -> list[str]:
    """Ids of the sites the import wrote before that the register no longer lists (kept in the file)."""
    now = {m.group(3) for k in register if (m := OWNED_KEY.match(k)) and m.group(3)}
    before = {m.group(3) for k in last if (m := OWNED_KEY.match(k)) and m.group(3)}
    present = {s["id"] for s in record.get("sites", [])}
    return sorted((before - now) & present)
