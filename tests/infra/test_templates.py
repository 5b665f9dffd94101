"""What an auditor checks in the synthesised templates: the site, the edge, the API, the data, sign-in, alarms."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote

import pytest

from infra.headers import path_headers, security_headers
from infra.stages import FUNCTIONS, load_stage, stage_names
from infra.synth import requirements, schedule_period
from infra.table import table_definition
from tests.infra.conftest import of_type, parameter_default

STAGES = stage_names()
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
WASM_IN_SCRIPTS = "; script-src 'self' 'wasm-unsafe-eval'"


def portal(templates: dict[str, Any], stage: str) -> dict[str, Any]:
    template: dict[str, Any] = templates[stage]["portal"]
    return template


def distribution(template: dict[str, Any]) -> dict[str, Any]:
    (dist,) = of_type(template, "AWS::CloudFront::Distribution").values()
    config: dict[str, Any] = dist["Properties"]["DistributionConfig"]
    return config


def origin(config: dict[str, Any], origin_id: str) -> dict[str, Any]:
    (found,) = [o for o in config["Origins"] if o["Id"] == origin_id]
    return found


def test_both_stages_exist_and_default_to_an_eu_region() -> None:
    assert {"dev", "prod"} <= set(STAGES)
    for name in STAGES:
        assert load_stage(name).region.startswith("eu-")


# ---------------------------------------------------------------- the site's bucket and CloudFront


@pytest.mark.parametrize("stage", STAGES)
def test_site_bucket_is_not_public(templates: dict[str, Any], stage: str) -> None:
    template = portal(templates, stage)
    bucket = template["Resources"]["SiteBucket"]["Properties"]
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert bucket["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    assert "WebsiteConfiguration" not in bucket  # no public website endpoint
    (policy,) = of_type(template, "AWS::S3::BucketPolicy").values()
    allows = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
    # The one reader: CloudFront, for this distribution only, reading objects only.
    assert len(allows) == 1
    (allow,) = allows
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allow["Action"] == "s3:GetObject"
    source = allow["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]
    assert source.endswith(":distribution/${Distribution}")


@pytest.mark.parametrize("stage", STAGES)
def test_cloudfront_reads_the_bucket_with_origin_access_control(templates: dict[str, Any], stage: str) -> None:
    template = portal(templates, stage)
    site = origin(distribution(template), "site")
    assert site["DomainName"] == {"Fn::GetAtt": ["SiteBucket", "RegionalDomainName"]}
    assert site["S3OriginConfig"]["OriginAccessIdentity"] == ""  # no legacy OAI
    oac_name = site["OriginAccessControlId"]["Fn::GetAtt"][0]
    oac = template["Resources"][oac_name]
    assert oac["Type"] == "AWS::CloudFront::OriginAccessControl"
    assert oac["Properties"]["OriginAccessControlConfig"] | {"Name": None} == {
        "Name": None,
        "OriginAccessControlOriginType": "s3",
        "SigningBehavior": "always",
        "SigningProtocol": "sigv4",
    }


@pytest.mark.parametrize("stage", STAGES)
def test_cloudfront_is_https_http2_http3_with_compression(templates: dict[str, Any], stage: str) -> None:
    config = distribution(portal(templates, stage))
    assert config["HttpVersion"] == "http2and3"
    assert config["ViewerCertificate"]["MinimumProtocolVersion"] == "TLSv1.2_2021"
    assert config["ViewerCertificate"]["SslSupportMethod"] == "sni-only"
    behaviours = [config["DefaultCacheBehavior"], *config["CacheBehaviors"]]
    for behaviour in behaviours:
        assert behaviour["ViewerProtocolPolicy"] in {"redirect-to-https", "https-only"}
        assert behaviour["Compress"] is True
    assert origin(config, "api")["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"


@pytest.mark.parametrize("stage", STAGES)
def test_the_site_alias_is_the_site_url_of_the_stage(templates: dict[str, Any], stage: str) -> None:
    template = portal(templates, stage)
    (alias,) = distribution(template)["Aliases"]
    assert f"https://{parameter_default(template, alias)}" == load_stage(stage).site_url


@pytest.mark.parametrize("stage", STAGES)
def test_api_behaviour_forwards_the_path_unchanged_to_stage_api(templates: dict[str, Any], stage: str) -> None:
    template = portal(templates, stage)
    config = distribution(template)
    (api,) = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/api/*"]
    assert api["TargetOriginId"] == "api"
    assert set(api["AllowedMethods"]) == {"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}
    assert api["CachePolicyId"] == CACHING_DISABLED
    assert api["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST  # API Gateway needs its own Host header
    api_origin = origin(config, "api")
    assert "OriginPath" not in api_origin  # /api/v1/slots -> stage "api", route /v1/slots
    assert api_origin["DomainName"]["Fn::Sub"].startswith("${RestAPI}.execute-api.${AWS::Region}.")
    rest_api = template["Resources"]["RestAPI"]["Properties"]
    assert rest_api["StageName"] == "api"
    assert rest_api["EndpointConfiguration"] == "REGIONAL"


@pytest.mark.parametrize("stage", STAGES)
def test_response_headers_policy_sends_exactly_the_security_headers_file(templates: dict[str, Any], stage: str) -> None:
    template = portal(templates, stage)
    config = template["Resources"]["SecurityHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    sent = headers_sent(config)
    assert sent == security_headers()
    # What the issue asks of these values, checked on the file itself.
    hsts = config["SecurityHeadersConfig"]["StrictTransportSecurity"]
    assert hsts["AccessControlMaxAgeSec"] >= 365 * 24 * 3600 and hsts["IncludeSubdomains"]
    csp = {d.strip() for d in sent["Content-Security-Policy"].split(";")}
    assert {"default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"} <= csp
    assert "Permissions-Policy" in sent and "Referrer-Policy" in sent


def headers_sent(config: dict[str, Any]) -> dict[str, str]:
    """The headers a ResponseHeadersPolicyConfig sends, written as infra/security_headers.json writes them."""
    security = config["SecurityHeadersConfig"]
    hsts = security["StrictTransportSecurity"]
    sent = {
        "Strict-Transport-Security": f"max-age={hsts['AccessControlMaxAgeSec']}"
        + ("; includeSubDomains" if hsts["IncludeSubdomains"] else "")
        + ("; preload" if hsts["Preload"] else ""),
        "Content-Security-Policy": security["ContentSecurityPolicy"]["ContentSecurityPolicy"],
        "Referrer-Policy": security["ReferrerPolicy"]["ReferrerPolicy"],
        "X-Frame-Options": security["FrameOptions"]["FrameOption"],
    }
    if "ContentTypeOptions" in security:
        sent["X-Content-Type-Options"] = "nosniff"
    sent.update({item["Header"]: item["Value"] for item in config.get("CustomHeadersConfig", {}).get("Items", [])})
    overrides = [v["Override"] for v in security.values()]
    overrides += [i["Override"] for i in config.get("CustomHeadersConfig", {}).get("Items", [])]
    assert all(overrides)  # the policy's values win over whatever an origin sends
    return sent


@pytest.mark.parametrize("stage", STAGES)
def test_every_behaviour_uses_the_security_headers_policy(templates: dict[str, Any], stage: str) -> None:
    config = distribution(portal(templates, stage))
    own = set(path_headers())
    for behaviour in [config["DefaultCacheBehavior"], *config["CacheBehaviors"]]:
        if behaviour.get("PathPattern") not in own:
            assert behaviour["ResponseHeadersPolicyId"] == {"Ref": "SecurityHeadersPolicy"}


@pytest.mark.parametrize("stage", STAGES)
def test_the_search_worker_has_a_behaviour_sending_the_files_headers_for_it(
    templates: dict[str, Any], stage: str
) -> None:
    template = portal(templates, stage)
    config = distribution(template)
    assert "/pagefind/pagefind-worker.js" in path_headers()  # the one path with headers of its own today
    for url_path, headers in path_headers().items():
        (behaviour,) = [b for b in config["CacheBehaviors"] if b["PathPattern"] == url_path]
        # The site's behaviour (origin, cache, HTTPS, index function) but for the headers policy.
        assert {k: v for k, v in behaviour.items() if k not in ("PathPattern", "ResponseHeadersPolicyId")} == {
            k: v for k, v in config["DefaultCacheBehavior"].items() if k != "ResponseHeadersPolicyId"
        }
        policy = template["Resources"][behaviour["ResponseHeadersPolicyId"]["Ref"]]
        assert policy["Type"] == "AWS::CloudFront::ResponseHeadersPolicy"
        assert headers_sent(policy["Properties"]["ResponseHeadersPolicyConfig"]) == headers
    # What the worker gets: the site's headers, its Content-Security-Policy with WebAssembly allowed to scripts.
    site = security_headers()
    worker = dict(site, **{"Content-Security-Policy": site["Content-Security-Policy"] + WASM_IN_SCRIPTS})
    assert path_headers()["/pagefind/pagefind-worker.js"] == worker
    # The exact path is matched before /api/* and the default; no page gets the worker's policy.
    patterns = [b["PathPattern"] for b in config["CacheBehaviors"]]
    assert patterns.index("/pagefind/pagefind-worker.js") < patterns.index("/api/*")
    site_policy = template["Resources"]["SecurityHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    assert "wasm-unsafe-eval" not in headers_sent(site_policy)["Content-Security-Policy"]


@pytest.mark.parametrize("stage", STAGES)
def test_the_api_receives_the_viewer_address_but_not_the_viewer_host(templates: dict[str, Any], stage: str) -> None:
    # Per-address limits count CloudFront-Viewer-Address (functions/chalicelib/core/clientaddress.py). The managed
    # AllViewerExceptHostHeader policy forwards it with CloudFront's other viewer headers, and every viewer header
    # but Host (API Gateway answers 403 to the portal's host); AllViewer and AllViewerAndCloudFrontHeaders-2022-06
    # forward Host, and a custom policy may not forward the Authorization header the API reads.
    config = distribution(portal(templates, stage))
    (api,) = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/api/*"]
    assert api["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST
    for behaviour in [config["DefaultCacheBehavior"], *config["CacheBehaviors"]]:
        if behaviour["TargetOriginId"] == "api":
            assert behaviour["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST


@pytest.mark.parametrize("stage", STAGES)
def test_site_cache_honours_long_lived_assets_and_short_html(templates: dict[str, Any], stage: str) -> None:
    template = portal(templates, stage)
    config = distribution(template)
    policy_name = config["DefaultCacheBehavior"]["CachePolicyId"]["Ref"]
    policy = template["Resources"][policy_name]["Properties"]["CachePolicyConfig"]
    assert policy["MaxTTL"] >= 365 * 24 * 3600  # hashed assets: a year, from their Cache-Control (publish.py)
    assert policy["DefaultTTL"] <= 600  # a file without Cache-Control stays minutes only
    key = policy["ParametersInCacheKeyAndForwardedToOrigin"]
    assert key["EnableAcceptEncodingBrotli"] and key["EnableAcceptEncodingGzip"]


@pytest.mark.parametrize("stage", STAGES)
def test_missing_pages_get_the_site_404_page(templates: dict[str, Any], stage: str) -> None:
    config = distribution(portal(templates, stage))
    assert config["CustomErrorResponses"] == [
        {"ErrorCode": 403, "ResponseCode": 404, "ResponsePagePath": "/404.html", "ErrorCachingMinTTL": 60}
    ]
    assert config["DefaultCacheBehavior"]["FunctionAssociations"][0]["EventType"] == "viewer-request"


# ---------------------------------------------------------------- WAF and API Gateway


def rate_rules(web_acl: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["Name"]: r for r in web_acl["Properties"]["Rules"] if "RateBasedStatement" in r["Statement"]}


def starts_with(statement: dict[str, Any]) -> str | None:
    match = statement.get("ByteMatchStatement", {})
    if match.get("PositionalConstraint") == "STARTS_WITH" and "UriPath" in match.get("FieldToMatch", {}):
        return str(match["SearchString"])
    return None


@pytest.mark.parametrize("stage", STAGES)
def test_waf_rate_limits_the_booking_and_code_endpoints(templates: dict[str, Any], stage: str) -> None:
    edge = templates[stage]["edge"]
    (acl,) = of_type(edge, "AWS::WAFv2::WebACL").values()
    assert acl["Properties"]["Scope"] == "CLOUDFRONT"
    rules = rate_rules(acl)
    scoped_to_appointments = []
    for rule in rules.values():
        rate = rule["Statement"]["RateBasedStatement"]
        scope = rate["ScopeDownStatement"]
        parts = scope["AndStatement"]["Statements"] if "AndStatement" in scope else [scope]
        if "/api/v1/appointments" in [starts_with(p) for p in parts]:
            scoped_to_appointments.append(rule)
        assert rate["AggregateKeyType"] == "IP"
        limit = parameter_default(edge, rate["Limit"])
        assert 10 <= int(limit) <= 10_000
        block = rule["Action"]["Block"]["CustomResponse"]
        assert block["ResponseCode"] == 429
        body = json.loads(acl["Properties"]["CustomResponseBodies"][block["CustomResponseBodyKey"]]["Content"])
        assert set(body) == {"error"} and body["error"]["code"] == "too_many_requests"
        assert body["error"]["field"] is None
    # One rule for all calls of the appointment endpoints, a tighter one for the POSTs that send or try codes.
    assert len(scoped_to_appointments) >= 2
    methods = [
        p["ByteMatchStatement"]["SearchString"]
        for r in scoped_to_appointments
        for p in r["Statement"]["RateBasedStatement"]["ScopeDownStatement"]
        .get("AndStatement", {})
        .get("Statements", [])
        if "Method" in p.get("ByteMatchStatement", {}).get("FieldToMatch", {})
    ]
    assert methods == ["POST"]
    managed = {
        r["Statement"]["ManagedRuleGroupStatement"]["Name"]
        for r in acl["Properties"]["Rules"]
        if "ManagedRuleGroupStatement" in r["Statement"]
    }
    assert {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"} <= managed
    # The distribution uses this web ACL: deploy.py passes the edge stack's output to the main stack.
    assert distribution(portal(templates, stage))["WebACLId"] == {"Ref": "EdgeWebAclArn"}
    assert "WebAclArn" in edge["Outputs"]


def waf_matches(match: dict[str, Any], value: str) -> bool:
    """Whether a ByteMatchStatement with STARTS_WITH matches ``value``, its text transformations applied in order."""
    transform = {"NONE": str, "LOWERCASE": str.lower, "URL_DECODE": unquote}
    for step in sorted(match["TextTransformations"], key=lambda t: t["Priority"]):
        value = transform[step["Type"]](value)
    assert match["PositionalConstraint"] == "STARTS_WITH"
    return value.startswith(match["SearchString"])


@pytest.mark.parametrize("stage", STAGES)
def test_waf_limits_the_sign_in_steps_tighter_than_the_api(templates: dict[str, Any], stage: str) -> None:
    edge = templates[stage]["edge"]
    (acl,) = of_type(edge, "AWS::WAFv2::WebACL").values()
    rules = rate_rules(acl)
    (sign_in,) = [
        r
        for r in rules.values()
        if starts_with(r["Statement"]["RateBasedStatement"]["ScopeDownStatement"]) == "/api/v1/pro/auth/"
    ]
    (api,) = [
        r for r in rules.values() if starts_with(r["Statement"]["RateBasedStatement"]["ScopeDownStatement"]) == "/api/"
    ]
    rate = sign_in["Statement"]["RateBasedStatement"]
    assert rate["AggregateKeyType"] == "IP" and rate["EvaluationWindowSec"] == 300
    limit = int(parameter_default(edge, rate["Limit"]))
    assert limit == load_stage(stage).params["waf_limits_per_5_minutes"]["sign_in"]
    assert limit < int(parameter_default(edge, api["Statement"]["RateBasedStatement"]["Limit"]))
    assert sign_in["Priority"] < api["Priority"]
    # The same answer as the other rate rules: 429 with the portal's JSON error body.
    assert (
        sign_in["Action"]
        == api["Action"]
        == {"Block": {"CustomResponse": {"ResponseCode": 429, "CustomResponseBodyKey": "TooManyRequests"}}}
    )
    # Every sign-in step of the published API is counted, however its path is spelt; nothing else is.
    from chalicelib.backoffice.openapi import paths

    steps = [f"/api{path}" for path in paths() if path.startswith("/v1/pro/auth/")]
    assert len(steps) >= 5, steps
    match = rate["ScopeDownStatement"]["ByteMatchStatement"]
    for path in steps:
        assert waf_matches(match, path), path
        assert waf_matches(match, path.upper().replace("AUTH", "%61uth")), path
    for path in ("/api/v1/pro/me", "/api/v1/appointments", "/api/v1/pro/authority", "/fr/pro/auth/"):
        assert not waf_matches(match, path), path


@pytest.mark.parametrize("stage", STAGES)
def test_api_refuses_calls_that_bypass_cloudfront(templates: dict[str, Any], stage: str) -> None:
    template = portal(templates, stage)
    acl = template["Resources"]["ApiWebAcl"]["Properties"]
    assert acl["Scope"] == "REGIONAL" and acl["DefaultAction"] == {"Allow": {}}
    (rule,) = acl["Rules"]
    match = rule["Statement"]["NotStatement"]["Statement"]["ByteMatchStatement"]
    assert rule["Action"]["Block"]["CustomResponse"]["ResponseCode"] == 403
    (header,) = origin(distribution(template), "api")["OriginCustomHeaders"]
    assert match["FieldToMatch"] == {"SingleHeader": {"Name": header["HeaderName"].lower()}}
    assert match["SearchString"] == header["HeaderValue"]  # the same secret, resolved by CloudFormation
    assert "{{resolve:secretsmanager:${OriginVerifySecret}" in header["HeaderValue"]["Fn::Sub"]
    association = template["Resources"]["ApiWebAclAssociation"]["Properties"]
    assert association["ResourceArn"]["Fn::Sub"].endswith("/restapis/${RestAPI}/stages/api")


@pytest.mark.parametrize("stage", STAGES)
def test_api_stage_is_throttled_and_logs_no_bodies(templates: dict[str, Any], stage: str) -> None:
    template = portal(templates, stage)
    api = template["Resources"]["RestAPI"]["Properties"]
    (settings,) = api["MethodSettings"]
    assert (settings["ResourcePath"], settings["HttpMethod"]) == ("/*", "*")
    throttle = load_stage(stage).params["api_throttle"]
    assert int(parameter_default(template, settings["ThrottlingRateLimit"])) == throttle["rate_per_second"]
    assert int(parameter_default(template, settings["ThrottlingBurstLimit"])) == throttle["burst"]
    assert settings["DataTraceEnabled"] is False
    assert api["AccessLogSetting"]["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogs", "Arn"]}


def test_a_missing_route_answers_404_in_the_error_shape_as_locally(templates: dict[str, Any]) -> None:
    """API Gateway's "Missing Authentication Token" 403 becomes the local portal's 404 body, byte for byte."""
    import signal

    from local import apiworker

    body = templates["dev"]["portal"]["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    responses = body["x-amazon-apigateway-gateway-responses"]
    missing = responses["MISSING_AUTHENTICATION_TOKEN"]
    assert missing["statusCode"] == "404"
    deployed = json.loads(missing["responseTemplates"]["application/json"])

    previous = signal.getsignal(signal.SIGINT)
    try:
        apiworker.init_worker()
    finally:
        signal.signal(signal.SIGINT, previous)
    local = apiworker.handle("GET", "/v1/no-such-route", {}, None)
    assert local["statusCode"] == 404
    assert deployed == json.loads(local["body"])
    assert deployed["error"]["code"] == "not_found" and deployed["error"]["field"] is None


def test_every_gateway_response_is_json_in_the_error_shape_and_none_is_403(templates: dict[str, Any]) -> None:
    body = templates["dev"]["portal"]["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    responses = body["x-amazon-apigateway-gateway-responses"]
    assert {"DEFAULT_4XX", "DEFAULT_5XX", "THROTTLED", "UNAUTHORIZED"} <= set(responses)
    for kind, response in responses.items():
        error = json.loads(response["responseTemplates"]["application/json"])["error"]
        assert set(error) == {"code", "message", "field"}, kind
        assert error["code"] and error["message"], kind
        # CloudFront turns any 403 into the site's 404 page; an API answer must not be a 403 (CustomErrorResponses).
        assert response.get("statusCode") != "403", kind
        assert response["responseParameters"]["gatewayresponse.header.Cache-Control"] == "'no-store'"
    # Swagger from Chalice and the merge kept together: the app's routes are still there.
    assert "/health" in body["paths"]


# ---------------------------------------------------------------- Lambda and IAM


@pytest.mark.parametrize("stage", STAGES)
def test_lambda_timeouts_concurrency_layer_logs_and_alarms(templates: dict[str, Any], stage: str) -> None:
    template = portal(templates, stage)
    functions = of_type(template, "AWS::Serverless::Function")
    assert "APIHandler" in functions
    config = load_stage(stage).chalice["stages"][stage]
    assert set(functions) == {"APIHandler", "ScheduledPass", "PublishSlotFeed"}
    own = config.get("lambda_functions", {})
    for name, function in functions.items():
        props = function["Properties"]
        settings = next((v for k, v in own.items() if k.replace("_", "") == name.lower()), config)
        assert props["ReservedConcurrentExecutions"] == settings["reserved_concurrency"], name
        period = schedule_period(props)
        if period is None:
            assert props["Timeout"] < 29, name  # API Gateway gives up at 29 s
        else:  # the runs under way at once fit in its reserved concurrency, and a failed run is not retried
            assert props["Timeout"] < period * props["ReservedConcurrentExecutions"], name
            assert props["EventInvokeConfig"]["MaximumRetryAttempts"] == 0, name
        if requirements():
            assert {"Ref": "DependenciesLayer"} in props["Layers"], name
        variables = props["Environment"]["Variables"]
        assert variables["TABLE_NAME"] == load_stage(stage).table_name
        assert variables["USER_POOL_ID"] == {"Ref": "UserPool"}
        assert variables["USER_POOL_CLIENT_ID"] == {"Ref": "UserPoolClient"}
        (log_group,) = [
            g["Properties"]
            for g in of_type(template, "AWS::Logs::LogGroup").values()
            if g["Properties"]["LogGroupName"] == {"Fn::Sub": f"/aws/lambda/${{{name}}}"}
        ]
        assert log_group["RetentionInDays"] == {"Ref": "LogRetentionDays"}
        assert log_group["KmsKeyId"] == {"Fn::GetAtt": ["DataKey", "Arn"]}
        alarms = {
            a["Properties"]["MetricName"]
            for a in of_type(template, "AWS::CloudWatch::Alarm").values()
            if a["Properties"].get("Dimensions") == [{"Name": "FunctionName", "Value": {"Ref": name}}]
        }
        assert alarms == ({"Errors", "Throttles"} | ({"Invocations"} if schedule_period(props) else set())), name
    # the scheduled pass: time for a pass over thousands of reminders, two at most at once
    reminder_pass = functions["ScheduledPass"]["Properties"]
    assert reminder_pass["Timeout"] == own["scheduled_pass"]["lambda_timeout"] == 300
    assert reminder_pass["ReservedConcurrentExecutions"] == own["scheduled_pass"]["reserved_concurrency"] == 2


@pytest.mark.parametrize("stage", STAGES)
def test_the_slot_feed_function_runs_every_period_with_a_role_of_its_own(templates: dict[str, Any], stage: str) -> None:
    """Query on the table alone, and S3 writes under the feed's two keys of the site's bucket: nothing else."""
    from chalicelib.slotfeed import PERIOD_MINUTES
    from chalicelib.slotfeed.files import MANIFEST, PREFIX

    template = portal(templates, stage)
    resources = template["Resources"]
    props = resources["PublishSlotFeed"]["Properties"]
    assert props["Handler"] == "app.publish_slot_feed"
    [event] = props["Events"].values()
    assert event == {"Type": "Schedule", "Properties": {"Schedule": f"rate({PERIOD_MINUTES} minutes)"}}
    assert props["EventInvokeConfig"] == {"MaximumRetryAttempts": 0, "MaximumEventAgeInSeconds": PERIOD_MINUTES * 60}
    assert props["Environment"]["Variables"]["SITE_BUCKET"] == {"Ref": "SiteBucket"}
    assert "SITE_BUCKET" not in resources["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert props["Role"] == {"Fn::GetAtt": ["PublishSlotFeedRole", "Arn"]}
    (policy,) = resources["PublishSlotFeedRole"]["Properties"]["Policies"]
    statements = {s["Sid"]: s for s in policy["PolicyDocument"]["Statement"]}
    table = load_stage(stage).table_name
    assert statements["Table"]["Action"] == ["dynamodb:Query"]
    assert [r["Fn::Sub"].rsplit(":", 1)[1] for r in statements["Table"]["Resource"]] == [
        f"table/{table}",
        f"table/{table}/index/GSI1",
    ]
    bucket = "arn:${AWS::Partition}:s3:::${SiteBucket}"
    assert statements["FeedFiles"]["Action"] == ["s3:PutObject", "s3:DeleteObject"]
    assert statements["FeedFiles"]["Resource"] == {"Fn::Sub": f"{bucket}/{PREFIX}*"}
    assert statements["FeedManifest"]["Action"] == ["s3:PutObject"]
    assert statements["FeedManifest"]["Resource"] == {"Fn::Sub": f"{bucket}/{MANIFEST}"}
    assert statements["FeedListing"]["Action"] == ["s3:ListBucket"]
    assert statements["FeedListing"]["Condition"] == {"StringEquals": {"s3:prefix": PREFIX}}
    assert set(statements) == {"Logs", "Table", "FeedFiles", "FeedManifest", "FeedListing"}
    api = json.dumps(resources["ApiHandlerRole"]["Properties"]["Policies"])
    assert '"s3:' not in api  # the booking API never writes the site
    alarms = {name: a["Properties"] for name, a in of_type(template, "AWS::CloudWatch::Alarm").items()}
    errors, missed = alarms["PublishSlotFeedErrorsAlarm"], alarms["PublishSlotFeedMissedRunsAlarm"]
    assert (errors["Threshold"], errors["EvaluationPeriods"], errors["Period"]) == (1, 2, PERIOD_MINUTES * 60)
    assert (missed["MetricName"], missed["ComparisonOperator"], missed["TreatMissingData"]) == (
        "Invocations",
        "LessThanThreshold",
        "breaching",
    )
    rules = {r["Id"]: r for r in resources["SiteBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]}
    assert rules["slot-feed-old-versions"]["Prefix"] == PREFIX
    assert rules["slot-feed-manifest-old-versions"]["Prefix"] == MANIFEST
    assert all(r["NoncurrentVersionExpiration"] == {"NoncurrentDays": 1} for r in rules.values() if "slot" in r["Id"])


def allow_statements(template: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for name, role in of_type(template, "AWS::IAM::Role").items():
        for policy in role["Properties"].get("Policies", []):
            for statement in policy["PolicyDocument"]["Statement"]:
                if statement["Effect"] == "Allow":
                    found.append((name, statement))
    return found


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("kind", ["portal", "expanded", "edge", "bootstrap"])
def test_no_iam_wildcard_action_or_unscoped_resource(templates: dict[str, Any], stage: str, kind: str) -> None:
    template = templates[stage][kind]
    for role, statement in allow_statements(template):
        for action in as_list(statement["Action"]):
            assert "*" not in action, (role, action)
        if as_list(statement["Action"]) == ["sns:Publish"]:  # texts to phone numbers: no resource to name
            assert statement["Resource"] == "*"
            denied = template["Resources"][role]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
            assert any(  # ...and every topic denied, so that the grant sends texts and nothing else
                s.get("Effect") == "Deny" and as_list(s["Action"]) == ["sns:Publish"] and ":sns:" in json.dumps(s)
                for s in denied
            ), role
            continue
        for resource in as_list(statement["Resource"]):
            text = json.dumps(resource)
            assert text != '"*"', (role, statement)
            assert ":*:*:" not in text, (role, resource)  # region and account are the stack's own
    for name, policy in of_type(template, "AWS::IAM::Policy").items():  # none today; checked if one appears
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            assert "*" not in json.dumps(statement["Action"]), name


@pytest.mark.parametrize("stage", STAGES)
def test_function_role_is_the_policy_file_scoped_to_the_stack_and_its_table(
    templates: dict[str, Any], stage: str
) -> None:
    template = portal(templates, stage)
    loaded = load_stage(stage)
    policy_file = loaded.chalice["stages"][stage]["iam_policy_file"]
    written = json.loads((FUNCTIONS / ".chalice" / policy_file).read_text(encoding="utf-8"))
    role = template["Resources"]["ApiHandlerRole"]["Properties"]
    (policy,) = role["Policies"]
    deployed = policy["PolicyDocument"]["Statement"]
    assert [as_list(s["Action"]) for s in deployed] == [as_list(s["Action"]) for s in written["Statement"]]
    table_arns = [r["Fn::Sub"] for s in deployed for r in as_list(s["Resource"]) if ":dynamodb:" in json.dumps(r)]
    assert table_arns, "the role reaches the table"
    for arn in table_arns:
        assert arn.startswith("arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/")
        assert re.fullmatch(rf".*:table/{re.escape(loaded.table_name)}(/index/[A-Za-z0-9_.*-]+)?", arn), arn
    assert template["Resources"]["Table"]["Properties"]["TableName"] == {"Ref": "TableName"}
    assert template["Parameters"]["TableName"]["Default"] == loaded.table_name


# ---------------------------------------------------------------- data


@pytest.mark.parametrize("stage", STAGES)
def test_table_is_the_one_definition_with_pitr_protection_and_customer_key(
    templates: dict[str, Any], stage: str
) -> None:
    template = portal(templates, stage)
    table = template["Resources"]["Table"]
    props = table["Properties"]
    for key, value in table_definition().items():  # infra/table.json, the same reader as the local endpoint
        assert props[key] == value, key
    assert props["TimeToLiveSpecification"]["Enabled"] is True
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["DeletionProtectionEnabled"] is True
    sse = props["SSESpecification"]
    assert sse["SSEEnabled"] is True and sse["SSEType"] == "KMS"
    key = template["Resources"][sse["KMSMasterKeyId"]["Ref"]]
    assert key["Type"] == "AWS::KMS::Key"
    assert key["Properties"]["EnableKeyRotation"] is True
    kept = "Retain" if load_stage(stage).retain_data else "Delete"
    assert table["DeletionPolicy"] == kept and key["DeletionPolicy"] == kept
    assert (stage == "prod") == (kept == "Retain")


@pytest.mark.parametrize("stage", STAGES)
def test_every_stage_sets_its_retention_policy_and_the_table_expires_items(
    templates: dict[str, Any], stage: str
) -> None:
    """The functions delete patients' data by the table's TTL attribute, on the periods of the stage's settings;
    backups then keep a deleted item at most as long as they are kept (docs/security.md, "Retention")."""
    settings = load_stage(stage)
    assert settings.retention_days == 90 and settings.audit_retention_days == 365
    assert settings.audit_retention_days >= settings.retention_days  # who saw an appointment outlives it
    ttl = portal(templates, stage)["Resources"]["Table"]["Properties"]["TimeToLiveSpecification"]
    assert ttl == {"AttributeName": "expires_at", "Enabled": True}
    assert int(settings.params["backup_retention_days"]) <= 35


@pytest.mark.parametrize("stage", STAGES)
def test_waf_logs_never_keep_a_credential(templates: dict[str, Any], stage: str) -> None:
    """Blocked requests are logged; their tokens, cookies and e-mail proofs are not."""
    configs = [
        *of_type(templates[stage]["edge"], "AWS::WAFv2::LoggingConfiguration").values(),
        *of_type(portal(templates, stage), "AWS::WAFv2::LoggingConfiguration").values(),
    ]
    assert len(configs) == 2
    for config in configs:
        redacted = {field["SingleHeader"]["Name"] for field in config["Properties"]["RedactedFields"]}
        assert {"authorization", "cookie", "email-proof"} <= redacted


@pytest.mark.parametrize("stage", STAGES)
def test_aws_backup_copies_the_table_into_an_encrypted_vault(templates: dict[str, Any], stage: str) -> None:
    template = portal(templates, stage)
    (selection,) = of_type(template, "AWS::Backup::BackupSelection").values()
    assert selection["Properties"]["BackupSelection"]["Resources"] == [{"Fn::GetAtt": ["Table", "Arn"]}]
    (plan,) = of_type(template, "AWS::Backup::BackupPlan").values()
    (rule,) = plan["Properties"]["BackupPlan"]["BackupPlanRule"]
    assert rule["ScheduleExpression"].startswith("cron(")
    retention = parameter_default(template, rule["Lifecycle"]["DeleteAfterDays"])
    assert int(retention) == load_stage(stage).params["backup_retention_days"]
    (vault,) = of_type(template, "AWS::Backup::BackupVault").values()
    assert vault["Properties"]["EncryptionKeyArn"] == {"Fn::GetAtt": ["DataKey", "Arn"]}


# ---------------------------------------------------------------- sign-in, e-mail, alarms


@pytest.mark.parametrize("stage", STAGES)
def test_user_pool_requires_totp_and_refuses_self_sign_up(templates: dict[str, Any], stage: str) -> None:
    (pool,) = of_type(portal(templates, stage), "AWS::Cognito::UserPool").values()
    props = pool["Properties"]
    assert props["MfaConfiguration"] == "ON"  # required, not optional
    assert props["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]  # TOTP apps only, no SMS
    assert props["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    password = props["Policies"]["PasswordPolicy"]
    assert password["MinimumLength"] >= 12
    # The same policy as the local pool the sign-in tests run against (and signin.py's message states).
    from local.cognito import PASSWORD_POLICY

    assert {k: password[k] for k in PASSWORD_POLICY} == PASSWORD_POLICY
    assert all(password[k] for k in ("RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols"))
    assert props["UserPoolAddOns"]["AdvancedSecurityMode"] == "ENFORCED"
    (client,) = of_type(portal(templates, stage), "AWS::Cognito::UserPoolClient").values()
    assert client["Properties"]["GenerateSecret"] is False
    assert client["Properties"]["PreventUserExistenceErrors"] == "ENABLED"


@pytest.mark.parametrize("stage", STAGES)
def test_ses_identity_is_the_domain_of_the_sender(templates: dict[str, Any], stage: str) -> None:
    template = portal(templates, stage)
    (identity,) = of_type(template, "AWS::SES::EmailIdentity").values()
    domain = parameter_default(template, identity["Properties"]["EmailIdentity"])
    assert load_stage(stage).mail_from.endswith("@" + domain)
    assert identity["Properties"]["DkimSigningAttributes"]["NextSigningKeyLength"] == "RSA_2048_BIT"
    (config_set,) = of_type(template, "AWS::SES::ConfigurationSet").values()
    assert config_set["Properties"]["DeliveryOptions"]["TlsPolicy"] == "REQUIRE"


@pytest.mark.parametrize("stage", STAGES)
def test_alarms_on_api_5xx_throttles_and_dynamodb_errors_reach_the_topic(templates: dict[str, Any], stage: str) -> None:
    template = portal(templates, stage)
    alarms = of_type(template, "AWS::CloudWatch::Alarm").values()
    metrics = set()
    for alarm in alarms:
        props = alarm["Properties"]
        assert props["AlarmActions"] == [{"Ref": "AlarmTopic"}]
        if "MetricName" in props:
            metrics.add((props["Namespace"], props["MetricName"]))
        for query in props.get("Metrics", []):
            if "MetricStat" in query:
                metric = query["MetricStat"]["Metric"]
                metrics.add((metric["Namespace"], metric["MetricName"]))
    assert {
        ("AWS/ApiGateway", "5XXError"),
        ("AWS/Lambda", "Throttles"),
        ("AWS/Lambda", "Errors"),
        ("AWS/DynamoDB", "ReadThrottleEvents"),
        ("AWS/DynamoDB", "WriteThrottleEvents"),
        ("AWS/DynamoDB", "SystemErrors"),
    } <= metrics
    topic = template["Resources"]["AlarmTopic"]["Properties"]
    assert topic["KmsMasterKeyId"] == {"Ref": "DataKey"}


def metric_queries(alarm: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The metrics of a metric-math alarm by id: namespace, name and dimensions (a dict)."""
    return {
        query["Id"]: {
            "Namespace": query["MetricStat"]["Metric"]["Namespace"],
            "MetricName": query["MetricStat"]["Metric"]["MetricName"],
            "Dimensions": {d["Name"]: d["Value"] for d in query["MetricStat"]["Metric"].get("Dimensions", [])},
        }
        for query in alarm["Properties"].get("Metrics", [])
        if "MetricStat" in query
    }


def store_operations() -> set[str]:
    """The DynamoDB operations functions/chalicelib/core/store/ calls (the only code that calls DynamoDB)."""
    store = FUNCTIONS / "chalicelib" / "core" / "store"
    source = "\n".join(path.read_text(encoding="utf-8") for path in sorted(store.glob("*.py")))
    calls = re.findall(r"(?:_call|_conditional)\(\s*\"([a-z_]+)\"", source)
    calls += re.findall(r"\b(?:client|table)\.([a-z_]+)\(", source)
    return {"".join(word.capitalize() for word in call.split("_")) for call in calls}


@pytest.mark.parametrize("stage", STAGES)
def test_table_alarms_watch_every_operation_of_the_store_audit_batches_included(
    templates: dict[str, Any], stage: str
) -> None:
    template = portal(templates, stage)
    alarms = of_type(template, "AWS::CloudWatch::Alarm").values()
    watched: dict[str, set[str]] = {}
    for alarm in alarms:
        queries = metric_queries(alarm)
        if not queries:
            continue
        # A metric the alarm's expression leaves out would be fetched and never alarm.
        (result,) = [q for q in alarm["Properties"]["Metrics"] if q.get("ReturnData", True)]
        assert set(re.findall(r"[a-z][a-z0-9_]*", result["Expression"])) >= set(queries), result["Expression"]
        for query in queries.values():
            if query["Namespace"] == "AWS/DynamoDB":
                assert query["Dimensions"]["TableName"] == {"Ref": "Table"}
                scope = query["Dimensions"].get("Operation") or query["Dimensions"].get("GlobalSecondaryIndexName", "*")
                watched.setdefault(query["MetricName"], set()).add(scope)
    assert "BatchWriteItem" in store_operations()  # the audit log (store.write_audit)
    assert {"GetItem", "PutItem", "Query", "TransactWriteItems"} <= store_operations()
    assert store_operations() <= watched["SystemErrors"]
    # Throttles: every throttled write of the table and of its indexes, and an audit batch refused as a whole.
    indexes = {index["IndexName"] for index in table_definition()["GlobalSecondaryIndexes"]}
    assert watched["WriteThrottleEvents"] == {"*"} | indexes  # the table's own events do not count its indexes'
    assert watched["ReadThrottleEvents"] == {"*"}
    assert "BatchWriteItem" in watched["ThrottledRequests"]


# ---------------------------------------------------------------- the template as a whole


def references(node: Any) -> set[str]:
    """Logical ids a template fragment refers to (Ref, GetAtt, Sub)."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.add(value)
            elif key == "Fn::GetAtt":
                found.add(value[0] if isinstance(value, list) else value.split(".")[0])
            elif key == "Fn::Sub":
                text = value[0] if isinstance(value, list) else value
                found |= {m.split(".")[0] for m in re.findall(r"\$\{([^}!]+)\}", text)}
                if isinstance(value, list):
                    found |= references(value[1])
            else:
                found |= references(value)
    elif isinstance(node, list):
        for item in node:
            found |= references(item)
    return found


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("kind", ["portal", "expanded", "edge", "bootstrap"])
def test_no_circular_dependency_between_resources(templates: dict[str, Any], stage: str, kind: str) -> None:
    resources = templates[stage][kind]["Resources"]
    graph = {
        name: (references(r.get("Properties", {})) | set(as_list(r.get("DependsOn", [])))) & set(resources)
        for name, r in resources.items()
    }
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, " -> ".join((*path, name))
        if name in done:
            return
        for target in graph[name]:
            visit(target, (*path, name))
        done.add(name)

    for name in graph:
        visit(name, ())


def test_no_application_error_is_a_403() -> None:
    """CloudFront serves the site's 404 page for any 403 (see CustomErrorResponses): the API must never use 403."""
    import inspect

    from chalicelib.core import errors

    statuses = {
        cls.__name__: cls.status
        for _, cls in inspect.getmembers(errors, inspect.isclass)
        if issubclass(cls, errors.PortalError)
    }
    assert statuses and 403 not in statuses.values(), statuses


@pytest.mark.parametrize("stage", STAGES)
def test_what_cloudformation_creates_for_the_api(templates: dict[str, Any], stage: str) -> None:
    """After the SAM transform: the stage "api" with its settings, the function, the WAF on that very stage."""
    expanded = templates[stage]["expanded"]
    resources = expanded["Resources"]
    (stage_name,) = of_type(expanded, "AWS::ApiGateway::Stage")
    api_stage = resources[stage_name]["Properties"]
    assert api_stage["StageName"] == "api"
    assert api_stage["MethodSettings"][0]["DataTraceEnabled"] is False
    assert "AccessLogSetting" in api_stage
    association = resources["ApiWebAclAssociation"]
    assert association["DependsOn"] == stage_name  # the stage exists before the web ACL is attached to it
    (rest_api,) = of_type(expanded, "AWS::ApiGateway::RestApi").values()
    assert rest_api["Properties"]["EndpointConfiguration"] == {"Types": ["REGIONAL"]}
    assert "MISSING_AUTHENTICATION_TOKEN" in rest_api["Properties"]["Body"]["x-amazon-apigateway-gateway-responses"]
    functions = of_type(expanded, "AWS::Lambda::Function")
    for name, function in functions.items():
        props = function["Properties"]
        assert props["Timeout"] < 29 or name in ("ScheduledPass", "PublishSlotFeed"), name  # only the API answers
        assert len(props.get("Layers", [])) == (1 if requirements() else 0)
    targets = [r["Properties"]["Targets"][0]["Arn"] for r in of_type(expanded, "AWS::Events::Rule").values()]
    for scheduled in ("ScheduledPass", "PublishSlotFeed"):  # each schedule runs its function, never retried
        assert {"Fn::GetAtt": [scheduled, "Arn"]} in targets
        invokes = of_type(expanded, "AWS::Lambda::EventInvokeConfig").values()
        assert [
            i["Properties"]["MaximumRetryAttempts"]
            for i in invokes
            if i["Properties"]["FunctionName"] == {"Ref": scheduled}
        ] == [0]


@pytest.mark.parametrize("stage", STAGES)
def test_every_rate_rule_counts_a_path_however_it_is_spelt(templates: dict[str, Any], stage: str) -> None:
    """A rate limit that a percent-escape or capital letters get around limits nothing: each rule's path match sees
    the path decoded and lower-cased."""
    (acl,) = of_type(templates[stage]["edge"], "AWS::WAFv2::WebACL").values()
    checked = []
    for rule in rate_rules(acl).values():
        scope = rule["Statement"]["RateBasedStatement"]["ScopeDownStatement"]
        for statement in [scope, *scope.get("AndStatement", {}).get("Statements", [])]:
            prefix = starts_with(statement)
            if prefix is None:
                continue
            disguised = "".join(f"%{ord(c):02X}" if c.isalpha() else c for c in prefix.upper()) + "x"
            assert waf_matches(statement["ByteMatchStatement"], disguised), (rule["Name"], disguised)
            checked.append(rule["Name"])
    assert len(checked) >= 3, checked


@pytest.mark.parametrize("stage", STAGES)
def test_theme_files_are_cached_a_year_at_the_edge(templates: dict[str, Any], stage: str) -> None:
    """/theme/ holds only files named by their content hash (plugins/assets/): a year even without Cache-Control."""
    template = portal(templates, stage)
    config = distribution(template)
    patterns = [b["PathPattern"] for b in config["CacheBehaviors"]]
    (theme,) = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/theme/*"]
    assert patterns.index("/theme/*") < patterns.index("/api/*")
    assert theme["TargetOriginId"] == "site" and theme["Compress"] is True
    assert theme["ResponseHeadersPolicyId"] == {"Ref": "SecurityHeadersPolicy"}
    assert "FunctionAssociations" not in theme  # files, never folders: no index rewriting
    policy = template["Resources"][theme["CachePolicyId"]["Ref"]]["Properties"]["CachePolicyConfig"]
    assert policy["DefaultTTL"] == policy["MaxTTL"] == 365 * 24 * 3600
    key = policy["ParametersInCacheKeyAndForwardedToOrigin"]
    assert key["EnableAcceptEncodingBrotli"] and key["EnableAcceptEncodingGzip"]
