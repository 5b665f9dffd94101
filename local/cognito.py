"""The back-office's Cognito user pool on the local endpoint, with demo accounts.

The pool is configured as the deployed one must be: TOTP multi-factor authentication required (software tokens
only), no self sign-up, e-mail addresses as user names, a strong password policy, and one app client without a
secret that allows the password flow and refresh. Grants are groups (see functions/chalicelib/backoffice/auth.py and
docs/security.md): ``pro:<id>`` for the professional themself, ``for:<id>`` for accounts acting for them in
everything, ``desk:<id>`` for a front desk that runs their agenda but not their settings or calendar feed.

Demo accounts (fictional professionals of the demo directory), all with the temporary password DEMO_PASSWORD;
the first sign-in asks for a new password, then enrols an authenticator app:

    pr-000001@demo.sante.example.mc    professional pr-000001
    pr-000002@demo.sante.example.mc    professional pr-000002
    pr-000003@demo.sante.example.mc    professional pr-000003
    secretariat@demo.sante.example.mc  secretary acting for pr-000001 and pr-000002
    accueil@demo.sante.example.mc      front desk of pr-000001 and pr-000002 (their agendas, side by side; not the
                                       settings)

This module refuses to run against anything but a loopback endpoint: the demo password is public.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError

FUNCTIONS_DIR = Path(__file__).resolve().parent.parent / "functions"
if str(FUNCTIONS_DIR) not in sys.path:  # group names come from the API's own module, as the workers import it
    sys.path.insert(0, str(FUNCTIONS_DIR))

from chalicelib.backoffice.auth import delegate_group, desk_group, is_loopback_url, professional_group  # noqa: E402

POOL_NAME = "portal-back-office"
CLIENT_NAME = "portal-back-office-web"
DEMO_PASSWORD = "Monaco-Demo-2026!"  # noqa: S105 (published on purpose; temporary: the first sign-in replaces it)
PASSWORD_POLICY = {
    "MinimumLength": 12,
    "RequireUppercase": True,
    "RequireLowercase": True,
    "RequireNumbers": True,
    "RequireSymbols": True,
    "TemporaryPasswordValidityDays": 7,
}


@dataclass(frozen=True)
class DemoAccount:
    email: str
    own: str | None = None  # the professional this account is
    acts_for: tuple[str, ...] = field(default=())  # professionals a secretary acts for
    desk_for: tuple[str, ...] = field(default=())  # professionals whose agenda only a front desk runs

    def groups(self) -> list[str]:
        own = [professional_group(self.own)] if self.own else []
        return own + [delegate_group(pid) for pid in self.acts_for] + [desk_group(pid) for pid in self.desk_for]


DEMO_ACCOUNTS = (
    DemoAccount("pr-000001@demo.sante.example.mc", own="pr-000001"),
    DemoAccount("pr-000002@demo.sante.example.mc", own="pr-000002"),
    DemoAccount("pr-000003@demo.sante.example.mc", own="pr-000003"),
    DemoAccount("secretariat@demo.sante.example.mc", acts_for=("pr-000001", "pr-000002")),
    DemoAccount("accueil@demo.sante.example.mc", desk_for=("pr-000001", "pr-000002")),
)


@dataclass(frozen=True)
class BackOfficePool:
    user_pool_id: str
    client_id: str
    jwks_url: str

    def environment(self) -> dict[str, str]:
        """The settings the API reads (functions/chalicelib/core/config.py) to verify this pool's tokens."""
        return {
            "USER_POOL_ID": self.user_pool_id,
            "USER_POOL_CLIENT_ID": self.client_id,
            "COGNITO_JWKS_URL": self.jwks_url,
        }


def prepare_cognito(
    client: Any = None, accounts: tuple[DemoAccount, ...] = DEMO_ACCOUNTS, pool_name: str = POOL_NAME
) -> BackOfficePool:
    """Create (or find) the pool, its app client, groups and demo ``accounts`` on the local endpoint."""
    client = client or boto3.client("cognito-idp")
    endpoint = str(client.meta.endpoint_url).rstrip("/")
    if not is_loopback_url(endpoint):
        raise RuntimeError(f"refusing to create demo accounts outside the local endpoint: {endpoint}")
    pool_id, client_id = configure_pool(client, accounts, pool_name)
    return BackOfficePool(pool_id, client_id, f"{endpoint}/{pool_id}/.well-known/jwks.json")


def configure_pool(client: Any, accounts: tuple[DemoAccount, ...], pool_name: str = POOL_NAME) -> tuple[str, str]:
    """The pool's and app client's ids, both created with the deployed settings if missing; ``accounts`` added.

    No endpoint check here: the tests also call it on moto in-process (``mock_aws``).
    """
    pool_id = _pool(client, pool_name)
    client_id = _app_client(client, pool_id)
    for account in accounts:
        _account(client, pool_id, account)
    return pool_id, client_id


def _pool(client: Any, pool_name: str) -> str:
    for page in client.get_paginator("list_user_pools").paginate(MaxResults=60):
        for pool in page["UserPools"]:
            if pool["Name"] == pool_name:
                return str(pool["Id"])
    pool_id = str(
        client.create_user_pool(
            PoolName=pool_name,
            Policies={"PasswordPolicy": PASSWORD_POLICY},
            MfaConfiguration="ON",
            UsernameAttributes=["email"],
            UsernameConfiguration={"CaseSensitive": False},
            AutoVerifiedAttributes=["email"],
            AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
            AccountRecoverySetting={"RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]},
        )["UserPool"]["Id"]
    )
    client.set_user_pool_mfa_config(
        UserPoolId=pool_id, SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration="ON"
    )
    return pool_id


def _app_client(client: Any, pool_id: str) -> str:
    for page in client.get_paginator("list_user_pool_clients").paginate(UserPoolId=pool_id, MaxResults=60):
        for app in page["UserPoolClients"]:
            if app["ClientName"] == CLIENT_NAME:
                return str(app["ClientId"])
    created = client.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=CLIENT_NAME,
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        PreventUserExistenceErrors="ENABLED",
        EnableTokenRevocation=True,
        AccessTokenValidity=15,
        IdTokenValidity=15,
        RefreshTokenValidity=12,
        TokenValidityUnits={"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "hours"},
        AuthSessionValidity=5,
    )
    return str(created["UserPoolClient"]["ClientId"])


def _account(client: Any, pool_id: str, account: DemoAccount) -> None:
    try:
        client.admin_create_user(
            UserPoolId=pool_id,
            Username=account.email,
            TemporaryPassword=DEMO_PASSWORD,
            MessageAction="SUPPRESS",
            UserAttributes=[
                {"Name": "email", "Value": account.email},
                {"Name": "email_verified", "Value": "true"},
            ],
        )
    except ClientError as err:
        if err.response["Error"]["Code"] != "UsernameExistsException":
            raise
    for group in account.groups():
        try:
            client.create_group(UserPoolId=pool_id, GroupName=group)
        except ClientError as err:
            if err.response["Error"]["Code"] != "GroupExistsException":
                raise
        client.admin_add_user_to_group(UserPoolId=pool_id, Username=account.email, GroupName=group)
