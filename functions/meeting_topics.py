"""/meeting-topics: what customers and advisors can meet about."""

from pydantic import Field

from functions.http import Reply
from functions.routing import Call, RouteGroup
from shared.auth import Role
from shared.bootstrap import get_context
from shared.models.common import ApiModel, Uuid
from shared.models.directory import MeetingTopic, MeetingTopicWrite
from shared.services import crud, directory

group = RouteGroup("meeting_topics", "meeting-topics")


class TopicQuery(ApiModel):
    is_customer: bool = Field(examples=[True], description=(
        "Required. true: only the topics available to customers; false: every topic."))
    customer_type_id: Uuid | None = Field(default=None, description=(
        "Only topics for this customer type (those that list it, or list no customer type)."))


@group.get(query=TopicQuery, response=list[MeetingTopic])
async def list_topics(call: Call):
    """List meeting topics visible to a customer or an employee."""
    return await directory.list_topics(await get_context(), call.query.is_customer, call.query.customer_type_id)


@group.get("{id}", response=MeetingTopic)
async def get_topic(call: Call):
    """Get one meeting topic."""
    return await crud.get(directory.topics(await get_context()), call.params["id"], "meeting topic")


@group.post(role=Role.ADMIN, body=MeetingTopicWrite, response=MeetingTopic, status=201)
async def create_topic(call: Call):
    """Create a meeting topic."""
    return Reply(await directory.create_topic(await get_context(), call.body), 201)


@group.put("{id}", role=Role.ADMIN, body=MeetingTopicWrite, response=MeetingTopic)
async def replace_topic(call: Call):
    """Replace a meeting topic."""
    return await directory.replace_topic(await get_context(), call.params["id"], call.body, call.if_match)


@group.delete("{id}", role=Role.ADMIN, status=204)
async def delete_topic(call: Call):
    """Delete a meeting topic."""
    await crud.delete(directory.topics(await get_context()), call.params["id"], "meeting topic", call.if_match)
