"""Throttles of registration: wrong discount codes are counted per account and per client
address (``tenant.throttling.client_ip``, as the login throttle reads it), per tenant (cache
keys carry the schema), so codes cannot be enumerated."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext, gettext_lazy

from event.models import Event
from register.models import DiscountCode
from register.selectors import discount_code_valid_now
from register.services.inputs import TooManyCodeGuessesError
from tenant.throttling import FailureThrottle

CODE_FAILURE_LIMIT = 10
CODE_FAILURE_WINDOW = dt.timedelta(minutes=15)
CODE_THROTTLE = FailureThrottle(
    name="register-code", limit=CODE_FAILURE_LIMIT, window=CODE_FAILURE_WINDOW
)


def _guesser_keys(*, account_id: int, client_ip: str) -> list[str]:
    return [f"account:{account_id}", f"ip:{client_ip}"]


def discount_code_attempts_left(*, account_id: int, client_ip: str) -> bool:
    """False once this account or address guessed wrong codes too often (codes cannot be
    enumerated). Counted per tenant: cache keys carry the schema."""
    return CODE_THROTTLE.allows(_guesser_keys(account_id=account_id, client_ip=client_ip))


def discount_code_failure_record(*, account_id: int, client_ip: str) -> None:
    """Count one wrong code for this account and this address (for CODE_FAILURE_WINDOW)."""
    CODE_THROTTLE.record_failure(_guesser_keys(account_id=account_id, client_ip=client_ip))


@dataclass(frozen=True)
class CodeGuesser:
    """Who is typing discount codes, as the throttle counts them."""

    account_id: int
    client_ip: str

    def attempts_left(self) -> bool:
        return discount_code_attempts_left(account_id=self.account_id, client_ip=self.client_ip)

    def record_failure(self) -> None:
        discount_code_failure_record(account_id=self.account_id, client_ip=self.client_ip)


TOO_MANY_GUESSES = gettext_lazy("Too many wrong discount codes. Try again in 15 minutes.")


def discount_code_check_attempts(guesser: CodeGuesser) -> None:
    """Refuse (TooManyCodeGuessesError) once this guesser tried too many wrong codes."""
    if not guesser.attempts_left():
        raise TooManyCodeGuessesError(str(TOO_MANY_GUESSES))


@dataclass(frozen=True)
class CodeLookUp:
    code: DiscountCode | None
    message: str  # what the page says about the code ("" when nothing was typed)


def discount_code_look_up(
    *, event: Event, code: str, guesser: CodeGuesser, now: dt.datetime, email: str = ""
) -> CodeLookUp:
    """A code typed on the register page to see what it unlocks, under the same throttle as
    placing an order: a wrong code counts as a guess. Side effect: the guess counters."""
    if not code.strip():
        return CodeLookUp(None, "")
    if not guesser.attempts_left():
        return CodeLookUp(None, str(TOO_MANY_GUESSES))
    found = discount_code_valid_now(event=event, code=code, now=now, email=email)
    if found is None:
        guesser.record_failure()
        return CodeLookUp(None, gettext("That code is not valid for this event now."))
    return CodeLookUp(found, gettext("Code %(code)s applied.") % {"code": found.code})
