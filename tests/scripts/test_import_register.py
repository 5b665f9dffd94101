"""scripts/import_register.py: France's RPPS extract, in its published format, becomes data files the site builds
from; what cannot be imported is reported with its line and column, and hand edits survive the next import."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.practitioner import Practitioner

from plugins.directory.model import load_directory
from scripts import import_register
from scripts.data_files import file_text
from scripts.registers.rpps import HEADER, RPPS
from tests.site.sitebuild import ROOT, build

SAMPLE = Path(__file__).parent / "samples" / "PS_LibreAcces_Personne_activite_sample.txt"
PLACES = [  # the communes of the sample: a territory that imports from the RPPS has them in places.json
    {"code": "beausoleil", "name": "Beausoleil", "postal_code": "06240", "city": "Beausoleil",
     "latitude": 43.7426, "longitude": 7.4236},
    {"code": "cap-d-ail", "name": "Cap-d'Ail", "postal_code": "06320", "city": "Cap-d'Ail",
     "latitude": 43.7216, "longitude": 7.404},
]  # fmt: skip
FILTERS = ["--postcode", "06240", "--postcode", "06320"]


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content", folder)
    places = folder / "directory" / "places.json"
    data = json.loads(places.read_text(encoding="utf-8"))
    data["places"] += PLACES
    places.write_text(file_text(data), encoding="utf-8")
    return folder


@pytest.fixture
def run(content: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    def run(*args: str, extract: Path = SAMPLE) -> tuple[int, str, str]:
        code = import_register.main(["--format", "rpps", "--out", str(content / "directory"), *args, str(extract)])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def read(content: Path, pid: str) -> dict[str, Any]:
    path = content / "directory" / "practitioners" / f"{pid}.json"
    record: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return record


def write(content: Path, record: dict[str, Any]) -> None:
    (content / "directory" / "practitioners" / f"{record['id']}.json").write_text(file_text(record), encoding="utf-8")


def rows(extract: Path) -> list[list[str]]:
    return [line.split("|") for line in extract.read_text(encoding="utf-8").splitlines()]


def test_the_sample_is_in_the_published_format() -> None:
    lines = rows(SAMPLE)
    assert lines[0] == [*HEADER, ""], "the header as published, ending with a separator"
    assert all(len(line) == len(HEADER) + 1 and line[-1] == "" for i, line in enumerate(lines) if i != 7)


def test_the_extract_becomes_valid_files_and_every_problem_names_its_line_and_column(
    run: Callable[..., tuple[int, str, str]], content: Path
) -> None:
    code, out, err = run(*FILTERS)

    assert code == 1, "a malformed row and unmapped codes: the import says so in its exit status"
    assert "wrote 5 new and 0 updated professional file(s)" in out
    assert ":8: column 41: 41 fields where the header has 56" in err
    assert ":7: column 10 (Code profession): 10100000044 (Hugo Garnier): profession 'Audioprothésiste' (code 26)" in err
    assert ":9: column 16 (Code savoir-faire): 10100000066 (Paul Novaro): specialty 'Anatomie et cytologie" in err
    assert ":3: column 41 (Téléphone (coord. structure)): '0493' is not a phone number" in err
    assert "10100000088" not in err, "Nice (06000) is outside the postcodes asked for"

    loaded = {p["id"]: dict(p) for p in load_directory(content / "directory").practitioners}
    lambert = loaded["rpps-10100000011"]
    assert (lambert["civility"], lambert["given_name"], lambert["family_name"]) == ("dr", "Sophie", "Lambert")
    assert lambert["identifiers"] == [{"system": RPPS, "value": "10100000011"}]
    assert lambert["profession"] == "physician" and lambert["specialties"] == ["general-practice"]
    assert lambert["phone"] == "+33 4 93 78 12 01"
    assert [(s["address"], s["place"]) for s in lambert["sites"]] == [
        ("12 boulevard de la Republique", "beausoleil"),
        ("3 avenue du 3 Septembre", "cap-d-ail"),
    ], "two rows of one professional: two sites"
    assert "phone" not in lambert["sites"][1], "the unreadable number is left out, the site is not"
    assert loaded["rpps-10100000022"]["specialties"] == ["cardiology", "allergology"]
    assert loaded["rpps-10100000066"]["specialties"] == [], "imported without the specialty it reported"
    assert loaded["rpps-10100000077"]["profession"] == "pharmacist"
    assert "rpps-10100000044" not in loaded and "rpps-10100000055" not in loaded


def test_a_second_import_keeps_hand_edits_and_takes_the_registers_changes(
    run: Callable[..., tuple[int, str, str]], content: Path, tmp_path: Path
) -> None:
    run(*FILTERS)
    lambert = read(content, "rpps-10100000011")
    lambert["family_name"] = "Lambert-Rossi"  # corrected by the operator
    lambert["languages"] = ["fr", "it"]  # the operator's field
    lambert["sites"][0]["hours"] = [{"days": ["mon"], "start": "09:00", "end": "12:00", "reasons": ["consultation"]}]
    write(content, lambert)
    assert run(*FILTERS)[1].count("5 unchanged") == 1, "the same extract again: nothing to write"

    lines = rows(SAMPLE)
    family, phone = HEADER.index("Nom d'exercice"), HEADER.index("Téléphone (coord. structure)")
    for line in lines[1:3]:
        line[family] = "LAMBERT-DURAND"  # the register renames her too
    for line in lines[3:5]:
        line[phone] = "0493789999"  # the cardiologist's new number
    extract = tmp_path / "next.txt"
    extract.write_text("\n".join("|".join(line) for line in lines) + "\n", encoding="utf-8")

    code, out, err = run(*FILTERS, extract=extract)
    assert code == 1, "the malformed row is still there"

    assert "wrote 0 new and 1 updated" in out
    after = read(content, "rpps-10100000011")
    assert after == lambert, "her file is as the operator left it"
    assert "rpps-10100000011.json: family_name: kept 'Lambert-Rossi' (edited by hand)" in err
    delorme = read(content, "rpps-10100000022")
    assert delorme["phone"] == delorme["sites"][0]["phone"] == "+33 4 93 78 99 99"


def test_a_dry_run_prints_the_diff_and_writes_nothing(run: Callable[..., tuple[int, str, str]], content: Path) -> None:
    folder = content / "directory"
    before = sorted(p.name for p in (folder / "practitioners").iterdir())
    code, out, _ = run("--dry-run", *FILTERS)
    assert code == 1
    assert "+++ " + str(folder / "practitioners" / "rpps-10100000011.json") + " (rpps)" in out
    assert '+  "family_name": "Lambert",' in out
    assert "would write 5 new" in out
    assert sorted(p.name for p in (folder / "practitioners").iterdir()) == before
    assert not (folder / "imports").exists()


def test_a_file_that_is_not_an_extract_stops_with_status_2(
    run: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    other = tmp_path / "other.txt"
    other.write_text("Identifiant PP|Nom d'exercice|\n10100000011|LAMBERT|\n", encoding="utf-8")
    code, _, err = run(extract=other)
    assert code == 2
    assert "not an RPPS 'Personne activité' extract: no column \"Type d'identifiant PP\"" in err


def test_the_site_builds_from_the_imported_files(
    run: Callable[..., tuple[int, str, str]], content: Path, tmp_path: Path
) -> None:
    run(*FILTERS)
    output = tmp_path / "output"
    result = build(output, content)
    assert result.returncode == 0, result.stderr
    page = (output / "fr" / "professionals" / "rpps-10100000011" / "index.html").read_text(encoding="utf-8")
    assert "Sophie Lambert" in page and "12 boulevard de la Republique" in page
    assert "10100000011" in page, "the register's number is shown, as the open data has it"
    listing = (output / "fr" / "places" / "cap-d-ail" / "index.html").read_text(encoding="utf-8")
    assert "rpps-10100000033" in listing
    # the FHIR directory names the register: the RPPS number under its national system, valid R4
    lines = (output / "fhir" / "Practitioner.ndjson").read_text(encoding="utf-8").splitlines()
    practitioner = next(json.loads(line) for line in lines if '"rpps-10100000011"' in line)
    Practitioner.model_validate(practitioner)
    assert practitioner["identifier"] == [{"use": "official", "system": RPPS, "value": "10100000011"}]
    roles = (output / "fhir" / "PractitionerRole.ndjson").read_text(encoding="utf-8")
    assert '"id":"rpps-10100000011.c10100000012"' in roles
