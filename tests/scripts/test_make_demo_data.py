"""scripts/make_demo_data.py and the demo data it made: titles that agree with first names ("M. Léa" and "Mme
Arthur" were in the directory), and the committed files exactly what the committed command makes."""

from __future__ import annotations

import filecmp
import json
from pathlib import Path

from scripts import make_demo_data
from scripts.make_demo_data import GIVEN, TITLE_OF_GIVEN

ROOT = Path(__file__).resolve().parent.parent.parent
SOURCE = ROOT / "content" / "directory"
# Given names French and Italian give to men or women alike: either title is right.
EITHER = {"Camille"}
WOMEN = {"Léa", "Chloé", "Manon", "Sarah", "Inès", "Alice", "Julia", "Eva", "Giulia", "Sofia", "Anna", "Claire"}
WOMEN |= {"Laura", "Elena", "Marie", "Emma", "Lina", "Zoé", "Charlotte", "Isabelle", "Hélène", "Sophie"}


def test_every_title_in_the_data_files_agrees_with_the_first_name() -> None:
    wrong = []
    for path in sorted((SOURCE / "practitioners").glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        civility, given = record.get("civility"), record["given_name"].split()[0]
        if civility in ("mr", "ms") and given not in EITHER and civility != ("ms" if given in WOMEN else "mr"):
            wrong.append(f"{path.name}: {civility} {given}")
    assert wrong == []


def test_the_generator_knows_the_title_of_each_first_name_it_gives() -> None:
    assert set(GIVEN) - set(TITLE_OF_GIVEN) == EITHER
    assert {name for name, title in TITLE_OF_GIVEN.items() if title == "ms"} == WOMEN


def test_the_committed_demo_is_what_the_committed_command_makes(tmp_path: Path) -> None:
    """``make demo-data`` (--count 400 --seed 2026) writes the committed files byte for byte, the three
    professionals with a second site included: the data and the generator cannot drift apart."""
    out = tmp_path / "directory"
    make_demo_data.main(["--count", "400", "--seed", "2026", "--out", str(out)])
    for kind in ("practitioners", "establishments"):
        names = sorted(p.name for p in (SOURCE / kind).glob("*.json"))
        assert sorted(p.name for p in (out / kind).glob("*.json")) == names
        _, mismatch, errors = filecmp.cmpfiles(SOURCE / kind, out / kind, names, shallow=False)
        assert mismatch == errors == []


def test_every_text_a_patient_reads_on_a_profile_is_in_the_five_languages() -> None:
    """A Russian or Italian reader of a demo profile reads its reasons, their instructions and the biography in
    their language, not in French (they were French and English only)."""
    languages = {"fr", "en", "it", "es", "ru"}
    missing = []
    for path in sorted((SOURCE / "practitioners").glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        texts = {"biography": record["biography"]}
        for reason in record["visit_reasons"]:
            texts[f"{reason['id']} label"] = reason["label"]
            if "instructions" in reason:
                texts[f"{reason['id']} instructions"] = reason["instructions"]
        missing += [f"{path.name}: {name}" for name, text in texts.items() if set(text) != languages]
    assert missing == []
