"""Standard Webhooks signatures, checked against the specification's published test vector."""

import base64

import pytest

from shared.rules.webhook_signing import SignatureMismatch, headers, key_of, secret_from, signature, verify

# The vector of the Standard Webhooks reference libraries (standard-webhooks/standard-webhooks,
# libraries/*/ tests: "sign function").
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = 1614265330
VECTOR_BODY = '{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_signature_of_the_reference_vector_is_the_published_one():
    assert signature(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY) == VECTOR_SIGNATURE


def test_bytes_and_text_bodies_sign_alike():
    assert signature(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY.encode()) == VECTOR_SIGNATURE


def test_the_headers_carry_id_timestamp_and_signature():
    assert headers(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY) == {
        "webhook-id": VECTOR_ID, "webhook-timestamp": str(VECTOR_TIMESTAMP), "webhook-signature": VECTOR_SIGNATURE}


def test_a_receiver_accepts_the_vector_within_the_tolerance():
    received = headers(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY)
    verify(VECTOR_SECRET, received, VECTOR_BODY, now=VECTOR_TIMESTAMP + 299)


def test_a_receiver_accepts_one_matching_signature_among_several():
    received = headers(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY)
    received["webhook-signature"] = " ".join([
        "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=", "v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
        received["webhook-signature"]])
    verify(VECTOR_SECRET, received, VECTOR_BODY, now=VECTOR_TIMESTAMP)


@pytest.mark.parametrize("change", [
    {"webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA="},
    {"webhook-id": "msg_other"},
    {"webhook-timestamp": str(VECTOR_TIMESTAMP + 1)},
    {"webhook-timestamp": "hello"},
    {"webhook-signature": ""},
])
def test_a_receiver_refuses_changed_headers(change):
    received = {**headers(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY), **change}
    with pytest.raises(SignatureMismatch):
        verify(VECTOR_SECRET, received, VECTOR_BODY, now=VECTOR_TIMESTAMP)


def test_a_receiver_refuses_a_changed_body_and_an_old_or_future_timestamp():
    received = headers(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY)
    with pytest.raises(SignatureMismatch):
        verify(VECTOR_SECRET, received, '{"test": 2432232315}', now=VECTOR_TIMESTAMP)
    for now in (VECTOR_TIMESTAMP + 301, VECTOR_TIMESTAMP - 301):
        with pytest.raises(SignatureMismatch):
            verify(VECTOR_SECRET, received, VECTOR_BODY, now=now)


def test_secrets_are_whsec_and_base64_of_24_to_64_bytes():
    assert key_of(VECTOR_SECRET) == base64.b64decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    for size in (24, 32, 64):
        assert len(key_of(secret_from(bytes(range(size))))) == size
    for wrong in ("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_", "whsec_not base64!",
                  "whsec_" + base64.b64encode(bytes(23)).decode(), "whsec_" + base64.b64encode(bytes(65)).decode()):
        with pytest.raises(ValueError):
            key_of(wrong)
    with pytest.raises(ValueError):
        secret_from(bytes(16))
