"""What every use case of the rating service needs from the runtime, typed."""

from datetime import date

from epurchasing_shared.auth import Principal
from epurchasing_shared.contracts.envelope import Actor
from epurchasing_shared.http.problems import PreconditionFailed
from epurchasing_shared.service import Runtime
from rating.settings import RatingSettings

SERVICE = "rating"


def settings_of(runtime: Runtime) -> RatingSettings:
    settings = runtime.settings
    if not isinstance(settings, RatingSettings):
        raise TypeError("the rating service runs with RatingSettings")
    return settings


def actor_of(principal: Principal) -> Actor:
    return Actor(id=principal.sub, role=str(principal.role))


def today(runtime: Runtime) -> date:
    """The injected clock's calendar date in the regency's time zone."""
    return runtime.clock.now().astimezone(settings_of(runtime).zone).date()


def check_version(expected: int | None, actual: int) -> None:
    """``If-Match`` with a stale version is a 412."""
    if expected is not None and expected != actual:
        raise PreconditionFailed(
            f"version {expected} is stale; the current version is {actual}",
            current_version=actual,
        )
