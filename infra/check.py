"""Synthesise every stage offline, then lint the templates with cfn-lint and scan them with checkov.

    python -m infra.check [--out infra/build]        (``make infra-check``)

checkov runs from its own virtual environment (``make checkov-venv``; it pins an older boto3 than ours).
Each checkov skip is in the template's Metadata with its reason; any failed check fails this command.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra.stages import ROOT, load_stage, stage_names
from infra.synth import BUILD, SynthError, synthesise

CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"


@dataclass(frozen=True)
class CheckovReport:
    passed: int
    failed: list[dict[str, Any]]
    skipped: list[dict[str, Any]]
    parsing_errors: int


def synthesise_all(out: Path) -> list[Path]:
    """Every stage's templates under ``out``, the main ones also after the SAM transform; returns the files."""
    paths: list[Path] = []
    for name in stage_names():
        synthesis = synthesise(load_stage(name), out)
        for path in [*synthesis.templates, synthesis.expanded]:
            if path not in paths:
                paths.append(path)
    return paths


def run_cfn_lint(templates: list[Path]) -> subprocess.CompletedProcess[str]:
    """cfn-lint over ``templates`` (SAM transform included); return code 0 means clean."""
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    return subprocess.run([str(cfn_lint), *map(str, templates)], capture_output=True, text=True, check=False)


def run_checkov(directory: Path, checkov: Path = CHECKOV) -> CheckovReport:
    """checkov's CloudFormation checks over ``directory``, offline (no download of guidelines or policies)."""
    if not checkov.exists():
        raise FileNotFoundError(f"{checkov} is missing: run 'make checkov-venv' first")
    result = subprocess.run(
        # The expanded copies are left out: checkov reads the SAM source, where each skip and its reason are written.
        # checkov runs from inside ``directory`` on ".": its secret checks also read the template's file path
        # (checkov puts it beside each value it parses), so an absolute path would make the verdict depend on where
        # the project happens to be cloned; a path with a run of 40 letters, digits and slashes reads as an AWS key.
        [
            str(checkov),
            "-d",
            ".",
            "--framework",
            "cloudformation",
            "--skip-download",
            "--skip-path",
            "expanded",
            "-o",
            "json",
        ],
        cwd=directory,
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        data = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise RuntimeError(f"checkov gave no report (exit {result.returncode}):\n{result.stderr[-4000:]}") from None
    reports = data if isinstance(data, list) else [data]
    passed, failed, skipped, parsing_errors = 0, [], [], 0
    for report in reports:
        results = report.get("results", {})
        passed += len(results.get("passed_checks", []))
        failed += results.get("failed_checks", [])
        skipped += results.get("skipped_checks", [])
        parsing_errors += report.get("summary", {}).get("parsing_errors", 0)
    return CheckovReport(passed=passed, failed=failed, skipped=skipped, parsing_errors=parsing_errors)


def describe(check: dict[str, Any]) -> str:
    """One line per failed check: which check, which resource, where, and the keys it looked at."""
    lines = check.get("file_line_range") or []
    where = f"{check['file_path']}:{lines[0]}" if lines else check["file_path"]
    keys = ", ".join(check.get("check_result", {}).get("evaluated_keys") or [])
    return f"{check['check_id']} {check['check_name']} - {check['resource']} ({where}){f' [{keys}]' if keys else ''}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Synthesise, cfn-lint and checkov every stage's templates.")
    parser.add_argument("--out", type=Path, default=BUILD)
    args = parser.parse_args(argv)
    try:
        templates = synthesise_all(args.out)
    except SynthError as err:
        print(f"synth: {err}", file=sys.stderr)
        return 1
    print(f"synthesised {len(templates)} templates into {args.out}")
    lint = run_cfn_lint(templates)
    if lint.returncode != 0:
        print(f"cfn-lint found problems:\n{lint.stdout}{lint.stderr}", file=sys.stderr)
        return 1
    print("cfn-lint: clean")
    report = run_checkov(args.out)
    for check in report.skipped:
        reason = check.get("check_result", {}).get("suppress_comment", "")
        print(f"checkov skipped {check['check_id']} on {check['resource']}: {reason}")
    if report.parsing_errors:
        print(f"checkov could not parse {report.parsing_errors} template(s)", file=sys.stderr)
        return 1
    if report.failed:
        print("checkov failed checks:\n" + "\n".join(describe(c) for c in report.failed), file=sys.stderr)
        return 1
    print(f"checkov: {report.passed} passed, 0 failed, {len(report.skipped)} skipped (reasons in the templates)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
