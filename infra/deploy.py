"""Put a stage of the portal on AWS with one command (docs/operations.md).

    python -m infra.deploy --stage dev                 make deploy STAGE=dev
    python -m infra.deploy --stage dev --package-only  make package STAGE=dev: everything short of AWS
    python -m infra.deploy --stage dev --dry-run       offline only (site, templates); what CI runs

In order: build the site (publishconf.py, SITE_URL of the stage), synthesise the templates and package the
functions (infra/synth.py), build the dependency layer (infra/layer.py, needs the package index), then with
AWS credentials: the bootstrap stack (artifacts bucket), the edge stack in us-east-1 (CloudFront's web ACL),
the packages' upload, the main stack, the site's upload and CloudFront's invalidation (infra/publish.py).
Without credentials it stops after packaging, says so and exits 2: it never pretends to have deployed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from infra.aws import AwsError, caller_identity, deploy_stack
from infra.layer import LayerError, build_layer
from infra.stages import EDGE_REGION, FUNCTIONS, ROOT, STAGES_FILE, Stage, StageError, load_stage
from infra.synth import BUILD, SynthError, Synthesis, function_runtime, requirements, synthesise

EXIT_NOT_DEPLOYED = 2


class DeployError(RuntimeError):
    """A prerequisite is missing; the message says which and where to set it."""


class SiteError(RuntimeError):
    """The site could not be built or is not a built site (Pelican's own messages are printed above)."""


def step(text: str) -> None:
    print(f"==> {text}", flush=True)


def build_site(stage: Stage, destination: Path) -> Path:
    """``make site`` with the publishing settings and the stage's public URL (pagefind and all, as the Makefile)."""
    make = shutil.which("make")
    if make is None:
        raise SiteError("'make' is not installed (apt-get install make)")
    result = subprocess.run(
        [make, "--no-print-directory", "site", f"SITE={destination}", "PELICAN_SETTINGS=publishconf.py"],
        cwd=ROOT,
        env={**os.environ, "SITE_URL": stage.site_url},
        check=False,
    )
    if result.returncode != 0 or not (destination / "index.html").is_file():
        raise SiteError(f"the site build failed (make site, exit {result.returncode}); nothing was deployed")
    return destination


def artifact_key(path: Path, stage: Stage) -> str:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return f"{stage.name}/{digest}-{path.name}"


def upload_artifact(s3: Any, bucket: str, path: Path, stage: Stage) -> str:
    """Upload ``path`` under a content-addressed key (skipped when already there); return the key."""
    from botocore.exceptions import ClientError

    key = artifact_key(path, stage)
    try:
        s3.head_object(Bucket=bucket, Key=key)
    except ClientError:
        s3.upload_file(str(path), bucket, key)
    return key


def point_at_artifacts(template: dict[str, Any], bucket: str, code_key: str, layer_key: str | None) -> None:
    """Replace the local package paths of ``chalice package`` with their uploaded S3 locations."""
    for resource in template["Resources"].values():
        props = resource.get("Properties", {})
        if resource["Type"] == "AWS::Serverless::Function":
            props["CodeUri"] = {"Bucket": bucket, "Key": code_key}
        elif resource["Type"] == "AWS::Serverless::LayerVersion" and layer_key is not None:
            props["ContentUri"] = {"Bucket": bucket, "Key": layer_key}


def deploy(stage: Stage, synthesis: Synthesis, layer: Path | None, site: Path) -> dict[str, str]:
    """The AWS part: stacks, packages, site. Returns the main stack's outputs."""
    import boto3

    from infra.publish import publish_site

    if not stage.certificate_arn:
        raise DeployError(
            f"{STAGES_FILE}: stage {stage.name} has no certificate_arn. Request an ACM certificate for "
            f"{stage.domain} in {EDGE_REGION} (CloudFront's region), validate it, and write its ARN there."
        )
    regional = boto3.Session(region_name=stage.region)
    edge = boto3.Session(region_name=EDGE_REGION)
    cfn = regional.client("cloudformation")

    step(f"bootstrap stack {stage.bootstrap_stack_name} ({stage.region})")
    bootstrap = deploy_stack(
        cfn, stage.bootstrap_stack_name, {}, TemplateBody=synthesis.bootstrap.read_text(encoding="utf-8")
    )
    bucket = bootstrap["ArtifactsBucketName"]

    step(f"edge stack {stage.edge_stack_name} ({EDGE_REGION}): CloudFront's web ACL")
    edge_outputs = deploy_stack(
        edge.client("cloudformation"), stage.edge_stack_name, {}, TemplateBody=synthesis.edge.read_text("utf-8")
    )

    step(f"upload the packages to s3://{bucket}")
    s3 = regional.client("s3")
    code_key = upload_artifact(s3, bucket, synthesis.deployment_zip, stage)
    layer_key = upload_artifact(s3, bucket, layer, stage) if layer else None
    template = json.loads(synthesis.portal.read_text(encoding="utf-8"))
    point_at_artifacts(template, bucket, code_key, layer_key)
    packaged = synthesis.out / "portal.packaged.json"
    packaged.write_text(json.dumps(template, indent=1), encoding="utf-8")
    template_key = upload_artifact(s3, bucket, packaged, stage)

    step(f"main stack {stage.stack_name} ({stage.region})")
    parameters = {"CertificateArn": stage.certificate_arn, "EdgeWebAclArn": edge_outputs["WebAclArn"]}
    outputs = deploy_stack(
        cfn,
        stage.stack_name,
        parameters,
        TemplateURL=f"https://{bucket}.s3.{stage.region}.amazonaws.com/{template_key}",
    )

    step(f"upload the site to s3://{outputs['SiteBucketName']} and invalidate CloudFront")
    report = publish_site(s3, edge.client("cloudfront"), site, outputs["SiteBucketName"], outputs["DistributionId"])
    print(f"    {report.uploaded} uploaded, {report.unchanged} unchanged, {report.deleted} deleted")
    return outputs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Deploy a stage of the portal to AWS.")
    parser.add_argument("--stage", required=True, help="dev or prod (infra/stages.json)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", help="offline part only: site and templates; exit 0")
    mode.add_argument("--package-only", action="store_true", help="also the dependency layer; no AWS")
    parser.add_argument("--site", type=Path, help="deploy this already-built site instead of building one")
    parser.add_argument("--build-dir", type=Path, default=BUILD, help="where to build (default infra/build)")
    args = parser.parse_args(argv)

    try:
        stage = load_stage(args.stage)
        out = args.build_dir / stage.name
        if args.site:
            site = args.site.resolve()
            step(f"site: {site} (already built)")
            if not (site / "index.html").is_file():
                raise SiteError(f"{site} has no index.html: give the folder of a built site")
        else:
            step(f"build the site for {stage.site_url}")
            site = build_site(stage, (out / "site").resolve())
        step("synthesise the templates and package the functions (offline)")
        synthesis = synthesise(stage, args.build_dir)
        for path in [*synthesis.templates, synthesis.deployment_zip]:
            print(f"    {path}")
        if args.dry_run:
            print(f"dry run: stage {stage.name} packaged and synthesised offline; nothing sent to AWS.")
            return 0
        layer = None
        if requirements():
            step(f"dependency layer from {FUNCTIONS / 'requirements.txt'} (package index)")
            runtime, architecture = function_runtime(json.loads(synthesis.portal.read_text(encoding="utf-8")))
            layer = build_layer(FUNCTIONS / "requirements.txt", runtime, architecture, args.build_dir / "layers")
            print(f"    {layer}")
        if args.package_only:
            print(f"packaged: stage {stage.name} is ready to deploy from {out}; nothing sent to AWS.")
            return 0
        step("AWS credentials")
        identity = caller_identity(stage.region)
        print(f"    account {identity['Account']} as {identity['Arn']}")
        outputs = deploy(stage, synthesis, layer, site)
    except (AwsError, DeployError) as err:
        print(f"\ndeploy: NOT DEPLOYED - {err}", file=sys.stderr)
        print(f"  What could be built without AWS is in {args.build_dir}.", file=sys.stderr)
        return EXIT_NOT_DEPLOYED
    except (StageError, SynthError, LayerError, SiteError) as err:
        print(f"\ndeploy: {err}", file=sys.stderr)
        return 1
    print(f"\ndeployed: {outputs['SiteUrl']} (CloudFront {outputs['DistributionDomainName']})")
    print("DNS records the mail domain needs (DKIM):")
    for key in ("MailDkimRecord1", "MailDkimRecord2", "MailDkimRecord3"):
        print(f"    {outputs[key]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
