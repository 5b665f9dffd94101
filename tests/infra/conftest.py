"""Fixtures of the infrastructure tests: every stage synthesised once per session, offline, into a temp folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from infra.stages import load_stage, stage_names
from infra.synth import Synthesis, synthesise


@pytest.fixture(scope="session")
def synth_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("infra-build")


@pytest.fixture(scope="session")
def syntheses(synth_root: Path) -> dict[str, Synthesis]:
    return {name: synthesise(load_stage(name), synth_root) for name in stage_names()}


@pytest.fixture(scope="session")
def templates(syntheses: dict[str, Synthesis]) -> dict[str, dict[str, dict[str, Any]]]:
    """``templates[stage][kind]``: the synthesised templates as dictionaries; ``expanded`` is ``portal`` after the
    SAM transform (what CloudFormation creates)."""

    def read(path: Path) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data

    return {
        name: {
            "portal": read(s.portal),
            "expanded": read(s.expanded),
            "edge": read(s.edge),
            "bootstrap": read(s.bootstrap),
        }
        for name, s in syntheses.items()
    }


def of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    """The resources of ``template`` whose Type is ``kind``, by logical id."""
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


def parameter_default(template: dict[str, Any], value: Any) -> Any:
    """Resolve ``{"Ref": Param}`` to the parameter's default (the stage's value written by the synthesis)."""
    if isinstance(value, dict) and set(value) == {"Ref"} and value["Ref"] in template.get("Parameters", {}):
        return template["Parameters"][value["Ref"]].get("Default")
    return value
