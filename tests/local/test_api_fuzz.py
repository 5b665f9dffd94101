"""The whole API fuzzed against its published OpenAPI document on the local stack (schemathesis): every operation,
patient and back-office, signed in with the back-office test account, with a real appointment's manage token, a
real waiting-list offer's token, and (on half the cases of the operations that take one) a real e-mail proof. No
answer may be a 5xx; each must be one of its operation's documented statuses, in the documented shape and content
type; a method a route lacks must be a 405 with ``Allow``; what the document forbids must be refused, and what it
allows must not be refused as invalid; a 429 (``proof_required`` once the network's unproven holds are used up)
only with a code its operation's document gives. The number of cases generated is said at the end of the run.

Random identifiers rarely name anything, so half of the valid ones drawn for a professional or an appointment are
replaced by the test account's professional, its booked appointment and the offer (a valid id for a valid id: a case
meant to be invalid stays invalid); those cases reach the agenda, the settings, the appointment, its reminders and
its manage token, and the offer.

Settings are in ``schemathesis.toml`` beside this file (schemathesis' own configuration file).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import schemathesis
from pydantic import ValidationError

from chalicelib.backoffice.schemas import AgendaQuery, LanguageQuery
from chalicelib.booking.schemas import NextAvailableQuery, SlotsQuery
from chalicelib.core import ids
from chalicelib.openapi import parts
from tests.functions import contract
from tests.local.conftest import LocalApi

CONFIG = schemathesis.Config.from_path(str(Path(__file__).with_name("schemathesis.toml")))
schema = schemathesis.openapi.from_dict(contract.document(), config=CONFIG)
CASES: Counter[str] = Counter()  # per operation; tests/local/conftest.py says the total at the end of the run
KNOWN: dict[str, str] = {}  # path parameter -> an id that exists, set once the local stack runs
PATTERNS = {
    "practitioner_id": ids.PRACTITIONER_ID,
    "appointment_id": ids.APPOINTMENT_ID,
    "offer_id": ids.APPOINTMENT_ID,
}
CODES = re.compile(r"`([a-z_]+)`")


def heads(value: Any) -> bool:
    """A coin that depends on the drawn values only, so that a case replays the same (hypothesis replays cases)."""
    return hashlib.blake2b(repr(value).encode(), digest_size=1).digest()[0] % 2 == 0


@schema.hooks.hook("map_case")  # type: ignore[untyped-decorator]
def existing_ids(context: Any, case: schemathesis.Case[Any]) -> schemathesis.Case[Any]:
    """Half the valid professional and appointment ids drawn become the test account's (in the coverage phase too,
    where most cases are, and which the other hooks do not reach)."""
    drawn = (case.path_parameters, case.query, case.body)  # the coverage phase keeps one id for many bodies
    for name, value in list((case.path_parameters or {}).items()):
        known = KNOWN.get(name)
        if known and isinstance(value, str) and re.fullmatch(PATTERNS.get(name, "$^"), value) and heads(drawn):
            case.path_parameters[name] = known
    return case


# The query models of the operations that take a query (their routes read it with web.query); bodies are named by
# the document itself.
QUERIES = {
    "GET /v1/practitioners/{practitioner_id}/slots": SlotsQuery,
    "GET /v1/next-available": NextAvailableQuery,
    "GET /v1/pro/me": LanguageQuery,
    "GET /v1/pro/practitioners/{practitioner_id}/agenda": AgendaQuery,
    "POST /v1/pro/practitioners/{practitioner_id}/feed": LanguageQuery,
}
BODIES = {model.__name__: model for part in parts() for model in part.requests}


@schemathesis.check
def edge_takes_what_the_document_allows(ctx: Any, response: Any, case: Any) -> None:
    """A request drawn as valid from the document and refused as invalid (400, 422) must be refused for a business
    rule, never by the API's own validation of its body or query: those are validated here with the routes' models,
    as the API validates them (web.body, web.query), from the bytes that were sent."""
    if response.status_code not in (400, 422) or case.meta is None or not case.meta.generation.mode.is_positive:
        return
    sent = response.request
    query_model = QUERIES.get(case.operation.label)
    if query_model is not None:
        params = parse_qs(urlsplit(str(sent.url)).query, keep_blank_values=True)
        problem = refusal(query_model, {name: values[0] for name, values in params.items()})
        assert problem is None, f"the document allows this query, the API refuses it: {problem}"
    body = case.operation.definition.raw.get("requestBody")
    if body is not None and sent.body:
        name = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        problem = refusal(BODIES[name], json.loads(sent.body))
        assert problem is None, f"the document allows this body, the API refuses it: {problem}"


@schemathesis.check
def every_refusal_in_the_one_error_shape(ctx: Any, response: Any, case: Any) -> None:
    """Every 4xx and 5xx is the one error body labelled JSON, whatever the operation and status: also the 405 and
    415 of schemathesis' request-shape probes (another method, another content type), which its own checks of
    statuses and schemas leave out."""
    if response.status_code < 400:
        return
    label = response.headers.get("content-type", [""])[0]
    assert label.split(";")[0].strip() == "application/json", f"a {response.status_code} labelled {label!r}"
    try:
        body = json.loads(response.content)
    except ValueError:
        raise AssertionError(f"a {response.status_code} whose body is not JSON") from None
    contract.check_error(body)


@schemathesis.check
def too_many_only_as_documented(ctx: Any, response: Any, case: Any) -> None:
    """A 429 names one of the codes its operation's document gives for it (``proof_required`` where the unproven
    holds' share applies, ``too_many_holds``...): the proof rules refuse only where the document says they do."""
    if response.status_code != 429:
        return
    documented = case.operation.definition.raw.get("responses", {}).get("429", {}).get("description", "")
    code = json.loads(response.content)["error"]["code"]
    named = CODES.findall(documented)
    assert code in named or (not named and code == "too_many_requests"), (
        f"429 {code!r} on {case.operation.label}, whose document gives {named or 'no code'}"
    )


def refusal(model: Any, data: Any) -> str | None:
    """Why ``model`` refuses ``data``, or None. An address that fits the published pattern may still be refused by
    email-validator, which the document gives the last word (core/schemas.py's ``Email``: a domain that cannot
    receive mail, such as ``0@0.0``): that is the mailer's rule, not a gap between the document and the code."""
    try:
        model.model_validate(data)
    except ValidationError as err:
        problems = [
            e for e in err.errors(include_url=False) if not (e["loc"][-1:] == ("email",) and e["type"] == "value_error")
        ]
        return str(problems[0]) if problems else None
    return None


@pytest.fixture(autouse=True)
def existing(local_api: LocalApi) -> None:
    """The ids the hook above steers towards, known once the local stack runs (before any case is drawn)."""
    booked = local_api.booked
    assert booked is not None
    KNOWN.update(practitioner_id=booked.practitioner, appointment_id=booked.id, offer_id=booked.offer)


@schema.parametrize()
def test_api(case: schemathesis.Case[Any], local_api: LocalApi) -> None:
    assert local_api.booked is not None
    security = {name for requirement in case.operation.definition.raw.get("security", []) for name in requirement}
    booked = local_api.booked
    headers = {}
    if "cognitoAccessToken" in security:
        headers = local_api.auth()
    elif "manageToken" in security:
        headers = {"Authorization": f"Bearer {booked.manage_token}"}
    elif "offerToken" in security:
        headers = {"Authorization": f"Bearer {booked.offer_token}"}
    elif "emailProof" in security and heads((case.path_parameters, case.query, case.body)):  # optional: half with
        headers = {"Email-Proof": booked.proof}
    CASES[case.operation.label] += 1
    case.call_and_validate(base_url=local_api.url + "/api", headers=headers)
