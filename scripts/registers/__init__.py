"""National registers of health professionals, read into one shape that scripts/import_register.py merges into the
directory's data files.

A format module (``rpps`` for France's RPPS extract) turns its file into ``Entry`` values, one per professional,
and ``Problem`` values for what it could not read, each naming the line and column. It knows nothing of the data
files: mapping codes to the taxonomy, places, merging and writing are the importer's, the same for every format.
See docs/data-files.md ("Import from a national register") for what another format needs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple


class Problem(NamedTuple):
    """Something of the file that was not imported, and where: line (1-based), column (name or number)."""

    line: int
    column: str
    message: str


class Code(NamedTuple):
    """A code of the register (a profession or a specialty), with its label and where it was read."""

    systems: tuple[str, ...]  # the code systems it may belong to, in order (taxonomy.json ``codes`` use them)
    code: str
    label: str
    line: int
    column: str


@dataclass
class Site:
    """One place of practice, as the register gives it."""

    key: str  # a code for the site's id in the data file, stable from one extract to the next
    address: str
    postal_code: str
    city: str
    line: int
    name: str = ""
    phone: str = ""
    postal_column: str = ""  # where the postcode is, for messages


@dataclass
class Entry:
    """One professional, as the register gives them (all their rows merged)."""

    system: str  # the register's identifier system (URI), e.g. https://rpps.esante.gouv.fr
    number: str  # their number in it
    file_id: str  # the data file id a new professional gets, e.g. rpps-10003461033
    given_name: str
    family_name: str
    profession: Code
    line: int  # their first row
    civility: str = ""
    specialties: list[Code] = field(default_factory=list)
    sites: list[Site] = field(default_factory=list)
    other_professions: list[Code] = field(default_factory=list)  # rows naming another profession
    number_column: str = ""  # where the number and the phone are, for messages
    phone_column: str = ""


@dataclass
class Extract:
    """What a format module read from a file."""

    entries: list[Entry]
    problems: list[Problem]
    rows: int  # data rows read
    filtered: int = 0  # rows left out by the postcode filters


Reader = Callable[[Path, Sequence[str]], Extract]


def readers() -> dict[str, Reader]:
    """Each format's reader by its ``--format`` name."""
    from scripts.registers import rpps

    return {"rpps": rpps.read}
