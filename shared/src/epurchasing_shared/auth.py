"""JWT bearer verification with an explicit algorithm list, and role dependencies.

HS256 with a shared secret for development; RS256 (or any asymmetric algorithm listed)
against a JWKS URL in production. The token's own ``alg`` header is never trusted: PyJWT is
given the configured list only, so an ``alg: none`` or an HS/RS confusion token is refused.

PyJWT is imported on first use (the first token verified or minted, or a JWKS client made):
it loads ``cryptography``'s bindings whatever the algorithm, ~9 MB and ~50 ms that a service
starting up does not need before its first request.
"""

import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from uuid import UUID

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from epurchasing_shared.http.problems import Forbidden, Unauthorized
from epurchasing_shared.mail.addresses import one_address
from epurchasing_shared.principal import Principal, Role
from epurchasing_shared.settings import ServiceSettings

__all__ = ["Principal", "Role", "TokenVerifier", "current_principal", "mint_token", "require_roles"]


# Tokens already verified, kept for a while: a front end sends the same token with every call,
# and checking its signature and claims again cost ~0.15 ms of CPU a request. At most five
# minutes, as long as PyJWKClient keeps a JWKS: a key the identity provider withdraws stops
# the tokens it signed at most five minutes later than without the memory (docs/auth.md).
VERIFIED_TOKENS_KEPT = 1024
VERIFIED_TOKEN_SECONDS = 300


class TokenVerifier:
    """Verifies bearer tokens. A token that passed is remembered (the last
    ``VERIFIED_TOKENS_KEPT``) and answered from memory until its ``exp`` or for
    ``VERIFIED_TOKEN_SECONDS``, whichever comes first; a token that failed is checked again
    every time."""

    def __init__(self, settings: ServiceSettings, *, now: Callable[[], float] = time.time) -> None:
        self._now = now
        self._verified: OrderedDict[str, tuple[Principal, float]] = OrderedDict()
        self._algorithms = list(settings.jwt_algorithms)
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience
        self._secret = settings.jwt_secret
        self._jwks = None
        if settings.jwt_jwks_url:
            import jwt

            self._jwks = jwt.PyJWKClient(settings.jwt_jwks_url)
        if any(a.startswith("HS") for a in self._algorithms) and self._jwks is not None:
            raise ValueError("do not mix HMAC algorithms with a JWKS URL")

    def verify(self, token: str) -> Principal:
        known = self._verified.get(token)
        if known is not None:
            principal, expires = known
            if self._now() < expires:
                self._verified.move_to_end(token)
                return principal
            del self._verified[token]
        principal, expires = self._check(token)
        self._verified[token] = (principal, expires)
        if len(self._verified) > VERIFIED_TOKENS_KEPT:
            self._verified.popitem(last=False)
        return principal

    def _check(self, token: str) -> tuple[Principal, float]:
        import jwt

        try:
            key = self._jwks.get_signing_key_from_jwt(token).key if self._jwks else self._secret
            claims = jwt.decode(
                token,
                key,
                algorithms=self._algorithms,
                audience=self._audience,
                issuer=self._issuer,
                options={"require": ["exp", "sub", "iss", "aud"]},
            )
            # PyJWT checked exp as int(exp); the memory ends there or sooner.
            until = min(int(claims["exp"]), self._now() + VERIFIED_TOKEN_SECONDS)
            return principal_from_claims(claims), until
        except (jwt.PyJWTError, ValueError, KeyError, TypeError) as error:
            raise Unauthorized(f"invalid token: {error}") from error


def _text(claims: dict, name: str, *, required: bool = False) -> str | None:
    """A claim that must be a non-empty string of sane length (a number, list or object is a
    malformed token, refused with 401, never a 500)."""
    value = claims.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value or len(value) > 200 or "\x00" in value:
        raise ValueError(f"the {name} claim must be a non-empty string of at most 200 characters")
    return value


def principal_from_claims(claims: dict) -> Principal:
    """The caller named by a verified token's claims; ValueError for a malformed one."""
    sub = _text(claims, "sub", required=True)
    role = Role(_text(claims, "role", required=True) or "")
    raw_vendor = _text(claims, "vendor_id")
    vendor_id = UUID(raw_vendor) if raw_vendor else None
    work_unit = _text(claims, "work_unit")
    if role is Role.VENDOR and vendor_id is None:
        raise ValueError("a vendor token needs a vendor_id claim")
    if role in (Role.PPK, Role.PROCUREMENT_OFFICIAL) and not work_unit:
        raise ValueError(f"a {role} token needs a work_unit claim")
    assert sub is not None
    return Principal(
        sub=sub,
        role=role,
        name=_text(claims, "name") or sub,
        # A claim that is not one valid address is no address (the e-mails say so).
        email=one_address(_text(claims, "email")),
        work_unit=work_unit,
        vendor_id=vendor_id,
    )


def mint_token(
    settings: ServiceSettings,
    *,
    sub: str,
    role: Role | str,
    name: str | None = None,
    email: str | None = None,
    work_unit: str | None = None,
    vendor_id: UUID | str | None = None,
    lifetime: timedelta = timedelta(hours=8),
    now: datetime | None = None,
) -> str:
    """A development token signed with the HS256 secret (never used with a JWKS)."""
    import jwt

    issued = now or datetime.now(UTC)
    claims: dict[str, object] = {
        "sub": sub,
        "role": str(Role(role)),
        "name": name or sub,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": int(issued.timestamp()),
        "exp": int((issued + lifetime).timestamp()),
    }
    if email:
        claims["email"] = email
    if work_unit:
        claims["work_unit"] = work_unit
    if vendor_id:
        claims["vendor_id"] = str(vendor_id)
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")


_bearer = HTTPBearer(auto_error=False)


async def current_principal(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("a bearer token is required")
    verifier: TokenVerifier = request.app.state.token_verifier
    return verifier.verify(credentials.credentials)


def require_roles(*roles: Role) -> Callable[..., object]:
    """A dependency that lets only the given roles through (403 for the others)."""
    allowed = frozenset(roles)

    async def dependency(principal: Principal = Depends(current_principal)) -> Principal:
        if principal.role not in allowed:
            raise Forbidden(
                f"role {principal.role} may not do this; allowed: {', '.join(sorted(allowed))}"
            )
        return principal

    return dependency
