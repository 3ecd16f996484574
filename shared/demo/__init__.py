"""The demo bank: a fictional Danish bank that `make run` loads and tests reuse."""

import uuid

NAMESPACE = uuid.UUID("7d1c3a52-5b9e-4c1f-9a57-0c6f2f8e4b10")


def demo_id(kind: str, key: str) -> str:
    """Stable ids, so reloading the demo updates instead of duplicating."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))
