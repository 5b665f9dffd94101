"""Write functions/chalicelib/core/public_holidays.json: the public holidays the booking functions use, worked out
once from the pinned ``holidays`` package instead of in each new Lambda environment.

    .venv/bin/python scripts/public_holidays.py [--country MC ...]   (make public-holidays)

Importing ``holidays`` loads every country it knows: 0.2 to 0.5 s of a fresh environment's first slot lookup on a
2-core machine (docs/performance.md, cold start). The table covers the years a date may take in the API (2000 to
2100, core/ids.py's date range) for the territory's country; any other country or year still goes to the package.
tests/functions/core/test_public_holidays.py fails when the table and the pinned package disagree, so upgrading
``holidays`` means running this again.
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib.metadata import version
from pathlib import Path

import holidays

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "functions" / "chalicelib" / "core" / "public_holidays.json"
FIRST_YEAR, LAST_YEAR = 2000, 2100
COUNTRIES = ("MC",)


def table(countries: tuple[str, ...] = COUNTRIES) -> dict[str, object]:
    """The table as written: the package's version, the years covered and each country's dates by year."""
    by_country = {}
    for country in countries:
        days = holidays.country_holidays(country, years=range(FIRST_YEAR, LAST_YEAR + 1))
        by_year: dict[str, list[str]] = {}
        for day in sorted(days):
            by_year.setdefault(str(day.year), []).append(day.isoformat())
        by_country[country] = by_year
    return {"holidays": version("holidays"), "years": [FIRST_YEAR, LAST_YEAR], "countries": by_country}


def text(data: dict[str, object]) -> str:
    """One line per year, so that a change of the package shows as a readable diff."""
    countries = data["countries"]
    assert isinstance(countries, dict)
    lines = ["{", f'  "holidays": {json.dumps(data["holidays"])},', f'  "years": {json.dumps(data["years"])},']
    lines.append('  "countries": {')
    for c_index, (country, by_year) in enumerate(countries.items()):
        lines.append(f"    {json.dumps(country)}: {{")
        for y_index, (year, dates) in enumerate(by_year.items()):
            comma = "," if y_index < len(by_year) - 1 else ""
            lines.append(f"      {json.dumps(year)}: {json.dumps(dates)}{comma}")
        lines.append("    }" + ("," if c_index < len(countries) - 1 else ""))
    lines += ["  }", "}", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--country", action="append", help="ISO 3166 code (default: MC); repeat for several")
    args = parser.parse_args(argv)
    TABLE.write_text(text(table(tuple(args.country or COUNTRIES))), encoding="utf-8")
    print(f"wrote {TABLE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
