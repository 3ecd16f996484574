"""An unreadable queue message is refused with a reason that quotes none of its values."""

import json

import pytest

from shared.errors import UnreadableMessage
from shared.services import notifications


@pytest.mark.parametrize("body", [
    json.dumps({"method": "REQUEST", "recipients": [{"email": "anne@@customer.example", "name": "Anne"}]}),
    json.dumps({"recipients": "anne@customer.example"}),
    b"anne@customer.example is not JSON",
])
async def test_the_reason_names_fields_and_kinds_not_values(ctx, body):
    with pytest.raises(UnreadableMessage) as refused:
        await notifications.deliver(ctx, body)
    assert "Not a notification message" in refused.value.detail
    assert "anne" not in refused.value.detail and "customer.example" not in refused.value.detail
