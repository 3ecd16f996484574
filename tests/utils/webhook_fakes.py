"""Fakes of the webhook ports: a resolver with a fixed DNS table, a sender that records each
POST and answers from a script."""

from shared.errors import TargetUnreachable
from shared.ports import AddressResolver, WebhookSender


class FakeResolver(AddressResolver):
    def __init__(self, table: dict[str, list[str]] | None = None):
        self.table = table or {}
        self.asked: list[str] = []

    async def resolve(self, host: str) -> list[str]:
        self.asked.append(host)
        return list(self.table.get(host, []))


class ScriptedSender(WebhookSender):
    """Answers each POST with the next of `answers` (an HTTP status, or an exception to raise),
    then with `default`."""

    def __init__(self, *answers: int | Exception, default: int = 200):
        self.answers = list(answers)
        self.default = default
        self.posts: list[tuple[str, dict[str, str], bytes]] = []

    async def post(self, url: str, headers: dict[str, str], body: bytes) -> int:
        self.posts.append((url, dict(headers), body))
        answer = self.answers.pop(0) if self.answers else self.default
        if isinstance(answer, Exception):
            raise answer
        return answer


def unreachable(reason: str = "no answer within 5 s") -> TargetUnreachable:
    return TargetUnreachable(reason)
