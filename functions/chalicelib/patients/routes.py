"""What a patient calls in their own space (``/v1/me/...``): sign in with an e-mailed code or a passkey, the
session, their passkeys, their appointments. A Chalice blueprint that app.py registers under ``/v1/me``.

Thin views: the session (a cookie, and the X-CSRF-Token header on every change: patients/sessions.py), then the
service, then the answer.
"""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie
from typing import TYPE_CHECKING

from chalice import Blueprint, Response

from .. import services, web

if TYPE_CHECKING:
    from .sessions import SignedIn

routes = Blueprint(__name__)
route = web.router(routes)


def cookie() -> str | None:
    """The session cookie's value, if the request has one."""
    from .sessions import COOKIE

    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(web.header("cookie"))
    except CookieError:
        return None
    morsel = jar.get(COOKIE)
    return morsel.value if morsel else None


def signed_in() -> SignedIn:
    """The request's session (401 without one; 400 ``csrf_required`` for a change without its CSRF token)."""
    from .sessions import CSRF_HEADER

    request = web.current()
    return services.get_sessions().resolve(
        cookie(), request.method, web.header(CSRF_HEADER), web.header("sec-fetch-site")
    )


def opened(signed: SignedIn, value: str) -> Response:
    from .sessions import set_cookie

    return web.reply(signed.view(), set_cookie=set_cookie(value))


@route("/sign-in/code", methods=["POST"])
def send_code() -> Response:
    from ..booking.schemas import ProofRequest
    from .schemas import SignInCodeRequest

    asked = web.body(SignInCodeRequest)
    sent = services.get_proofs().send_code(ProofRequest(email=asked.email, language=asked.language), web.network())
    return web.reply(sent, status=202)


@route("/sign-in/code/{proof_id}", methods=["POST"])
def sign_in_with_code(proof_id: str) -> Response:
    from .schemas import SignInConfirm

    asked = web.body(SignInConfirm)
    account = services.get_email_signin().account_for(proof_id, asked.code, asked.email, web.network(), asked.language)
    value, signed = services.get_sessions().open(account, "code", replacing=cookie())
    return opened(signed, value)


@route("/", methods=["GET"])
def me() -> Response:
    return web.reply(signed_in().view())


@route("/sign-out", methods=["POST"])
def sign_out() -> Response:
    from ..core.schemas import EmptyRequest
    from .schemas import SessionsEnded
    from .sessions import clear_cookie

    web.body(EmptyRequest)
    signed_in()
    services.get_sessions().close(cookie())
    return web.reply(SessionsEnded(sessions_ended=1), set_cookie=clear_cookie())


@route("/sign-out-everywhere", methods=["POST"])
def sign_out_everywhere() -> Response:
    from ..core.schemas import EmptyRequest
    from .schemas import SessionsEnded
    from .sessions import clear_cookie

    web.body(EmptyRequest)
    ended = services.get_sessions().close_all(signed_in().account.id)
    return web.reply(SessionsEnded(sessions_ended=ended), set_cookie=clear_cookie())


@route("/appointments", methods=["GET"])
def my_appointments() -> Response:
    return web.reply(services.get_space().appointments(signed_in().account))


@route("/appointments/{appointment_id}/cancel", methods=["POST"])
def cancel(appointment_id: str) -> Response:
    from ..core.schemas import EmptyRequest

    mailbox = signed_in().account.mailbox
    web.body(EmptyRequest)
    return web.reply(services.get_bookings().cancel_mine(appointment_id, mailbox))


@route("/appointments/{appointment_id}/move", methods=["POST"])
def move(appointment_id: str) -> Response:
    from ..core.schemas import MoveRequest

    mailbox = signed_in().account.mailbox
    return web.reply(services.get_bookings().move_mine(appointment_id, mailbox, web.body(MoveRequest)))


def origin() -> str:
    """The page's origin, as the browser says (the passkey's answer must come from the relying party's)."""
    return web.header("origin")


@route("/passkeys/options", methods=["POST"])
def passkey_options() -> Response:
    from ..core.schemas import EmptyRequest

    account = signed_in().account
    web.body(EmptyRequest)
    return web.reply(services.get_passkeys().registration_options(account, origin()))


@route("/passkeys", methods=["POST"])
def add_passkey() -> Response:
    from .passkeys import PasskeyAnswer

    account = signed_in().account
    return web.reply(services.get_passkeys().register(account, web.body(PasskeyAnswer), origin()), status=201)


@route("/passkeys", methods=["GET"])
def passkeys() -> Response:
    return web.reply(services.get_passkeys().list(signed_in().account))


@route("/passkeys/{credential_id}", methods=["DELETE"])
def remove_passkey(credential_id: str) -> Response:
    account = signed_in().account
    services.get_passkeys().remove(account, credential_id)
    return web.reply(services.get_passkeys().list(account))


@route("/sign-in/passkey/options", methods=["POST"])
def passkey_sign_in_options() -> Response:
    from ..core.schemas import EmptyRequest

    web.body(EmptyRequest)
    return web.reply(services.get_passkeys().sign_in_options(origin()))


@route("/sign-in/passkey", methods=["POST"])
def sign_in_with_passkey() -> Response:
    from .passkeys import PasskeyAnswer

    account = services.get_passkeys().sign_in(web.body(PasskeyAnswer), origin())
    value, signed = services.get_sessions().open(account, "passkey", replacing=cookie())
    return opened(signed, value)


@route("/relatives", methods=["GET"])
def relatives() -> Response:
    return web.reply(services.get_relatives().list(signed_in().account.id))


@route("/relatives", methods=["POST"])
def add_relative() -> Response:
    from .relatives import RelativeIn

    account_id = signed_in().account.id
    return web.reply(services.get_relatives().add(account_id, web.body(RelativeIn)), status=201)


@route("/relatives/{relative_id}", methods=["DELETE"])
def remove_relative(relative_id: str) -> Response:
    account_id = signed_in().account.id
    services.get_relatives().remove(account_id, relative_id)
    return web.reply(services.get_relatives().list(account_id))


@route("/details", methods=["PUT"])
def save_details() -> Response:
    from .schemas import DetailsIn

    account = signed_in().account
    return web.reply(services.get_space().save_details(account, web.body(DetailsIn)))


@route("/data", methods=["GET"])
def my_data() -> Response:
    """Everything stored about me, as a JSON file to download."""
    exported = services.get_mydata().export(signed_in().account)
    response = web.reply(exported)
    response.headers["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@route("/looks", methods=["GET"])
def who_looked() -> Response:
    return web.reply(services.get_mydata().who_looked(signed_in().account))


@route("/delete", methods=["POST"])
def delete_account() -> Response:
    from .mydata import DeleteRequest
    from .sessions import clear_cookie

    account = signed_in().account
    deleted = services.get_mydata().delete(account, web.body(DeleteRequest))
    return web.reply(deleted, set_cookie=clear_cookie())


@route("/email", methods=["POST"])
def new_email_code() -> Response:
    """E-mail a code to the new address (the change waits for it)."""
    from ..booking.schemas import ProofRequest
    from ..core.errors import InvalidInput
    from ..core.keys import email_hash
    from .schemas import SignInCodeRequest

    account = signed_in().account
    asked = web.body(SignInCodeRequest)
    if email_hash(asked.email) == account.mailbox:
        raise InvalidInput("This is already the address of your account.", field="email")
    sent = services.get_proofs().send_code(ProofRequest(email=asked.email, language=asked.language), web.network())
    return web.reply(sent, status=202)


@route("/email/{proof_id}", methods=["POST"])
def change_email(proof_id: str) -> Response:
    from .schemas import EmailChangeConfirm

    account = signed_in().account
    asked = web.body(EmailChangeConfirm)
    changed = services.get_email_signin().change_email(account, proof_id, asked.code, asked.email, web.network())
    return web.reply(changed.view())
