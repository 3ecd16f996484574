"""Group rules: hierarchy expansion, cycles, memberships, qualified advisors and daily caps."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from shared.models.groups import (
    CompetenceGroupDoc,
    Membership,
    ServiceGroupDoc,
    ServiceGroupWrite,
    ServiceLevel,
    ServiceTrigger,
)
from shared.rules import groups as rules

T0 = datetime(2025, 1, 15, 10, 30, tzinfo=UTC)
T1 = T0 + timedelta(days=30)
TOPIC_A, TOPIC_B = str(uuid.uuid4()), str(uuid.uuid4())
PRIVATE, BUSINESS = str(uuid.uuid4()), str(uuid.uuid4())
E1, E2, E3, E4, E5 = (str(uuid.uuid4()) for _ in range(5))


def _id(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, name))


def _group(name: str, employees=(), topics=(), types=(), children=()) -> CompetenceGroupDoc:
    return CompetenceGroupDoc(id=_id(name), name=name,
                              memberships=[Membership(employee_id=e, date_assigned=T0) for e in employees],
                              topic_ids=list(topics), customer_type_ids=list(types),
                              child_group_ids=[_id(c) for c in children])


def _service(employees=(), competence=(), trigger=None, cap=None) -> ServiceGroupDoc:
    return ServiceGroupDoc(id=_id("service"), name="Kundeservice",
                           memberships=[Membership(employee_id=e, date_assigned=T0) for e in employees],
                           competence_group_ids=[_id(c) for c in competence],
                           service_trigger=trigger or ServiceTrigger(), max_meeting_time_per_day=cap)


def test_descendants_include_the_roots_and_every_level_below():
    children = {"a": ["b"], "b": ["c", "d"], "c": [], "x": ["a"]}
    assert rules.descendants(children, ["a"]) == {"a", "b", "c", "d"}


def test_descendants_survive_cycles_and_unknown_ids():
    assert rules.descendants({"a": ["b"], "b": ["a", "ghost"]}, ["a"]) == {"a", "b", "ghost"}


def test_parents_are_the_inverse_of_children():
    assert rules.parents({"a": ["c"], "b": ["c"], "c": []}) == {"c": ["a", "b"]}


def test_a_group_cannot_be_its_own_child():
    assert rules.makes_cycle({"a": []}, "a", ["a"])


def test_a_child_that_leads_back_to_the_group_is_a_cycle():
    children = {"a": ["b"], "b": ["c"], "c": []}
    assert rules.makes_cycle(children, "c", ["a"])
    assert not rules.makes_cycle(children, "a", ["c"])
    assert not rules.makes_cycle(children, "new", ["a", "c"])


def test_qualified_employees_come_from_groups_listing_the_topic_and_their_children():
    groups = [_group("parent", [E1], [TOPIC_A], children=["child"]), _group("child", [E2], children=["grandchild"]),
              _group("grandchild", [E3]), _group("other", [E4], [TOPIC_B])]
    assert rules.qualified_employees(groups, [TOPIC_A]) == {E1, E2, E3}
    assert rules.qualified_employees(groups, [TOPIC_B]) == {E4}


def test_a_customer_type_narrows_to_groups_listing_it():
    groups = [_group("private", [E1], [TOPIC_A], [PRIVATE]), _group("business", [E2], [TOPIC_A], [BUSINESS]),
              _group("untyped", [E3], [TOPIC_A])]
    assert rules.qualified_employees(groups, [TOPIC_A], [BUSINESS]) == {E2}
    assert rules.qualified_employees(groups, [TOPIC_A]) == {E1, E2, E3}


def test_advisors_split_by_source():
    groups = [_group("cg", [E1], children=["cg-child"]), _group("cg-child", [E2]),
              _group("skills", [E3], [TOPIC_A], [PRIVATE]), _group("wrong-type", [E4], [TOPIC_A], [BUSINESS])]
    service = _service([E5, E1], ["cg"], ServiceTrigger(topic_ids=[TOPIC_A], customer_type_ids=[PRIVATE]))
    advisors = rules.advisors(service, groups)
    assert advisors.assigned == sorted([E5, E1])
    assert advisors.competence_group_advisors == sorted([E1, E2])
    assert advisors.skill_based == [E3]


def test_a_disabled_trigger_has_no_skill_based_advisors():
    groups = [_group("skills", [E3], [TOPIC_A])]
    trigger = ServiceTrigger(topic_ids=[TOPIC_A], is_enabled=False)
    assert rules.advisors(_service(trigger=trigger), groups).skill_based == []


def test_members_keep_their_first_date_assigned():
    current = [Membership(employee_id=E1, date_assigned=T0)]
    updated = rules.with_members(current, [E2, E1, E2], T1)
    assert [(m.employee_id, m.date_assigned) for m in updated] == [(E2, T1), (E1, T0)]
    assert rules.add_member(current, E1, T1) == current
    assert rules.remove_member(rules.add_member(current, E2, T1), E1)[0].employee_id == E2


def test_expand_names_topics_and_types_and_derives_parents_and_service_groups():
    child, parent = _group("child", [E1], [TOPIC_A], [PRIVATE]), _group("parent", children=["child"])
    view = rules.expand(child, [child, parent], [_service(competence=["child"])], {TOPIC_A: "Boliglån"},
                        {PRIVATE: "Privat"})
    assert view.parent_group_ids == [parent.id]
    assert view.service_group_ids == [_id("service")]
    assert [t.name for t in view.topics] == ["Boliglån"]
    assert [c.name for c in view.customer_types] == ["Privat"]
    assert view.employee_ids == [E1]


def test_the_smallest_service_group_cap_wins_unless_the_schedule_sets_one():
    from shared.rules.daily_caps import daily_caps, group_caps_by_employee

    groups = [_service([E1], cap=timedelta(hours=6)), _service([E1]), _service([E1], cap=timedelta(hours=5))]
    group_caps = group_caps_by_employee(groups)
    org = timedelta(hours=8)
    assert daily_caps([E1], {}, group_caps, org) == {E1: timedelta(hours=5)}
    assert daily_caps([E1], {E1: timedelta(hours=7)}, group_caps, org) == {E1: timedelta(hours=7)}
    assert daily_caps([E1], {}, group_caps_by_employee([_service([E1])]), org) == {E1: org}


@pytest.mark.parametrize("cap", ["00:00:00", "-01:00:00", "1.01:00:00", "eight hours"])
def test_a_daily_cap_must_be_a_positive_duration_within_a_day(cap):
    with pytest.raises(ValidationError):
        ServiceGroupWrite(name="X", max_meeting_time_per_day=cap)


def test_service_level_validates_its_ranges():
    assert ServiceLevel.model_validate({"maxResponseTime": "PT4H"}).max_response_time == timedelta(hours=4)
    for bad in ({"targetPercentage": 101}, {"maxMeetingsPerDay": -1}, {"maxResponseTime": "00:00:00"}):
        with pytest.raises(ValidationError):
            ServiceLevel.model_validate(bad)


def test_service_trigger_meeting_types_are_case_insensitive():
    trigger = ServiceTrigger.model_validate({"meetingTypes": ["physical", "ONLINE"]})
    assert trigger.to_json()["meetingTypes"] == ["Physical", "Online"]
