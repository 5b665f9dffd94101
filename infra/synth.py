"""Synthesise the deployable CloudFormation templates, offline, into infra/build/<stage>/.

    python -m infra.synth --stage dev --stage prod [--out infra/build]

For each stage: ``chalice package --pkg-format cloudformation`` packages whatever ``functions/`` holds, with
``--merge-template`` adding the rest of the stack (infra/templates/portal.yaml, completed from infra/table.json,
infra/security_headers.json and infra/stages.json); then every Lambda function Chalice generated gets its
dependency layer, log group, alarms and Cognito settings, and every IAM role is checked and scoped to the
stack's region and account. Outputs: ``portal.json`` + ``deployment.zip`` (main stack, the stage's region),
``edge.json`` (us-east-1) and ``../bootstrap.json`` (once per account and region).

The functions' dependencies (functions/requirements.txt) go into a Lambda layer that infra/layer.py builds
when deploying: ``chalice package`` with requirements needs the package index, and this step must not.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from infra.headers import HEADERS_FILE, path_headers, response_headers_policy, security_headers
from infra.stages import CHALICE_CONFIG, FUNCTIONS, INFRA, ROOT, Stage, StageError, load_stage, stage_names
from infra.table import TABLE_DEFINITION, table_definition
from infra.transform import to_cloudformation

TEMPLATES = INFRA / "templates"
BUILD = INFRA / "build"
API_GATEWAY_TIMEOUT_SECONDS = 29
DEPENDENCIES_LAYER = "DependenciesLayer"
# Actions that AWS authorises on "*" only (no resource-level permissions); nothing else may use "*".
# sns:Publish to a phone number (a text) has no resource either; the policy files deny it on every topic.
ACTIONS_WITHOUT_RESOURCES = {"xray:PutTraceSegments", "xray:PutTelemetryRecords", "sns:Publish"}
# Checkov checks that do not apply to the Lambda functions, with the reason written next to the skip in the
# template. The dead-letter-queue one only for the API handler: a function invoked asynchronously must decide.
FUNCTION_CHECKOV_SKIPS = {
    "CKV_AWS_117": "Not in a VPC: it reaches only DynamoDB, SES, SNS, Cognito and S3, through their "
    "IAM-authenticated endpoints; a VPC would add NAT gateways (cost, cold starts) and no protection.",
    "CKV_AWS_173": "The environment holds no secret (stage, table name, sender, site URL, pool ids); Lambda "
    "encrypts it at rest with an AWS-managed key.",
}
SCHEDULED_CHECKOV_SKIPS = {
    "CKV_AWS_116": "Run by its schedule every few minutes: a failed run is replaced by the next one (the reminder "
    "pass finds every item it left in its time bucket, each claimed once; the slot feed writes its files afresh), so "
    "a dead-letter queue would keep nothing to replay.",
}
# Names a policy file may use in a resource ARN (``${SiteBucket}``): the stack's own resources, by logical id. A
# function whose policy names one gets its name in the environment (the slot feed's SITE_BUCKET).
POLICY_REFERENCES = {"SiteBucket": "SITE_BUCKET"}
RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours)\)$")
API_HANDLER_CHECKOV_SKIPS = {
    "CKV_AWS_116": "Invoked synchronously by API Gateway: the caller receives the error, and a dead-letter queue "
    "only serves asynchronous invocations.",
}
# Resources the data's fate depends on: kept when the prod stack is deleted, removed with a dev stack.
DATA_RESOURCES = ("DataKey", "Table", "BackupVault", "UserPool")

# API Gateway's own answers, in the portal's one error shape (functions/chalicelib/errors.py). A route that does
# not exist is a 404 "not_found", as the local portal answers (local/apiworker.py), not API Gateway's 403.
GATEWAY_RESPONSES: dict[str, tuple[int | None, str, str]] = {
    "MISSING_AUTHENTICATION_TOKEN": (404, "not_found", "No such API route."),
    "RESOURCE_NOT_FOUND": (404, "not_found", "No such API route."),
    "UNAUTHORIZED": (401, "unauthorized", "Sign in first."),
    "THROTTLED": (429, "too_many_requests", "Too many requests; try again in a moment."),
    "QUOTA_EXCEEDED": (429, "too_many_requests", "Too many requests; try again later."),
    "REQUEST_TOO_LARGE": (413, "bad_request", "The request is too large."),
    "BAD_REQUEST_BODY": (400, "bad_request", "The request body is not valid."),
    "BAD_REQUEST_PARAMETERS": (400, "bad_request", "The request parameters are not valid."),
    "UNSUPPORTED_MEDIA_TYPE": (415, "bad_request", "Send JSON (Content-Type: application/json)."),
    "INTEGRATION_TIMEOUT": (504, "unavailable", "The service did not answer in time; try again."),
    "DEFAULT_4XX": (None, "bad_request", "The request was refused."),
    "DEFAULT_5XX": (None, "internal_error", "An internal error occurred."),
}


class SynthError(RuntimeError):
    """Something in the sources that cannot be deployed as asked; the message names the file and the field."""


@dataclass(frozen=True)
class Synthesis:
    """Where one stage's synthesised files are."""

    stage: Stage
    out: Path

    @property
    def portal(self) -> Path:
        return self.out / "portal.json"

    @property
    def edge(self) -> Path:
        return self.out / "edge.json"

    @property
    def bootstrap(self) -> Path:
        return self.out.parent / "bootstrap.json"

    @property
    def expanded(self) -> Path:
        """The main template after the SAM transform (checks only; kept apart so checkov reads the source)."""
        return self.out / "expanded" / "portal.json"

    @property
    def deployment_zip(self) -> Path:
        return self.out / "deployment.zip"

    @property
    def templates(self) -> list[Path]:
        return [self.bootstrap, self.edge, self.portal]


def load_yaml(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((TEMPLATES / name).read_text(encoding="utf-8"))
    return data


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def set_defaults(template: dict[str, Any], values: dict[str, str], source: Path) -> None:
    """Write a stage's values as the parameters' defaults; empty values stay without one (deploy must pass them)."""
    parameters = template["Parameters"]
    for name, value in values.items():
        if name not in parameters:
            raise SynthError(f"{source}: the template has no parameter {name}")
        if value != "":
            parameters[name]["Default"] = value


def gateway_responses() -> dict[str, Any]:
    """``x-amazon-apigateway-gateway-responses``: every API Gateway error in the portal's JSON error shape."""
    responses: dict[str, Any] = {}
    for kind, (status, code, message) in GATEWAY_RESPONSES.items():
        body = json.dumps({"error": {"code": code, "message": message, "field": None}})
        response: dict[str, Any] = {
            "responseParameters": {
                "gatewayresponse.header.Cache-Control": "'no-store'",
                "gatewayresponse.header.Content-Type": "'application/json'",
            },
            "responseTemplates": {"application/json": body},
        }
        if status is not None:
            response["statusCode"] = str(status)
        responses[kind] = response
    return responses


def path_policy_id(url_path: str) -> str:
    """The logical id of the response-headers policy of one ``_paths`` entry (letters and digits only)."""
    return "PathHeadersPolicy" + "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", url_path))


def add_path_headers(resources: dict[str, Any]) -> None:
    """Per ``_paths`` entry of infra/security_headers.json: a response-headers policy sending that path's headers,
    and a cache behaviour for the path, the site's default one but for the policy, ahead of the others."""
    config = resources["Distribution"]["Properties"]["DistributionConfig"]
    behaviours = []
    for url_path, headers in path_headers().items():
        policy_id = path_policy_id(url_path)
        slug = re.sub(r"[^a-z0-9]+", "-", url_path.lower()).strip("-")
        resources[policy_id] = {
            "Type": "AWS::CloudFront::ResponseHeadersPolicy",
            "Properties": {
                "ResponseHeadersPolicyConfig": {
                    "Name": {"Fn::Sub": f"portal-${{Stage}}-headers-{slug}"[:128]},
                    "Comment": f"The headers of infra/security_headers.json for {url_path} (its _paths entry)."[:128],
                    **response_headers_policy(headers, HEADERS_FILE),
                }
            },
        }
        behaviour = dict(config["DefaultCacheBehavior"])
        behaviour.update({"PathPattern": url_path, "ResponseHeadersPolicyId": {"Ref": policy_id}})
        behaviours.append(behaviour)
    config["CacheBehaviors"] = [*behaviours, *config.get("CacheBehaviors", [])]


def merge_template(stage: Stage) -> dict[str, Any]:
    """infra/templates/portal.yaml completed for ``stage``: what ``chalice package --merge-template`` adds."""
    template = load_yaml("portal.yaml")
    set_defaults(template, stage.template_parameters(), TEMPLATES / "portal.yaml")
    resources = template["Resources"]

    table = resources["Table"]["Properties"]
    for key, value in table_definition().items():
        if key in table:
            raise SynthError(f"{TABLE_DEFINITION}: {key} is set by infra/templates/portal.yaml; remove it there")
        table[key] = value

    policy = resources["SecurityHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    policy.update(response_headers_policy(security_headers(), HEADERS_FILE))
    add_path_headers(resources)

    function = resources["IndexFunction"]["Properties"]
    function["FunctionCode"] = (TEMPLATES / "index.js").read_text(encoding="utf-8")

    api = resources["RestAPI"]["Properties"]
    api["DefinitionBody"] = {"x-amazon-apigateway-gateway-responses": gateway_responses()}

    keep = "Retain" if stage.retain_data else "Delete"
    for name in DATA_RESOURCES:
        resources[name]["DeletionPolicy"] = keep
        resources[name]["UpdateReplacePolicy"] = keep
    resources["UserPool"]["Properties"]["DeletionProtection"] = "ACTIVE" if stage.retain_data else "INACTIVE"
    return template


def stage_functions(destination: Path) -> None:
    """Copy functions/ for packaging, dependencies left out: they go into the layer (infra/layer.py)."""
    shutil.copytree(
        FUNCTIONS,
        destination,
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "deployments", "venv", ".mypy_cache"),
    )
    (destination / "requirements.txt").write_text(
        "# Dependencies are deployed as a Lambda layer built from functions/requirements.txt (infra/layer.py).\n",
        encoding="utf-8",
    )


def chalice_package(stage: Stage, app_dir: Path, merge_file: Path, out: Path) -> dict[str, Any]:
    """Run ``chalice package`` (offline: no requirements to fetch) and return the generated template."""
    chalice = Path(sys.executable).with_name("chalice")
    env = {**os.environ, "AWS_DEFAULT_REGION": stage.region}
    result = subprocess.run(
        [
            str(chalice),
            "package",
            "--pkg-format",
            "cloudformation",
            "--stage",
            stage.name,
            "--merge-template",
            str(merge_file),
            str(out),
        ],
        cwd=app_dir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SynthError(f"chalice package failed for stage {stage.name}:\n{result.stdout}{result.stderr}")
    template: dict[str, Any] = json.loads((out / "sam.json").read_text(encoding="utf-8"))
    return template


def requirements(path: Path = FUNCTIONS / "requirements.txt") -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


def _policy_file(stage: Stage, role: str = "") -> str:
    """The policy file a role was made from: the function's own (``lambda_functions``), else the stage's."""
    functions = stage.chalice["stages"][stage.name].get("lambda_functions", {})
    for function, settings in functions.items():
        if (
            role == "".join(part.capitalize() for part in function.split("_")) + "Role"
            and "iam_policy_file" in settings
        ):
            return str(CHALICE_CONFIG.parent / settings["iam_policy_file"])
    name = stage.chalice["stages"][stage.name].get("iam_policy_file") or stage.chalice.get("iam_policy_file")
    return str(CHALICE_CONFIG.parent / name) if name else f"{CHALICE_CONFIG} (generated policy)"


ARN_ANY_REGION_ACCOUNT = re.compile(r"^arn:aws:([a-z0-9-]+):\*:\*:(.+)$")


def scope_resource(resource: Any, where: str) -> Any:
    """``arn:aws:svc:*:*:rest`` -> the stack's partition, region and account; a bare ``*`` is refused."""
    if not isinstance(resource, str):
        return resource
    if resource == "*":
        raise SynthError(f"{where}: Resource '*'; name the resources (the table's ARN, the log group...)")
    if "${" in resource:
        unknown = set(re.findall(r"\$\{([^}]*)\}", resource)) - set(POLICY_REFERENCES)
        if unknown:
            raise SynthError(
                f"{where}: {resource} names {sorted(unknown)}; a policy may name {sorted(POLICY_REFERENCES)}"
            )
        return {"Fn::Sub": resource.replace("arn:aws:", "arn:${AWS::Partition}:", 1)}
    match = ARN_ANY_REGION_ACCOUNT.match(resource)
    if match is None:
        return resource
    service, rest = match.groups()
    return {"Fn::Sub": f"arn:${{AWS::Partition}}:{service}:${{AWS::Region}}:${{AWS::AccountId}}:{rest}"}


def scope_role(name: str, role: dict[str, Any], policy_file: str) -> None:
    """Refuse wildcard actions, scope wildcard regions and accounts, in every inline policy of ``role``."""
    for policy in role["Properties"].get("Policies", []):
        for index, statement in enumerate(policy["PolicyDocument"]["Statement"]):
            where = f"{policy_file}: role {name}, statement {statement.get('Sid') or index}"
            if statement.get("Effect") != "Allow":
                continue
            actions = statement.get("Action", [])
            actions = [actions] if isinstance(actions, str) else actions
            for action in actions:
                if "*" in action:
                    raise SynthError(f"{where}: action {action!r} is a wildcard; list the calls the code makes")
            resources = statement.get("Resource", [])
            if resources in ("*", ["*"]) and set(actions) <= ACTIONS_WITHOUT_RESOURCES:
                continue
            if isinstance(resources, list):
                statement["Resource"] = [scope_resource(r, where) for r in resources]
            else:
                statement["Resource"] = scope_resource(resources, where)


def _log_group_for(resources: dict[str, Any], function: str) -> str:
    """The logical id of ``function``'s log group (Chalice's, when ``log_retention_in_days`` made one)."""
    wanted = {"Fn::Sub": f"/aws/lambda/${{{function}}}"}
    for name, resource in resources.items():
        if resource["Type"] == "AWS::Logs::LogGroup" and resource["Properties"].get("LogGroupName") == wanted:
            return name
    name = f"{function}LogGroup"
    resources[name] = {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": wanted}}
    return name


def _alarm(
    function: str,
    metric: str,
    threshold: int,
    description: str,
    *,
    periods: int = 1,
    below: bool = False,
    period: int = 300,
) -> dict[str, Any]:
    alarm: dict[str, Any] = {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "AlarmDescription": description,
            "Namespace": "AWS/Lambda",
            "MetricName": metric,
            "Dimensions": [{"Name": "FunctionName", "Value": {"Ref": function}}],
            "Statistic": "Sum",
            "Period": period,
            "EvaluationPeriods": periods,
            "Threshold": threshold,
            "ComparisonOperator": "LessThanThreshold" if below else "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "breaching" if below else "notBreaching",
            "AlarmActions": [{"Ref": "AlarmTopic"}],
            "OKActions": [{"Ref": "AlarmTopic"}],
        },
    }
    return alarm


def schedule_period(props: dict[str, Any]) -> int | None:
    """The period in seconds of a function run by a ``rate(...)`` schedule; None for any other function."""
    for event in props.get("Events", {}).values():
        if event.get("Type") == "Schedule":
            found = RATE.match(str(event["Properties"]["Schedule"]))
            if found is None:
                raise SynthError(f"{FUNCTIONS / 'app.py'}: schedule {event['Properties']['Schedule']!r} is no rate()")
            return int(found.group(1)) * (60 if found.group(2).startswith("minute") else 3600)
    return None


def complete_scheduled(resources: dict[str, Any], name: str, period: int) -> None:
    """A scheduled function: the runs under way at once fit in its reserved concurrency (the slot feed's run ends
    before the next starts; the reminder pass, which claims each item, may overlap the next), a failed run is not
    retried (the next one replaces it), and its alarms speak of runs: two failed in a row, or none for three
    periods."""
    props = resources[name]["Properties"]
    concurrency = props.get("ReservedConcurrentExecutions", 1)
    if props.get("Timeout", 3) >= period * concurrency:
        raise SynthError(
            f"{CHALICE_CONFIG}: lambda_timeout of {name} must be under its {period} s period times its reserved "
            f"concurrency ({concurrency}), or a run would be throttled"
        )
    props["EventInvokeConfig"] = {"MaximumRetryAttempts": 0, "MaximumEventAgeInSeconds": max(60, period)}
    resources[f"{name}ErrorsAlarm"] = _alarm(
        name, "Errors", 1, f"{name}: two runs in a row failed (what it writes is stale).", periods=2, period=period
    )
    resources[f"{name}MissedRunsAlarm"] = _alarm(
        name, "Invocations", 1, f"{name}: it has not run for three periods.", periods=3, below=True, period=period
    )


def _role_names(resources: dict[str, Any], props: dict[str, Any]) -> list[str]:
    """The references (``${SiteBucket}``) the function's role's policies make."""
    role = props.get("Role", {}).get("Fn::GetAtt", [""])[0]
    text = json.dumps(resources.get(role, {}).get("Properties", {}).get("Policies", []))
    return sorted(set(re.findall(r"\$\{([A-Za-z]+)\}", text)) & set(POLICY_REFERENCES))


def complete_functions(template: dict[str, Any], stage: Stage, with_layer: bool) -> None:
    """Give every function Chalice generated what the stack expects of it; refuse what cannot be deployed."""
    resources = template["Resources"]
    functions = [name for name, r in resources.items() if r["Type"] == "AWS::Serverless::Function"]
    if not functions:
        raise SynthError(f"{FUNCTIONS / 'app.py'}: Chalice generated no Lambda function")
    runtime = architecture = ""
    for name in functions:
        props = resources[name]["Properties"]
        timeout = props.get("Timeout", 3)
        if name == "APIHandler" and timeout >= API_GATEWAY_TIMEOUT_SECONDS:  # the scheduled functions answer no one
            raise SynthError(
                f"{CHALICE_CONFIG}: lambda_timeout of {name} is {timeout} s; keep it under API Gateway's "
                f"{API_GATEWAY_TIMEOUT_SECONDS} s"
            )
        if "ReservedConcurrentExecutions" not in props:
            raise SynthError(f"{CHALICE_CONFIG}: stage {stage.name}: set reserved_concurrency (function {name})")
        runtime, architecture = props["Runtime"], props["Architectures"][0]
        if with_layer:
            props["Layers"] = [{"Ref": DEPENDENCIES_LAYER}, *props.get("Layers", [])]
        variables = props.setdefault("Environment", {}).setdefault("Variables", {})
        variables["USER_POOL_ID"] = {"Ref": "UserPool"}
        variables["USER_POOL_CLIENT_ID"] = {"Ref": "UserPoolClient"}
        log_group = _log_group_for(resources, name)
        resources[log_group]["Properties"].update(
            {"RetentionInDays": {"Ref": "LogRetentionDays"}, "KmsKeyId": {"Fn::GetAtt": ["DataKey", "Arn"]}}
        )
        for reference in _role_names(resources, props):
            variables[POLICY_REFERENCES[reference]] = {"Ref": reference}
        period = schedule_period(props)
        skips = {**FUNCTION_CHECKOV_SKIPS, **(API_HANDLER_CHECKOV_SKIPS if name == "APIHandler" else {})}
        skips |= SCHEDULED_CHECKOV_SKIPS if period else {}
        resources[name].setdefault("Metadata", {})["checkov"] = {
            "skip": [{"id": check, "comment": reason} for check, reason in skips.items()]
        }
        resources[f"{name}ErrorsAlarm"] = _alarm(name, "Errors", 5, f"{name}: the function raised errors.")
        resources[f"{name}ThrottlesAlarm"] = _alarm(name, "Throttles", 1, f"{name}: invocations were throttled.")
        if period:
            complete_scheduled(resources, name, period)
    if with_layer:
        resources[DEPENDENCIES_LAYER] = {
            "Type": "AWS::Serverless::LayerVersion",
            "Properties": {
                "LayerName": f"{stage.stack_name}-dependencies",
                "Description": "functions/requirements.txt, built for the Lambda runtime by infra/layer.py",
                "ContentUri": "./layer.zip",
                "CompatibleRuntimes": [runtime],
                "CompatibleArchitectures": [architecture],
                "RetentionPolicy": "Delete",
            },
        }
    for name, resource in resources.items():
        if resource["Type"] == "AWS::IAM::Role":
            scope_role(name, resource, _policy_file(stage, name))
            if _texts(resource):
                resource.setdefault("Metadata", {})["checkov"] = {"skip": [{"id": "CKV_AWS_111", "comment": TEXTS}]}


TEXTS = (
    "sns:Publish to a phone number (a text to a patient) has no resource to name; the same policy denies "
    "sns:Publish on every topic, so the grant sends texts and nothing else."
)


def _texts(role: dict[str, Any]) -> bool:
    """Whether the role may send texts: sns:Publish on "*", next to the Deny on every topic the policy files pair
    it with."""
    statements = [s for p in role["Properties"].get("Policies", []) for s in p["PolicyDocument"]["Statement"]]
    allows = any(s.get("Effect") == "Allow" and "sns:Publish" in s.get("Action", []) for s in statements)
    denies = any(s.get("Effect") == "Deny" and "sns:Publish" in s.get("Action", []) for s in statements)
    if allows and not denies:
        raise SynthError("sns:Publish is granted without the Deny on every topic (functions/.chalice/policy-*.json)")
    return allows


def function_runtime(template: dict[str, Any]) -> tuple[str, str]:
    """(runtime, architecture) of the functions, for building the dependency layer to match."""
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            props = resource["Properties"]
            return str(props["Runtime"]), str(props["Architectures"][0])
    raise SynthError("the template has no Lambda function")


def edge_template(stage: Stage) -> dict[str, Any]:
    template = load_yaml("edge.yaml")
    set_defaults(template, stage.edge_parameters(), TEMPLATES / "edge.yaml")
    return template


def synthesise(stage: Stage, out_root: Path = BUILD) -> Synthesis:
    """Write ``stage``'s templates and function package under ``out_root``; offline, a few seconds."""
    synthesis = Synthesis(stage=stage, out=out_root / stage.name)
    work = synthesis.out / "work"
    shutil.rmtree(work, ignore_errors=True)
    for stale in (synthesis.portal, synthesis.expanded, synthesis.edge, synthesis.deployment_zip):
        stale.unlink(missing_ok=True)
    app_dir = work / "functions"
    stage_functions(app_dir)
    merge_file = work / "merge.json"
    write_json(merge_file, merge_template(stage))
    template = chalice_package(stage, app_dir, merge_file, work / "package")
    complete_functions(template, stage, with_layer=bool(requirements()))
    write_json(synthesis.portal, template)
    write_json(synthesis.expanded, to_cloudformation(template, stage.region))
    shutil.move(work / "package" / "deployment.zip", synthesis.deployment_zip)
    write_json(synthesis.edge, edge_template(stage))
    write_json(synthesis.bootstrap, load_yaml("bootstrap.yaml"))
    shutil.rmtree(work, ignore_errors=True)
    return synthesis


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Synthesise the CloudFormation templates offline.")
    parser.add_argument("--stage", action="append", help="a stage of infra/stages.json (default: all)")
    parser.add_argument("--out", type=Path, default=BUILD, help="output folder (default: infra/build)")
    args = parser.parse_args(argv)
    try:
        for name in args.stage or stage_names():
            synthesis = synthesise(load_stage(name), args.out)
            for path in synthesis.templates:
                print(f"{name}: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    except (SynthError, StageError) as err:
        print(f"synth: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
