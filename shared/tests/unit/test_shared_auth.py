"""JWT verification: explicit algorithms, required claims, roles."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from epurchasing_shared.auth import Role, TokenVerifier, mint_token
from epurchasing_shared.http.problems import Unauthorized
from epurchasing_shared.settings import ServiceSettings

settings = ServiceSettings()


def claims(**extra: object) -> dict[str, object]:
    now = datetime.now(UTC)
    return {
        "sub": "u1",
        "role": "ppk",
        "work_unit": "dinkes",
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "exp": int((now + timedelta(minutes=5)).timestamp()),
        **extra,
    }


def count_decodes(monkeypatch) -> list[str]:
    """The tokens PyJWT decodes from now on (the verifier's memory answers without it)."""
    decoded: list[str] = []
    real_decode = jwt.decode

    def counted_decode(token: str, *args: object, **kwargs: object) -> object:
        decoded.append(token)
        return real_decode(token, *args, **kwargs)

    monkeypatch.setattr(jwt, "decode", counted_decode)
    return decoded


class TestTokenVerifier:
    def test_accepts_a_minted_development_token(self):
        vendor_id = uuid4()
        token = mint_token(
            settings, sub="v1", role=Role.VENDOR, vendor_id=vendor_id, name="PT Maju"
        )
        principal = TokenVerifier(settings).verify(token)
        assert (principal.role, principal.vendor_id, principal.name) == (
            Role.VENDOR,
            vendor_id,
            "PT Maju",
        )

    def test_a_verified_token_is_answered_from_memory_until_it_expires(self, monkeypatch):
        now = [datetime.now(UTC).timestamp()]
        verifier = TokenVerifier(settings, now=lambda: now[0])
        token = jwt.encode(claims(), settings.jwt_secret, algorithm="HS256")
        first = verifier.verify(token)
        decoded = count_decodes(monkeypatch)
        assert verifier.verify(token) == first and decoded == []  # from memory
        now[0] += 301  # past its exp (claims(): five minutes): checked again by PyJWT
        verifier.verify(token)
        assert decoded == [token]

    def test_a_long_lived_token_is_checked_again_after_five_minutes(self, monkeypatch):
        now = [datetime.now(UTC).timestamp()]
        verifier = TokenVerifier(settings, now=lambda: now[0])
        hours = int((datetime.now(UTC) + timedelta(hours=8)).timestamp())
        token = jwt.encode(claims(exp=hours), settings.jwt_secret, algorithm="HS256")
        verifier.verify(token)
        decoded = count_decodes(monkeypatch)
        now[0] += 299
        verifier.verify(token)
        assert decoded == []
        now[0] += 2  # five minutes since it was checked: a withdrawn key would count now
        verifier.verify(token)
        assert decoded == [token]

    def test_a_refused_token_is_checked_again_every_time(self):
        verifier = TokenVerifier(settings)
        token = jwt.encode(claims(), "another-secret-another-secret-another", algorithm="HS256")
        for _ in range(2):
            with pytest.raises(Unauthorized):
                verifier.verify(token)
        assert verifier._verified == {}

    def test_it_remembers_a_bounded_number_of_tokens(self, monkeypatch):
        import epurchasing_shared.auth as auth

        monkeypatch.setattr(auth, "VERIFIED_TOKENS_KEPT", 3)
        verifier = TokenVerifier(settings)
        secret = settings.jwt_secret
        tokens = [jwt.encode(claims(sub=f"u{i}"), secret, algorithm="HS256") for i in range(5)]
        for token in tokens:
            verifier.verify(token)
        assert list(verifier._verified) == tokens[2:]

    def test_refuses_an_unsigned_token(self):
        token = jwt.encode(claims(), key=None, algorithm="none")
        with pytest.raises(Unauthorized):
            TokenVerifier(settings).verify(token)

    def test_refuses_an_algorithm_not_in_the_list(self):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        token = jwt.encode(claims(), key, algorithm="RS256")
        with pytest.raises(Unauthorized):
            TokenVerifier(settings).verify(token)

    def test_refuses_a_token_signed_with_another_secret(self):
        token = jwt.encode(claims(), "another-secret-another-secret-another", algorithm="HS256")
        with pytest.raises(Unauthorized):
            TokenVerifier(settings).verify(token)

    def test_refuses_an_expired_token(self):
        token = mint_token(
            settings, sub="p", role="ppk", work_unit="dinkes", now=datetime(2020, 1, 1, tzinfo=UTC)
        )
        with pytest.raises(Unauthorized, match="expired"):
            TokenVerifier(settings).verify(token)

    def test_refuses_a_wrong_audience(self):
        token = jwt.encode(claims(aud="elsewhere"), settings.jwt_secret, algorithm="HS256")
        with pytest.raises(Unauthorized):
            TokenVerifier(settings).verify(token)

    @pytest.mark.parametrize(
        ("role", "missing"),
        [("ppk", "work_unit"), ("procurement_official", "work_unit"), ("vendor", "vendor_id")],
    )
    def test_refuses_a_role_without_its_scope_claim(self, role, missing):
        token = jwt.encode(
            claims(role=role, work_unit=None), settings.jwt_secret, algorithm="HS256"
        )
        with pytest.raises(Unauthorized, match=missing):
            TokenVerifier(settings).verify(token)

    def test_refuses_an_unknown_role(self):
        token = jwt.encode(claims(role="mayor"), settings.jwt_secret, algorithm="HS256")
        with pytest.raises(Unauthorized):
            TokenVerifier(settings).verify(token)
