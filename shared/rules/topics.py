"""Which meeting topics a caller may see."""

from collections.abc import Iterable

from shared.models.directory import MeetingTopic


def topics_for(topics: Iterable[MeetingTopic], is_customer: bool, customer_type_id: str | None) -> list[MeetingTopic]:
    """Customers see only topics open to customers; a customer type sees the topics that
    list it, or that list no customer type at all."""
    chosen = []
    for topic in topics:
        if is_customer and not topic.is_available_to_customers:
            continue
        if customer_type_id and topic.customer_type_ids and customer_type_id not in topic.customer_type_ids:
            continue
        chosen.append(topic)
    return chosen
