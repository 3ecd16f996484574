"""X-Request-Id (section 18): the client's own when well-formed, else a new one, in every log record."""

import asyncio
import logging

import pytest

from shared import request_ids


@pytest.mark.parametrize("sent", ["a", "abc-123_X.y", "x" * 128, "3fa85f64-5717-4562-b3fc-2c963f66afa6"])
def test_keeps_a_well_formed_client_id(sent):
    assert request_ids.accept_or_new(sent) == sent


@pytest.mark.parametrize("sent", [None, "", "x" * 129, "a b", "a\nb", "a/b", "æ", "a;b", "\x00"])
def test_replaces_anything_else_with_a_new_id(sent):
    new = request_ids.accept_or_new(sent)
    assert new != sent and request_ids.accept_or_new(new) == new


def test_every_record_logged_in_a_request_carries_its_id(caplog):
    request_ids.install()
    log = logging.getLogger("tests.request_ids")

    async def serve(request_id: str) -> None:
        with request_ids.scope(request_id):
            await asyncio.sleep(0)
            log.warning("working")
            await asyncio.to_thread(log.warning, "in a thread")

    async def both() -> None:
        await asyncio.gather(serve("first"), serve("second"))

    with caplog.at_level(logging.WARNING, "tests.request_ids"):
        asyncio.run(both())
        log.warning("outside")
    ids = sorted((r.getMessage(), r.request_id) for r in caplog.records)
    assert ids == [("in a thread", "first"), ("in a thread", "second"), ("outside", "-"),
                   ("working", "first"), ("working", "second")]
