"""Competence and service group rules: hierarchy, memberships, qualified advisors, daily caps."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from shared.models.groups import (
    CompetenceGroup,
    CompetenceGroupDoc,
    Membership,
    NamedRef,
    ServiceGroupAdvisors,
    ServiceGroupDoc,
)

Children = Mapping[str, Sequence[str]]


def children_of(groups: Iterable[CompetenceGroupDoc]) -> dict[str, list[str]]:
    return {group.id: list(group.child_group_ids) for group in groups}


def descendants(children: Children, roots: Iterable[str]) -> set[str]:
    """The roots and every group below them; unknown ids and cycles are harmless."""
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        group_id = stack.pop()
        if group_id not in seen:
            seen.add(group_id)
            stack.extend(children.get(group_id, ()))
    return seen


def parents(children: Children) -> dict[str, list[str]]:
    """The inverse of childGroupIds: each group's parents, sorted."""
    found: dict[str, set[str]] = {}
    for parent, kids in children.items():
        for kid in kids:
            found.setdefault(kid, set()).add(parent)
    return {kid: sorted(ids) for kid, ids in found.items()}


def makes_cycle(children: Children, group_id: str, new_children: Iterable[str]) -> bool:
    """Whether giving `group_id` these children would let it reach itself (itself included)."""
    graph = {**children, group_id: list(new_children)}
    return group_id in descendants(graph, graph[group_id])


def members(groups: Iterable[CompetenceGroupDoc], group_ids: set[str]) -> set[str]:
    return {employee for group in groups if group.id in group_ids for employee in group.employee_ids}


def qualified_employees(groups: Sequence[CompetenceGroupDoc], topic_ids: Iterable[str],
                        customer_type_ids: Iterable[str] = ()) -> set[str]:
    """Members of the groups listing one of the topics (and, when customer types are given,
    one of those), with the members of all their descendant groups."""
    topics, customer_types = set(topic_ids), set(customer_type_ids)
    roots = [g.id for g in groups if topics & set(g.topic_ids)
             and (not customer_types or customer_types & set(g.customer_type_ids))]
    return members(groups, descendants(children_of(groups), roots))


def advisors(service_group: ServiceGroupDoc, groups: Sequence[CompetenceGroupDoc]) -> ServiceGroupAdvisors:
    """The service group's advisors by source: own members, competence groups, service trigger."""
    trigger = service_group.service_trigger
    via_groups = members(groups, descendants(children_of(groups), service_group.competence_group_ids))
    skilled = qualified_employees(groups, trigger.topic_ids, trigger.customer_type_ids) if trigger.is_enabled else set()
    return ServiceGroupAdvisors(skill_based=sorted(skilled), assigned=sorted(service_group.employee_ids),
                                competence_group_advisors=sorted(via_groups))


def with_members(memberships: Sequence[Membership], employee_ids: Iterable[str], now: datetime) -> list[Membership]:
    """Exactly these members, in this order; those already there keep their dateAssigned."""
    since = {m.employee_id: m.date_assigned for m in memberships}
    return [Membership(employee_id=e, date_assigned=since.get(e, now)) for e in dict.fromkeys(employee_ids)]


def add_member(memberships: Sequence[Membership], employee_id: str, now: datetime) -> list[Membership]:
    return with_members(memberships, [*(m.employee_id for m in memberships), employee_id], now)


def remove_member(memberships: Sequence[Membership], employee_id: str) -> list[Membership]:
    return [m for m in memberships if m.employee_id != employee_id]


def expand(group: CompetenceGroupDoc, groups: Iterable[CompetenceGroupDoc],
           service_groups: Iterable[ServiceGroupDoc], topic_names: Mapping[str, str],
           customer_type_names: Mapping[str, str]) -> CompetenceGroup:
    """The API view: names for topics and customer types, derived parents and service groups."""
    return CompetenceGroup(
        id=group.id, name=group.name, child_group_ids=group.child_group_ids,
        parent_group_ids=parents(children_of(groups)).get(group.id, []),
        customer_type_ids=group.customer_type_ids,
        customer_types=[NamedRef(id=i, name=customer_type_names[i]) for i in group.customer_type_ids
                        if i in customer_type_names],
        employee_ids=group.employee_ids, topic_ids=group.topic_ids,
        topics=[NamedRef(id=i, name=topic_names[i]) for i in group.topic_ids if i in topic_names],
        service_group_ids=sorted(s.id for s in service_groups if group.id in s.competence_group_ids),
        labels=group.labels,
    )

