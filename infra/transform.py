"""The SAM transform, run offline: the plain CloudFormation that CloudFormation itself will expand the template to.

The deploy sends the SAM template (CloudFormation expands it on its side); this expansion exists so that the
checks also see the resources that really get created: the API Gateway stage and deployment, the Lambda function
and layer, with their dependencies (cfn-lint finds circular dependencies only there).
"""

from __future__ import annotations

import copy
from typing import Any

# Placeholders for what only a real deploy knows: the uploaded packages and the account-specific parameters.
PLACEHOLDER_BUCKET = "artifacts-bucket-placeholder"
PLACEHOLDER_PARAMETERS = {
    "CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000",
    "EdgeWebAclArn": "arn:aws:wafv2:us-east-1:123456789012:global/webacl/placeholder/00000000",
}


def to_cloudformation(template: dict[str, Any], region: str) -> dict[str, Any]:
    """``template`` (SAM) expanded by AWS's translator, with placeholder S3 locations for the packages."""
    import boto3
    from samtranslator.metrics.metrics import Metrics
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator
    from samtranslator.utils.py27hash_fix import to_py27_compatible_template, undo_mark_unicode_str_in_template

    sam = copy.deepcopy(template)
    for resource in sam["Resources"].values():
        props = resource.get("Properties", {})
        if resource["Type"] == "AWS::Serverless::Function":
            props["CodeUri"] = {"Bucket": PLACEHOLDER_BUCKET, "Key": "deployment.zip"}
        elif resource["Type"] == "AWS::Serverless::LayerVersion":
            props["ContentUri"] = {"Bucket": PLACEHOLDER_BUCKET, "Key": "layer.zip"}
    parameters = dict(PLACEHOLDER_PARAMETERS)
    to_py27_compatible_template(sam, parameters)
    metrics = Metrics()  # the translator counts features; published to nowhere (its default publisher)
    translator = Translator(None, Parser(), boto_session=boto3.Session(region_name=region), metrics=metrics)
    # The functions name their role: SAM never needs to look a managed policy up.
    expanded = translator.translate(sam, parameter_values=parameters, get_managed_policy_map=dict)
    metrics.publish()
    result: dict[str, Any] = undo_mark_unicode_str_in_template(expanded)
    return result
