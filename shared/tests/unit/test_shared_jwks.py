"""RS256 against a JWKS URL (production), served here by a local HTTP server."""

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from epurchasing_shared.auth import Role, TokenVerifier
from epurchasing_shared.http.problems import Unauthorized
from epurchasing_shared.settings import ServiceSettings

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def jwks_url() -> Iterator[str]:
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
    body = json.dumps({"keys": [{**public, "kid": "k1", "use": "sig", "alg": "RS256"}]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/.well-known/jwks.json"
    server.shutdown()


def token(key, **claims: object) -> str:
    payload = {
        "sub": "ppk-9",
        "role": "ppk",
        "work_unit": "dinkes",
        "iss": "idp.mojokertokab.example",
        "aud": "epurchasing",
        "exp": int((datetime.now(UTC) + timedelta(minutes=5)).timestamp()),
        **claims,
    }
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": "k1"})


def verifier(jwks_url: str) -> TokenVerifier:
    settings = ServiceSettings(
        jwt_algorithms=["RS256"], jwt_jwks_url=jwks_url, jwt_issuer="idp.mojokertokab.example"
    )
    return TokenVerifier(settings)


class TestJwks:
    def test_accepts_a_token_signed_by_the_identity_providers_key(self, jwks_url):
        principal = verifier(jwks_url).verify(token(KEY))
        assert (principal.sub, principal.role, principal.work_unit) == ("ppk-9", Role.PPK, "dinkes")

    def test_refuses_a_token_signed_by_another_key(self, jwks_url):
        with pytest.raises(Unauthorized):
            verifier(jwks_url).verify(token(OTHER_KEY))

    def test_refuses_an_hs256_token_even_with_a_known_key_id(self, jwks_url):
        forged = jwt.encode(
            {"sub": "x", "role": "admin", "iss": "idp.mojokertokab.example", "aud": "epurchasing"},
            "a-guessed-shared-secret-of-enough-length",
            algorithm="HS256",
            headers={"kid": "k1"},
        )
        with pytest.raises(Unauthorized):
            verifier(jwks_url).verify(forged)

    def test_mixing_hmac_with_a_jwks_url_refuses_to_start(self, jwks_url):
        settings = ServiceSettings(jwt_algorithms=["HS256", "RS256"], jwt_jwks_url=jwks_url)
        with pytest.raises(ValueError):
            TokenVerifier(settings)
