"""The deploy command as CI and an operator run it: a dry run offline, and a loud stop without credentials."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from infra.deploy import EXIT_NOT_DEPLOYED, point_at_artifacts
from infra.stages import ROOT, load_stage
from infra.synth import SynthError, Synthesis, complete_functions, requirements, scope_role

# No credentials of any kind: not the tests' fake ones, no profile, no instance metadata.
NO_AWS = {
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
    "AWS_CONFIG_FILE": "/nonexistent/config",
    "AWS_EC2_METADATA_DISABLED": "true",
}


def environment_without_aws() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return {**env, **NO_AWS}


def run_deploy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "infra.deploy", *args],
        cwd=ROOT,
        env=environment_without_aws(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def dry_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    build = tmp_path_factory.mktemp("dry-run")
    return run_deploy("--stage", "dev", "--dry-run", "--build-dir", str(build)), build


def test_dry_run_builds_the_site_and_synthesises_offline_then_exits_0(dry_run: Any) -> None:
    result, build = dry_run
    assert result.returncode == 0, result.stdout + result.stderr
    assert "nothing sent to AWS" in result.stdout
    for name in ("dev/portal.json", "dev/edge.json", "bootstrap.json", "dev/deployment.zip", "dev/site/index.html"):
        assert (build / name).is_file(), name
    # The site is the published build: absolute links carry the stage's public URL (publishconf.py, SITE_URL).
    site_url = load_stage("dev").site_url
    texts = (p.read_text(encoding="utf-8") for p in (build / "dev" / "site").rglob("*") if p.suffix in {".xml", ".txt"})
    assert any(site_url in text for text in texts)


def test_the_function_package_holds_the_app_and_not_its_dependencies(dry_run: Any) -> None:
    result, build = dry_run
    assert result.returncode == 0
    names = zipfile.ZipFile(build / "dev" / "deployment.zip").namelist()
    assert "app.py" in names
    # chalicelib whole: its subpackages (core/, booking/, backoffice/...) and the e-mail templates.
    chalicelib = ROOT / "functions" / "chalicelib"
    shipped = {
        path.relative_to(chalicelib.parent).as_posix()
        for path in chalicelib.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert {"chalicelib/core/store/transactions.py", "chalicelib/core/templates/email/fr.toml"} <= shipped
    assert shipped <= set(names), sorted(shipped - set(names))
    assert not [n for n in names if n.startswith(("icalendar/", "jwt/", "holidays/"))]  # they are in the layer


def test_without_credentials_it_packages_everything_then_fails_loudly(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>MonacoSanté</title>", encoding="utf-8")
    result = run_deploy("--stage", "dev", "--site", str(site), "--build-dir", str(tmp_path / "build"))
    assert result.returncode == EXIT_NOT_DEPLOYED, result.stdout + result.stderr
    assert "NOT DEPLOYED" in result.stderr
    assert "no AWS credentials were found" in result.stderr
    assert "deployed:" not in result.stdout
    # It went as far as it could: templates, function package and dependency layer are ready.
    assert (tmp_path / "build" / "dev" / "portal.json").is_file()
    assert (tmp_path / "build" / "dev" / "deployment.zip").is_file()
    if requirements():
        (layer,) = (tmp_path / "build" / "layers").glob("layer-*.zip")
        names = zipfile.ZipFile(layer).namelist()
        for package in ("icalendar", "jwt", "holidays", "aws_lambda_powertools"):
            assert f"python/{package}/__init__.py" in names, package
        assert not [n for n in names if "__pycache__" in n]


def test_an_unknown_stage_is_refused_with_the_file_to_fix(tmp_path: Path) -> None:
    result = run_deploy("--stage", "staging", "--dry-run", "--build-dir", str(tmp_path))
    assert result.returncode == 1
    assert "infra/stages.json" in result.stderr and "'staging'" in result.stderr


def test_destroy_refuses_a_stage_that_keeps_its_data() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "infra.destroy", "--stage", "prod", "--yes"],
        cwd=ROOT,
        env=environment_without_aws(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "refused" in result.stderr and "retain_data" in result.stderr


def test_packages_are_pointed_at_their_uploaded_copies(syntheses: dict[str, Synthesis]) -> None:
    template = json.loads(syntheses["dev"].portal.read_text(encoding="utf-8"))
    point_at_artifacts(template, "artifacts", "dev/abc-deployment.zip", "dev/def-layer.zip")
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            assert resource["Properties"]["CodeUri"] == {"Bucket": "artifacts", "Key": "dev/abc-deployment.zip"}
        if resource["Type"] == "AWS::Serverless::LayerVersion":
            assert resource["Properties"]["ContentUri"] == {"Bucket": "artifacts", "Key": "dev/def-layer.zip"}


# ---------------------------------------------------------------- what the synthesis refuses


def role(action: str, resource: Any) -> dict[str, Any]:
    statement = {"Sid": "Table", "Effect": "Allow", "Action": [action], "Resource": resource}
    return {"Properties": {"Policies": [{"PolicyDocument": {"Statement": [statement]}}]}}


def test_a_wildcard_action_is_refused_naming_the_policy_file() -> None:
    with pytest.raises(SynthError, match=r"policy-dev\.json: role ApiHandlerRole, statement Table.*dynamodb:\*"):
        scope_role("ApiHandlerRole", role("dynamodb:*", "arn:aws:dynamodb:*:*:table/portal-dev"), "policy-dev.json")


def test_a_bare_star_resource_is_refused() -> None:
    with pytest.raises(SynthError, match=r"Resource '\*'"):
        scope_role("ApiHandlerRole", role("dynamodb:GetItem", "*"), "policy-dev.json")


def test_wildcard_region_and_account_become_the_stack_s() -> None:
    scoped = role("dynamodb:GetItem", ["arn:aws:dynamodb:*:*:table/portal-dev"])
    scope_role("ApiHandlerRole", scoped, "policy-dev.json")
    (statement,) = scoped["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    assert statement["Resource"] == [
        {"Fn::Sub": "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/portal-dev"}
    ]


def test_a_timeout_api_gateway_would_not_wait_for_is_refused(syntheses: dict[str, Synthesis]) -> None:
    template = json.loads(syntheses["dev"].portal.read_text(encoding="utf-8"))
    broken = copy.deepcopy(template)
    broken["Resources"]["APIHandler"]["Properties"]["Timeout"] = 30
    with pytest.raises(SynthError, match=r"config\.json: lambda_timeout of APIHandler is 30 s"):
        complete_functions(broken, load_stage("dev"), with_layer=False)
