"""Token validation with the development key: signature, issuer, audience, expiry, roles."""

import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from shared.auth import DEV_ISSUER, Principal, Role, TokenValidator, issue_dev_token, key_id, load_dev_key, require_role
from shared.errors import Forbidden, ServiceUnavailable, Unauthenticated
from shared.settings import Settings
from tests.utils.tokens import hostile_tokens


@pytest.fixture(scope="module")
def key_file(tmp_path_factory):
    return tmp_path_factory.mktemp("keys") / "dev.pem"


@pytest.fixture(scope="module")
def validator(key_file):
    issue_dev_token(key_file, [])  # creates the key
    return TokenValidator(Settings(AUTH_DEV_KEY_FILE=str(key_file)))


def test_accepts_a_good_token_and_reads_its_roles(validator, key_file):
    principal = validator.validate(f"Bearer {issue_dev_token(key_file, ['BookMe.Config'])}")
    assert principal.roles == frozenset({"BookMe.Config"})


@pytest.mark.parametrize(
    "overrides",
    [{"audience": "api://other"}, {"issuer": "https://evil.example"}, {"lifetime_seconds": -120}],
)
def test_rejects_tokens_for_another_audience_issuer_or_expired(validator, key_file, overrides):
    with pytest.raises(Unauthenticated):
        validator.validate(f"Bearer {issue_dev_token(key_file, [], **overrides)}")


def test_rejects_a_token_signed_by_another_key(validator, key_file):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(Unauthenticated):
        validator.validate(f"Bearer {issue_dev_token(key_file, [], key=other)}")


@pytest.mark.parametrize("header", [None, "", "Bearer", "Basic abc", "Bearer not.a.jwt"])
def test_rejects_missing_or_malformed_authorization(validator, header):
    with pytest.raises(Unauthenticated):
        validator.validate(header)


def test_admin_may_do_what_config_may_and_anyone_may_read():
    admin, config, nobody = (Principal("x", frozenset(r)) for r in (["BookMe.Admin"], ["BookMe.Config"], []))
    require_role(admin, Role.CONFIG)
    require_role(config, Role.CONFIG)
    require_role(nobody, None)
    with pytest.raises(Forbidden):
        require_role(config, Role.ADMIN)
    with pytest.raises(Forbidden):
        require_role(nobody, Role.CONFIG)


def test_azure_mode_needs_a_tenant():
    with pytest.raises(RuntimeError):
        TokenValidator(Settings(AUTH_DEV_KEY_FILE="", AUTH_TENANT_ID=""))


@pytest.mark.parametrize("name", [
    "alg none", "alg none, empty signature of a good token", "HS256 signed with the public key", "wrong kid",
    "not yet valid (nbf in an hour)", "issued in the future (iat in an hour)", "expires in ten years",
    "no expiry", "roles not a list", "garbage"])
def test_refuses_hostile_tokens(validator, key_file, name):
    with pytest.raises(Unauthenticated):
        validator.validate(f"Bearer {hostile_tokens(key_file)[name]}")


def test_a_token_that_names_the_development_key_is_accepted(validator, key_file):
    assert jwt.get_unverified_header(issue_dev_token(key_file, []))["kid"]
    assert validator.validate(f"Bearer {issue_dev_token(key_file, [])}").subject == "local-developer"


def test_personal_data_role_grants_no_configuration():
    with pytest.raises(Forbidden):
        require_role(Principal("x", frozenset({Role.PERSONAL_DATA.value})), Role.CONFIG)
    require_role(Principal("x", frozenset({Role.PERSONAL_DATA.value})), Role.PERSONAL_DATA)


def _segment(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _signed(key_file, **claims) -> str:
    now = int(time.time())
    body = {"iss": DEV_ISSUER, "aud": "api://bookme", "sub": "someone", "iat": now, "nbf": now - 5,
            "exp": now + 600, "roles": [], **claims}
    return jwt.encode({k: v for k, v in body.items() if v is not None}, load_dev_key(key_file), algorithm="RS256")


def _tampered(key_file) -> str:
    header, _, signature = issue_dev_token(key_file, []).split(".")
    return f"{header}.{_segment(json.dumps({'sub': 'someone-else'}).encode())}.{signature}"


def _other_key_same_kid(key_file) -> str:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = key_id(load_dev_key(key_file).public_key())
    return jwt.encode({"iss": DEV_ISSUER, "aud": "api://bookme", "exp": int(time.time()) + 600}, other,
                      algorithm="RS256", headers={"kid": kid})


# Each failure in words a client developer understands, never a library's internals.
FAILURES = {
    "no header": (lambda key_file: None, "A bearer token is required: send the header Authorization: Bearer <token>."),
    "another scheme": (lambda key_file: "Basic dXNlcjpwYXNz", "must be Bearer followed by a space and the token"),
    "a token without Bearer": (lambda key_file: issue_dev_token(key_file, []), "must be Bearer followed by"),
    "Bearer alone": (lambda key_file: "Bearer  ", "holds no token after Bearer"),
    "undecodable bytes": (lambda key_file: f"Bearer {_segment(bytes([0xB7, 0xFF, 0xFE]))}.e30.c2ln", "malformed"),
    "not a JWT": (lambda key_file: "Bearer not-a-token", "malformed: a bearer token is a JSON Web Token"),
    "signed claims that are not JSON": (lambda key_file: "Bearer " + jwt.PyJWS().encode(
        b"[1", load_dev_key(key_file), algorithm="RS256"), "malformed"),
    "expired": (lambda key_file: f"Bearer {issue_dev_token(key_file, [], lifetime_seconds=-120)}",
                "The token has expired: get a new one."),
    "not yet valid": (lambda key_file: f"Bearer {_signed(key_file, nbf=int(time.time()) + 3600)}", "not valid yet"),
    "issued in the future": (lambda key_file: f"Bearer {_signed(key_file, iat=int(time.time()) + 3600)}",
                             "not valid yet"),
    "wrong audience": (lambda key_file: f"Bearer {issue_dev_token(key_file, [], audience='api://other')}",
                       "The token is for another API: its audience (aud) must be api://bookme."),
    "wrong issuer": (lambda key_file: f"Bearer {issue_dev_token(key_file, [], issuer='https://evil.example')}",
                     f"The token comes from another issuer: BookMe accepts tokens issued by {DEV_ISSUER}."),
    "unknown key": (lambda key_file: "Bearer " + issue_dev_token(
        key_file, [], key=rsa.generate_private_key(public_exponent=65537, key_size=2048)), "(unknown kid)"),
    "changed after signing": (lambda key_file: f"Bearer {_tampered(key_file)}", "signature does not match"),
    "signed by another key under the right kid": (lambda key_file: f"Bearer {_other_key_same_kid(key_file)}",
                                                  "signature does not match"),
    "no expiry": (lambda key_file: f"Bearer {_signed(key_file, exp=None)}", "The token has no exp claim."),
    "too long a lifetime": (lambda key_file: f"Bearer {_signed(key_file, exp=int(time.time()) + 40 * 3600)}",
                            "longer than 28 hours"),
    "another algorithm": (lambda key_file: f"Bearer {hostile_tokens(key_file)['HS256 signed with the public key']}",
                          "an algorithm BookMe does not accept: only RS256"),
    "roles not a list": (lambda key_file: f"Bearer {_signed(key_file, roles='BookMe.Admin')}",
                         "roles claim is not a list"),
}


@pytest.mark.parametrize("failure", list(FAILURES))
def test_a_refused_token_says_what_is_wrong_in_plain_words(validator, key_file, failure):
    make, words = FAILURES[failure]
    authorization = make(key_file)
    with pytest.raises(Unauthenticated) as refused:
        validator.validate(authorization)
    detail = refused.value.detail
    assert words in detail
    for internals in ("codec", "padding", "utf-8", "Invalid", "segments", "Signature verification"):
        assert internals not in detail
    token = (authorization or "").removeprefix("Bearer").strip()
    for part in filter(None, token.split(".")):
        assert part not in detail, "the token is never echoed"


def test_an_unreachable_key_set_of_the_tenant_is_a_503_not_a_refused_token(key_file, monkeypatch):
    validator = TokenValidator(Settings(AUTH_DEV_KEY_FILE="", AUTH_TENANT_ID="contoso.example"))

    def unreachable(token):
        raise jwt.PyJWKClientConnectionError("Fail to fetch data from the url, err: timed out")

    monkeypatch.setattr(validator._jwks, "get_signing_key_from_jwt", unreachable)
    with pytest.raises(ServiceUnavailable):
        validator.validate(f"Bearer {issue_dev_token(key_file, [])}")
