"""A stage's deployment parameters: infra/stages.json, plus what the functions read from .chalice/config.json.

Values the Lambda functions need at run time (table name, sender address, site URL) live in Chalice's stage
config and are read from there; everything else about a deployment lives in infra/stages.json. Nothing is
written twice, so the two cannot drift.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
INFRA = ROOT / "infra"
FUNCTIONS = ROOT / "functions"
STAGES_FILE = INFRA / "stages.json"
CHALICE_CONFIG = FUNCTIONS / ".chalice" / "config.json"
EDGE_REGION = "us-east-1"  # CloudFront's WAF web ACLs and certificates live there, whatever the stage's region


class StageError(ValueError):
    """A stage that does not exist or whose parameters are incomplete; the message says what to fix where."""


def _read_json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True)
class Stage:
    name: str
    params: dict[str, Any]
    chalice: dict[str, Any]

    @property
    def region(self) -> str:
        return str(self.params["region"])

    @property
    def app_name(self) -> str:
        return str(self.chalice["app_name"])

    @property
    def stack_name(self) -> str:
        """``portal-dev``: the policy files' log-group and table patterns expect this prefix."""
        return f"{self.app_name}-{self.name}"

    @property
    def edge_stack_name(self) -> str:
        return f"{self.stack_name}-edge"

    @property
    def bootstrap_stack_name(self) -> str:
        return f"{self.app_name}-bootstrap"

    @cached_property
    def environment(self) -> dict[str, str]:
        """The functions' environment for this stage, as Chalice merges it (top level, then the stage)."""
        merged = dict(self.chalice.get("environment_variables", {}))
        merged.update(self.chalice["stages"][self.name].get("environment_variables", {}))
        return merged

    def _env(self, key: str) -> str:
        try:
            return self.environment[key]
        except KeyError:
            raise StageError(f"{CHALICE_CONFIG}: stage {self.name!r} sets no environment variable {key}") from None

    @property
    def table_name(self) -> str:
        return self._env("TABLE_NAME")

    @property
    def site_url(self) -> str:
        return self._env("SITE_URL").rstrip("/")

    @property
    def domain(self) -> str:
        """The portal's host name, from SITE_URL: CloudFront's alias, and what the certificate must cover."""
        host = urlparse(self.site_url).hostname
        if not host:
            raise StageError(f"{CHALICE_CONFIG}: stage {self.name!r}: SITE_URL has no host name")
        return host

    @property
    def mail_from(self) -> str:
        return self._env("MAIL_FROM")

    @property
    def mail_domain(self) -> str:
        """The SES identity: the domain of MAIL_FROM."""
        return self.mail_from.rpartition("@")[2]

    @property
    def retention_days(self) -> int:
        """Days an appointment, with its patient's details, is kept after its end (the functions' RETENTION_DAYS;
        core/retention.py). The privacy notice states the same number."""
        return self._days("RETENTION_DAYS")

    @property
    def audit_retention_days(self) -> int:
        """Days an entry of the back-office's audit log is kept (AUDIT_RETENTION_DAYS)."""
        return self._days("AUDIT_RETENTION_DAYS")

    def _days(self, key: str) -> int:
        value = self._env(key)
        if not value.isdigit() or not 1 <= int(value) <= 3650:
            raise StageError(f"{CHALICE_CONFIG}: stage {self.name!r}: {key} must be a number of days from 1 to 3650")
        return int(value)

    @property
    def certificate_arn(self) -> str:
        return str(self.params.get("certificate_arn", ""))

    @property
    def alarm_email(self) -> str:
        return str(self.params.get("alarm_email", ""))

    @property
    def retain_data(self) -> bool:
        return bool(self.params["retain_data"])

    def template_parameters(self) -> dict[str, str]:
        """Defaults written into the main template for this stage (deploy passes the account-specific ones)."""
        throttle = self.params["api_throttle"]
        return {
            "Stage": self.name,
            "DomainName": self.domain,
            "TableName": self.table_name,
            "MailDomain": self.mail_domain,
            "CertificateArn": self.certificate_arn,
            "AlarmEmail": self.alarm_email,
            "LogRetentionDays": str(self.params["log_retention_days"]),
            "BackupRetentionDays": str(self.params["backup_retention_days"]),
            "PriceClass": str(self.params["price_class"]),
            "ApiThrottleRate": str(throttle["rate_per_second"]),
            "ApiThrottleBurst": str(throttle["burst"]),
        }

    def edge_parameters(self) -> dict[str, str]:
        limits = self.params["waf_limits_per_5_minutes"]
        return {
            "Stage": self.name,
            "AppointmentWritesLimit": str(limits["appointment_writes"]),
            "SignInLimit": str(limits["sign_in"]),
            "AppointmentsLimit": str(limits["appointments"]),
            "ApiLimit": str(limits["api"]),
            "LogRetentionDays": str(self.params["log_retention_days"]),
        }


def stage_names() -> list[str]:
    return sorted(_read_json(STAGES_FILE)["stages"])


def load_stage(name: str) -> Stage:
    """The stage called ``name``; a StageError names the file to fix when it is unknown to either file."""
    params = _read_json(STAGES_FILE)["stages"].get(name)
    if params is None:
        raise StageError(f"{STAGES_FILE}: no stage {name!r} (stages: {', '.join(stage_names())})")
    chalice = _read_json(CHALICE_CONFIG)
    if name not in chalice.get("stages", {}):
        raise StageError(f"{CHALICE_CONFIG}: no Chalice stage {name!r}")
    return Stage(name=name, params=params, chalice=chalice)
