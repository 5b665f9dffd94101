"""France's RPPS public extract, "PS_LibreAcces_Personne_activite": one row per activity of a professional.

The file is UTF-8 text, one header row, fields separated by ``|`` with no quoting, and every line (the header too)
ends with a ``|``. Columns are found by their header name (the extract has changed columns over the years), and
only those below are read. Professions and specialties keep the register's codes: the Code profession is of the
national nomenclature TRE_G15 (psychologists, code 93, of TRE_R95), a savoir-faire of type S (specialité ordinale)
of TRE_R38; taxonomy.json maps them with its ``codes``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from scripts.registers import Code, Entry, Extract, Problem, Site

NOS = "https://mos.esante.gouv.fr/NOS/{0}/FHIR/{1}"
PROFESSIONS = (
    NOS.format("TRE_G15-ProfessionSante", "TRE-G15-ProfessionSante"),
    NOS.format("TRE_R95-UsagerTitre", "TRE-R95-UsagerTitre"),
)
SPECIALTIES = {"S": (NOS.format("TRE_R38-SpecialiteOrdinale", "TRE-R38-SpecialiteOrdinale"),)}
# The identifier each kind of number goes under (FHIR Identifier.system): the RPPS number under the URI that the
# national directory's own FHIR API (Annuaire Santé) and FR Core use for it; an ADELI professional under their
# national identifier (IDNPS: "0" + ADELI number), whose system is the OID of that identifier.
RPPS = "https://rpps.esante.gouv.fr"
IDNPS = "urn:oid:1.2.250.1.71.4.2.1"

# The columns of the extract as published, in order (8 October 2026). The importer needs only some of them.
HEADER = [
    "Type d'identifiant PP", "Identifiant PP", "Identification nationale PP", "Code civilité d'exercice",
    "Libellé civilité d'exercice", "Code civilité", "Libellé civilité", "Nom d'exercice", "Prénom d'exercice",
    "Code profession", "Libellé profession", "Code catégorie professionnelle", "Libellé catégorie professionnelle",
    "Code type savoir-faire", "Libellé type savoir-faire", "Code savoir-faire", "Libellé savoir-faire",
    "Code mode exercice", "Libellé mode exercice", "Numéro SIRET site", "Numéro SIREN site", "Numéro FINESS site",
    "Numéro FINESS établissement juridique", "Identifiant technique de la structure", "Raison sociale site",
    "Enseigne commerciale site", "Complément destinataire (coord. structure)",
    "Complément point géographique (coord. structure)", "Numéro Voie (coord. structure)",
    "Indice répétition voie (coord. structure)", "Code type de voie (coord. structure)",
    "Libellé type de voie (coord. structure)", "Libellé Voie (coord. structure)",
    "Mention distribution (coord. structure)", "Bureau cedex (coord. structure)", "Code postal (coord. structure)",
    "Code commune (coord. structure)", "Libellé commune (coord. structure)", "Code pays (coord. structure)",
    "Libellé pays (coord. structure)", "Téléphone (coord. structure)", "Téléphone 2 (coord. structure)",
    "Télécopie (coord. structure)", "Adresse e-mail (coord. structure)", "Code Département (structure)",
    "Libellé Département (structure)", "Ancien identifiant de la structure", "Autorité d'enregistrement",
    "Code secteur d'activité", "Libellé secteur d'activité", "Code section tableau pharmaciens",
    "Libellé section tableau pharmaciens", "Code rôle", "Libellé rôle", "Code genre activité",
    "Libellé genre activité",
]  # fmt: skip
REQUIRED = [
    "Type d'identifiant PP", "Identifiant PP", "Nom d'exercice", "Prénom d'exercice", "Code profession",
    "Libellé profession", "Libellé Voie (coord. structure)", "Code postal (coord. structure)",
    "Libellé commune (coord. structure)", "Téléphone (coord. structure)",
]  # fmt: skip
OPTIONAL = [
    "Identification nationale PP", "Code civilité d'exercice", "Code civilité", "Code type savoir-faire",
    "Code savoir-faire", "Libellé savoir-faire", "Identifiant technique de la structure", "Raison sociale site",
    "Enseigne commerciale site", "Numéro Voie (coord. structure)", "Indice répétition voie (coord. structure)",
    "Libellé type de voie (coord. structure)", "Complément point géographique (coord. structure)",
    "Bureau cedex (coord. structure)", "Code pays (coord. structure)",
]  # fmt: skip
CIVILITIES = {"DR": "dr", "PR": "pr", "M": "mr", "MME": "ms", "MLLE": "ms"}
REPEATS = {"B": "bis", "T": "ter", "Q": "quater", "C": "quinquies"}
SMALL_WORDS = {"de", "du", "des", "la", "le", "les", "d", "l", "et", "en", "sur", "sous", "aux", "au", "à"}
MONACO = "99138"  # INSEE code of the country, in "Code pays"


class HeaderError(Exception):
    """The file is not an extract this reader knows: a needed column is missing."""


def key(name: str) -> str:
    """A header name compared without case, accents' composition or extra spaces (the extract's spelling of
    "(coord. Structure)" and of "Département" has varied)."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def proper(text: str, *, capital: bool = True) -> str:
    """A name as the directory shows it: ``"DE LA FONTAINE"`` -> ``"De la Fontaine"`` (``"de la Fontaine"``
    without ``capital``, for a street after its type); text already in mixed case is kept as the register wrote
    it."""
    text = " ".join(text.split())
    if text != text.upper():
        return text
    words = re.split(r"(\s+|-|')", text.lower())
    out = []
    for i, word in enumerate(words):
        out.append(word if ((i or not capital) and word in SMALL_WORDS) else word[:1].upper() + word[1:])
    return "".join(out)


def phone_number(raw: str, country: str) -> str:
    """``"0493781234"`` -> ``"+33 4 93 78 12 34"``; raises ValueError for what is not a phone number."""
    digits = re.sub(r"[\s.\-/()]", "", raw)
    if digits.startswith("+"):
        digits = "00" + digits[1:]
    if not digits.isdigit():
        raise ValueError(f"{raw!r} is not a phone number")
    if digits.startswith("00377") or (country == MONACO and len(digits) == 8):
        rest = digits[5:] if digits.startswith("00377") else digits
        return "+377 " + " ".join(rest[i : i + 2] for i in range(0, len(rest), 2))
    if digits.startswith("0033"):
        digits = "0" + digits[4:]
    if len(digits) == 10 and digits[0] == "0" and digits[1] != "0":
        return "+33 " + digits[1] + " " + " ".join(digits[i : i + 2] for i in range(2, 10, 2))
    if digits.startswith("00") and 8 <= len(digits) <= 17:
        return "+" + digits[2:]
    raise ValueError(f"{raw!r} is not a phone number this import can read (French, Monegasque or +country)")


def site_key(structure: str, address: str, postal_code: str) -> str:
    """The site's id in the data file: the register's technical id of the structure, lower-cased."""
    code = re.sub(r"[^a-z0-9]+", "-", structure.lower()).strip("-")[:63]
    if code:
        return code
    import hashlib

    return "site-" + hashlib.blake2b(f"{address}|{postal_code}".encode(), digest_size=4).hexdigest()


class Row:
    """One data row: its cells by column name, where it is, and the column numbers for messages."""

    def __init__(self, cells: list[str], line: int, columns: dict[str, int]) -> None:
        self.cells, self.line, self.columns = cells, line, columns

    def __getitem__(self, name: str) -> str:
        index = self.columns.get(name)
        return self.cells[index].strip() if index is not None else ""

    def where(self, name: str) -> str:
        return f"column {self.columns[name] + 1} ({name})"


def columns_of(header: list[str]) -> dict[str, int]:
    """Each needed column's position; HeaderError naming the missing ones."""
    positions = {key(name): i for i, name in enumerate(header)}
    missing = [name for name in REQUIRED if key(name) not in positions]
    if missing:
        raise HeaderError(f"not an RPPS 'Personne activité' extract: no column {', '.join(map(repr, missing))}")
    return {name: positions[key(name)] for name in REQUIRED + OPTIONAL if key(name) in positions}


def read(path: Path, postcodes: Sequence[str] = ()) -> Extract:
    """The professionals of the extract at ``path`` whose sites' postcodes start with one of ``postcodes`` (all
    when empty), and every row or cell that could not be read, with its line and column."""
    problems: list[Problem] = []
    entries: dict[str, Entry] = {}
    rows = filtered = 0
    with path.open("rb") as handle:
        header_line = handle.readline().decode("utf-8-sig").rstrip("\r\n")
        header = header_line.split("|")
        if header and header[-1] == "":
            header.pop()
        columns = columns_of(header)
        for number, raw in enumerate(handle, start=2):
            text = raw.rstrip(b"\r\n")
            if not text.strip():
                continue
            rows += 1
            try:
                line = text.decode("utf-8")
            except UnicodeDecodeError as err:
                problems.append(Problem(number, f"column {text[: err.start].count(b'|') + 1}", "not UTF-8 text"))
                continue
            cells = line.split("|")
            if len(cells) == len(header) + 1 and cells[-1] == "":
                cells.pop()
            if len(cells) != len(header):
                problems.append(
                    Problem(number, f"column {len(cells)}", f"{len(cells)} fields where the header has {len(header)}")
                )
                continue
            row = Row(cells, number, columns)
            if postcodes and not row["Code postal (coord. structure)"].startswith(tuple(postcodes)):
                filtered += 1
                continue
            add_row(row, entries, problems)
    for entry in entries.values():
        if not entry.sites:
            problems.append(Problem(entry.line, "", f"{entry.number}: no place of practice with an address"))
    return Extract([e for e in entries.values() if e.sites], problems, rows, filtered)


def add_row(row: Row, entries: dict[str, Entry], problems: list[Problem]) -> None:
    """Add one activity to its professional's entry (created by their first row)."""
    kind, number = row["Type d'identifiant PP"], row["Identifiant PP"]
    if not re.fullmatch(r"[0-9A-Za-z]{4,20}", number):
        problems.append(Problem(row.line, row.where("Identifiant PP"), f"{number!r} is not an identifier"))
        return
    if kind not in ("8", "0"):
        problems.append(Problem(row.line, row.where("Type d'identifiant PP"), f"unknown kind of identifier {kind!r}"))
        return
    given, family = proper(row["Prénom d'exercice"]), proper(row["Nom d'exercice"])
    if not given or not family:
        column = "Prénom d'exercice" if not given else "Nom d'exercice"
        problems.append(Problem(row.line, row.where(column), "is empty"))
        return
    profession = Code(
        PROFESSIONS, row["Code profession"], row["Libellé profession"], row.line, row.where("Code profession")
    )
    entry = entries.get(number)
    if entry is None:
        system, value = (RPPS, number) if kind == "8" else (IDNPS, row["Identification nationale PP"] or "0" + number)
        civility = CIVILITIES.get(row["Code civilité d'exercice"]) or CIVILITIES.get(row["Code civilité"], "")
        prefix = "rpps" if kind == "8" else "adeli"
        entry = entries[number] = Entry(
            system, value, f"{prefix}-{number.lower()}", given, family, profession, row.line, civility
        )
        entry.number_column, entry.phone_column = row.where("Identifiant PP"), row.where("Téléphone (coord. structure)")
    elif profession.code != entry.profession.code and profession.code not in {c.code for c in entry.other_professions}:
        entry.other_professions.append(profession)
    skill = row["Code savoir-faire"]
    if skill and skill not in {c.code for c in entry.specialties}:
        systems = SPECIALTIES.get(row["Code type savoir-faire"], ())
        label = row["Libellé savoir-faire"]
        entry.specialties.append(Code(systems, skill, label, row.line, row.where("Code savoir-faire")))
    site = site_of(row, problems)
    if site is None:
        return
    same = next((s for s in entry.sites if s.key == site.key), None)
    if same is None:
        entry.sites.append(site)
    elif not same.phone:
        same.phone = site.phone


def site_of(row: Row, problems: list[Problem]) -> Site | None:
    """The row's place of practice; None when it has no address (a professional without a practice)."""
    street = " ".join(
        part
        for part in (
            row["Numéro Voie (coord. structure)"],
            REPEATS.get(row["Indice répétition voie (coord. structure)"].upper(), ""),
            row["Libellé type de voie (coord. structure)"].lower(),
            proper(row["Libellé Voie (coord. structure)"], capital=not row["Libellé type de voie (coord. structure)"]),
        )
        if part
    )
    if not row["Libellé Voie (coord. structure)"]:
        street = proper(row["Complément point géographique (coord. structure)"])
    postal_code = row["Code postal (coord. structure)"]
    city = proper(row["Libellé commune (coord. structure)"])
    if not city and row["Bureau cedex (coord. structure)"]:
        city = proper(re.sub(r"^\d+\s*|\s*CEDEX.*$", "", row["Bureau cedex (coord. structure)"]))
    if not (street or postal_code or city):
        return None
    for column, value in (
        ("Libellé Voie (coord. structure)", street),
        ("Code postal (coord. structure)", postal_code),
        ("Libellé commune (coord. structure)", city),
    ):
        if len(value) < (3 if column.startswith("Libellé Voie") else 1):
            problems.append(Problem(row.line, row.where(column), "is empty: the site is left out"))
            return None
    phone = ""
    if row["Téléphone (coord. structure)"]:
        try:
            phone = phone_number(row["Téléphone (coord. structure)"], row["Code pays (coord. structure)"])
        except ValueError as err:
            problems.append(Problem(row.line, row.where("Téléphone (coord. structure)"), str(err)))
    name = proper(row["Enseigne commerciale site"] or row["Raison sociale site"])
    structure = row["Identifiant technique de la structure"]
    where = row.where("Code postal (coord. structure)")
    return Site(site_key(structure, street, postal_code), street, postal_code, city, row.line, name, phone, where)
