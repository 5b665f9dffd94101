"""The one composition root: every long-lived object of the API is made here, on first use, and only here.

A Lambda environment imports the app once and then answers requests one at a time. The first request that needs
the store makes it (its boto3 Table), the first that sends an e-mail makes the mailer, and so on; each is kept for
the next requests, as the Chalice samples' ``get_app_db()`` does. Nothing is made at import, and each getter
imports its module when first called, so a route pays only for what it uses (docs/performance.md). Settings are
read from the environment once (core/config.py).

Tests swap a part with :func:`use` (``use(clock=frozen, store=..., mailer=..., limits=...)``): every service made
afterwards is made with it. :func:`reset` forgets every part, every service and the settings, so that the next
request reads the environment again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar, cast

from .core.config import settings

if TYPE_CHECKING:
    from .backoffice.agenda import Agenda
    from .backoffice.auth import TokenVerifier
    from .backoffice.feed import Feeds
    from .backoffice.insights import Insights
    from .backoffice.settings import Practice
    from .backoffice.signin import SignIn
    from .booking.proofs import EmailProofs
    from .booking.service import Bookings
    from .core.notify import Mailer
    from .core.ratelimit import Limits
    from .core.retention import Retention
    from .core.sms import Texter
    from .core.store import Store
    from .followup import FollowUp
    from .patients.mydata import MyDataService
    from .patients.passkeys import Passkeys
    from .patients.relatives import Relatives
    from .patients.sessions import Sessions
    from .patients.signin import EmailSignIn
    from .patients.space import Space
    from .reminders.service import Reminders
    from .slotfeed.publisher import SlotFeed
    from .waitlist.service import Waitlist

Clock = Callable[[], datetime]
T = TypeVar("T")
_UNSET: Any = object()


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class _Parts:
    """What the services are made of; a test's :func:`use` puts its own in place (``_UNSET``: the configured one)."""

    clock: Clock = utc_now
    store: Any = _UNSET
    mailer: Any = _UNSET
    limits: Any = _UNSET
    texter: Any = _UNSET
    made: dict[str, Any] = field(default_factory=dict)  # the services made so far, by getter


_parts = _Parts()


def use(
    *,
    clock: Clock | None = None,
    store: Any = _UNSET,
    mailer: Any = _UNSET,
    limits: Any = _UNSET,
    texter: Any = _UNSET,
) -> None:
    """Make every service from now on with these parts (the clock, the store, the mailer or None for no e-mail,
    the booking rate limits, the texter or None for no SMS); services already made are made again on their next
    use."""
    if clock is not None:
        _parts.clock = clock
    if store is not _UNSET:
        _parts.store = store
    if mailer is not _UNSET:
        _parts.mailer = mailer
    if limits is not _UNSET:
        _parts.limits = limits
    if texter is not _UNSET:
        _parts.texter = texter
    _parts.made.clear()


def reset() -> None:
    """Back to the configured parts: the settings are read again and every service is made again on its next use."""
    global _parts
    _parts = _Parts()
    settings.cache_clear()


def clock() -> datetime:
    """Now, on the clock every service reads (a test's frozen one when it set one)."""
    return _parts.clock()


def _made(name: str, make: Callable[[], T]) -> T:
    """The service ``name``, made by ``make`` on first use and kept."""
    if name not in _parts.made:
        _parts.made[name] = make()
    return cast(T, _parts.made[name])


# -- the core -------------------------------------------------------------------------------------------------------


def get_store() -> Store:
    """The Store over the configured table (its boto3 Table is made here)."""

    def make() -> Store:
        from .core.store import Store, make_table

        return Store(make_table(settings().table_name))

    return cast("Store", _parts.store) if _parts.store is not _UNSET else _made("store", make)


def get_mailer() -> Mailer | None:
    """The patients' mailer over SES (its client is made here, with short timeouts). The services ask for it when
    an e-mail is due, so that a request that sends none loads no e-mail code."""

    def make() -> Mailer:
        from .core.notify import Mailer, make_ses_client

        config = settings()
        return Mailer(
            make_ses_client(), config.mail_from, portal_name=config.mail_from_name, phone_region=config.phone_region
        )

    return cast("Mailer | None", _parts.mailer) if _parts.mailer is not _UNSET else _made("mailer", make)


def get_texter() -> Texter | None:
    """The SMS sender over SNS (its client is made here), or None when the stage sends no texts (``SMS_ENABLED``)."""

    def make() -> Texter | None:
        from .core.sms import Texter, make_sns_client

        config = settings()
        return Texter(make_sns_client(), config.sms_sender_id) if config.sms_enabled else None

    return cast("Texter | None", _parts.texter) if _parts.texter is not _UNSET else _made("texter", make)


def get_limits() -> Limits:
    """The booking API's rate limits, scaled by ``RATE_LIMIT_FACTOR`` (1 in every deployed stage)."""
    if _parts.limits is not _UNSET:
        return cast("Limits", _parts.limits)
    from .core.ratelimit import Limits

    return Limits().scaled(settings().rate_limit_factor)


# -- what patients call ---------------------------------------------------------------------------------------------


def get_retention() -> Retention:
    """The retention policy of the stage's settings (``RETENTION_DAYS``, ``AUDIT_RETENTION_DAYS``)."""
    from .core.retention import Retention

    return Retention(settings().retention_days, settings().audit_retention_days)


def get_proofs() -> EmailProofs:
    """E-mail proofs: their codes, and what a request's ``Email-Proof`` token stands for."""

    def make() -> EmailProofs:
        from .booking.proofs import EmailProofs

        return EmailProofs(get_store(), get_mailer, limits=get_limits(), clock=clock)

    return _made("proofs", make)


def get_bookings() -> Bookings:
    """The booking rules over the store, the mailer, the e-mail proofs, the limits, the retention and the clock."""

    def make() -> Bookings:
        from .booking.service import Bookings

        return Bookings(
            get_store(),
            get_mailer,
            site_url=settings().site_url,
            proofs=get_proofs(),
            limits=get_limits(),
            retention=get_retention(),
            clock=clock,
            followup=get_followup,
        )

    return _made("bookings", make)


# -- what follows a booking: reminders, the waiting list ------------------------------------------------------------


def get_reminders() -> Reminders:
    """Appointment reminders: planned after each change, sent by the scheduled pass (passes.py)."""

    def make() -> Reminders:
        from .reminders.service import Reminders

        config = settings()
        return Reminders(
            get_store(),
            get_mailer,
            get_texter,
            config.site_url,
            config.phone_region,
            config.mail_from_name,
            clock,
            retention=get_retention(),
        )

    return _made("reminders", make)


def get_waitlist() -> Waitlist:
    """The waiting list. Its proof of the patient's address is the booking's (waitlist/proof.py): the request's
    e-mail proof, else the e-mailed code, which earns one; the one line to change for another proof."""

    def make() -> Waitlist:
        from .waitlist.proof import ProofOrCode
        from .waitlist.service import Waitlist

        config = settings()
        return Waitlist(
            get_store(),
            get_mailer,
            get_texter,
            ProofOrCode(get_mailer, get_proofs),
            config.site_url,
            config.phone_region,
            config.mail_from_name,
            limits=get_limits(),
            retention=get_retention(),
            clock=clock,
            followup=get_followup,
        )

    return _made("waitlist", make)


def get_followup() -> FollowUp:
    """What follows each change of an appointment (reminders, the waiting list, booking again)."""

    def make() -> FollowUp:
        from .followup import FollowUp

        return FollowUp(get_store(), get_reminders, get_waitlist, settings().site_url, clock)

    return _made("followup", make)


# -- the patient space ---------------------------------------------------------------------------------------------


def get_sessions() -> Sessions:
    """Signed-in patients' sessions (cookie, CSRF token, timeouts)."""

    def make() -> Sessions:
        from .patients.sessions import Sessions

        return Sessions(get_store(), clock)

    return _made("sessions", make)


def get_email_signin() -> EmailSignIn:
    """Sign-in with an e-mailed code (the e-mail proofs' codes and limits)."""

    def make() -> EmailSignIn:
        from .patients.signin import EmailSignIn

        return EmailSignIn(get_store(), get_proofs(), clock)

    return _made("email_signin", make)


def get_passkeys() -> Passkeys:
    """Passkeys (WebAuthn) of the stage's relying party (its id: the site's domain)."""

    def make() -> Passkeys:
        from .patients.passkeys import Passkeys

        return Passkeys(get_store(), settings().site_url, clock)

    return _made("passkeys", make)


def get_relatives() -> Relatives:
    """The people signed-in patients book for."""

    def make() -> Relatives:
        from .patients.relatives import Relatives

        return Relatives(get_store(), clock)

    return _made("relatives", make)


def get_mydata() -> MyDataService:
    """My data: the export, who looked at my appointments, deleting my account."""

    def make() -> MyDataService:
        from .patients.mydata import MyDataService

        return MyDataService(get_store(), get_bookings, get_waitlist, clock, settings().phone_region)

    return _made("mydata", make)


def get_space() -> Space:
    """A signed-in patient's appointments."""

    def make() -> Space:
        from .patients.space import Space

        return Space(get_store(), clock)

    return _made("space", make)


# -- what practices call --------------------------------------------------------------------------------------------


def get_agenda() -> Agenda:
    """The back-office's agenda: appointments, patient details (audited), what the practice does to them."""

    def make() -> Agenda:
        from .backoffice.agenda import Agenda

        return Agenda(get_store(), get_mailer, settings().site_url, clock, get_retention(), followup=get_followup)

    return _made("agenda", make)


def get_practice() -> Practice:
    """A professional's booking settings, their preview and what a change would orphan."""

    def make() -> Practice:
        from .backoffice.settings import Practice

        return Practice(get_store(), get_agenda(), clock, followup=get_followup)

    return _made("practice", make)


def get_insights() -> Insights:
    """A practice's reminder settings, its waiting list per reason and its no-show rate."""

    def make() -> Insights:
        from .backoffice.insights import Insights

        return Insights(get_store(), get_agenda(), get_reminders, get_waitlist, settings().sms_enabled, clock)

    return _made("insights", make)


def get_feeds() -> Feeds:
    """The professionals' private calendar feeds."""

    def make() -> Feeds:
        from .backoffice.feed import Feeds

        return Feeds(get_store(), settings().site_url, clock)

    return _made("feeds", make)


def get_verifier() -> TokenVerifier:
    """The verifier of the configured user pool's access tokens; Unavailable (503) when it is not configured."""

    def make() -> TokenVerifier:
        from .backoffice.auth import configured_verifier

        return configured_verifier(settings())

    return _made("verifier", make)


def get_signin() -> SignIn:
    """The sign-in steps over the configured user pool (its Cognito client is made here); Unavailable (503) when it
    is not configured."""

    def make() -> SignIn:
        from .backoffice.signin import configured_signin

        return configured_signin(settings())

    return _made("signin", make)


# -- what the site publishes ----------------------------------------------------------------------------------------


def get_slot_feed() -> SlotFeed:
    """The SMART Scheduling Links publisher over the store and the site's bucket (its S3 client is made here)."""

    def make() -> SlotFeed:
        from .slotfeed.bucket import Bucket, make_s3_client
        from .slotfeed.publisher import SlotFeed
        from .slotfeed.resources import Publication

        s = settings()
        publication = Publication(origin=s.site_url, lang=s.site_language, territory=s.territory)
        return SlotFeed(get_store(), Bucket(make_s3_client(), s.site_bucket), publication, clock)

    return _made("slot_feed", make)
