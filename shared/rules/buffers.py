"""Which buffers a meeting takes (contract section 12): one rule for the search and the booking. Pure."""

from datetime import timedelta

from shared.models.directory import MeetingTopic
from shared.models.organization import OrganizationSetting


def meeting_buffers(topic: MeetingTopic | None, org: OrganizationSetting) -> tuple[timedelta, timedelta]:
    """(before, after): the topic's where it sets them (non-null), else the organization's."""
    return (topic.buffer_before if topic and topic.buffer_before is not None else org.buffer_before,
            topic.buffer_after if topic and topic.buffer_after is not None else org.buffer_after)
