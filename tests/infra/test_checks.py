"""cfn-lint and checkov over the synthesised templates: what `make infra-check` runs, asserted here."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from infra.check import CHECKOV, describe, run_cfn_lint, run_checkov
from infra.stages import ROOT
from infra.synth import TEMPLATES, Synthesis


def test_cfn_lint_is_clean_on_the_sources_and_on_the_expanded_templates(syntheses: dict[str, Synthesis]) -> None:
    templates = sorted({path for s in syntheses.values() for path in [*s.templates, s.expanded]})
    assert len(templates) == 1 + 3 * len(syntheses)  # bootstrap + (edge, portal, portal expanded) per stage
    result = run_cfn_lint(templates)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def checkov_report(synth_root: Path, syntheses: dict[str, Synthesis], tmp_path_factory: pytest.TempPathFactory) -> Any:
    """checkov over the templates as cloned into a folder whose path reads like an AWS secret key.

    Its secret checks also scan the file path it keeps beside each parsed value; "abcdefghijklmnop/infra/build/
    prod/portal" is a run of exactly 40 letters and slashes, the shape of an AWS secret key, as a CI clone's path
    once was. The verdict must not depend on where the project is cloned."""
    if not CHECKOV.exists():  # made on demand, as `make test` does before the tests (about 40 s, once)
        subprocess.run(["make", "--no-print-directory", "checkov-venv"], cwd=ROOT, check=True)
    build = tmp_path_factory.mktemp("clone") / "ci-abcdefghijklmnop" / "infra" / "build"
    shutil.copytree(synth_root, build)
    return run_checkov(build)


def test_checkov_finds_no_failed_check(checkov_report: Any) -> None:
    assert checkov_report.parsing_errors == 0
    assert checkov_report.passed > 50  # it really scanned the stacks
    failures = [describe(c) for c in checkov_report.failed]
    assert failures == []


def test_every_checkov_skip_carries_its_reason(checkov_report: Any) -> None:
    assert checkov_report.skipped
    for check in checkov_report.skipped:
        reason = check["check_result"].get("suppress_comment", "")
        assert len(reason) > 40, check["check_id"]


def test_every_skip_in_the_template_sources_has_a_comment() -> None:
    """The skips written by hand in infra/templates/ (the functions' are in infra/synth.py, asserted above)."""
    for source in TEMPLATES.glob("*.yaml"):
        template = yaml.safe_load(source.read_text(encoding="utf-8"))
        for name, resource in template["Resources"].items():
            for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
                assert skip["id"].startswith(("CKV_", "CKV2_")), (source.name, name)
                assert len(skip.get("comment", "")) > 40, (source.name, name, skip["id"])
