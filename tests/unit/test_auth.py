"""Token validation with the development key: signature, issuer, audience, expiry, roles."""

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from shared.auth import Principal, Role, TokenValidator, issue_dev_token, require_role
from shared.errors import Forbidden, Unauthenticated
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
