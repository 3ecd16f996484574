"""Which employees a time-slot search considers (contract section 9, pools and topics)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from shared.errors import InvalidRequest
from shared.models.groups import CompetenceGroupDoc
from shared.rules import groups as group_rules
from shared.rules.availability_explain import Exclusion


@dataclass(frozen=True)
class Candidate:
    employee_id: str
    local_only: bool = False  # came in only through the Local pool


def choose_candidates(
    *,
    all_employee_ids: Iterable[str],
    explicit_ids: list[str],
    employee_types: set[str],
    require_all: bool,
    customer_location: str | None,
    service_group_member_ids: set[str],
    qualified_ids: set[str] | None,
) -> list[Candidate]:
    """The candidates in a stable order.

    `employee_types` holds Explicit, Local and ServiceGroup (their union is searched);
    `qualified_ids` is None when no topic or customer type narrows the search.
    """
    if require_all:
        if not explicit_ids:
            raise InvalidRequest("requireEmployeeParticipation=true needs explicitEmployeeIds.",
                                 {"explicitEmployeeIds": ["At least one employee id is required."]})
        return [Candidate(e) for e in dict.fromkeys(explicit_ids)]
    if "Global" in employee_types:
        raise InvalidRequest("The Global employee type was retired in V2; use Explicit, Local or ServiceGroup.",
                             {"employeeTypes": ["Global is not supported."]})
    if not employee_types:
        raise InvalidRequest("employeeTypes needs at least one of Explicit, Local, ServiceGroup.",
                             {"employeeTypes": ["At least one value is required."]})
    everyone = list(dict.fromkeys(all_employee_ids))
    chosen: dict[str, Candidate] = {}
    if "Explicit" in employee_types:
        for employee_id in explicit_ids or everyone:
            chosen[employee_id] = Candidate(employee_id)
    if "ServiceGroup" in employee_types:
        for employee_id in everyone:
            if employee_id in service_group_member_ids:
                chosen[employee_id] = Candidate(employee_id)
    if "Local" in employee_types:
        if not customer_location:
            raise InvalidRequest("The Local employee type needs customerLocation.",
                                 {"customerLocation": ["Required when employeeTypes includes Local."]})
        for employee_id in everyone:
            chosen.setdefault(employee_id, Candidate(employee_id, local_only=True))
    if qualified_ids is not None:
        chosen = {k: v for k, v in chosen.items() if k in qualified_ids}
    return sorted(chosen.values(), key=lambda c: c.employee_id)



def qualified_ids(groups: Sequence[CompetenceGroupDoc], topic_id: str | None,
                  customer_type_id: str | None) -> set[str] | None:
    """Employees of the competence groups (child groups included) listing the topic and, when
    given, the customer type; None when neither narrows the search."""
    if topic_id is None and customer_type_id is None:
        return None
    if topic_id is not None:
        return group_rules.qualified_employees(groups, [topic_id], [customer_type_id] if customer_type_id else [])
    roots = [g.id for g in groups if customer_type_id in g.customer_type_ids]
    return group_rules.members(groups, group_rules.descendants(group_rules.children_of(groups), roots))


def pool_exclusion(employee_id: str, active_ids: set[str], topic_ids: set[str] | None,
                   customer_type_ids: set[str] | None) -> Exclusion | None:
    """Why a pool member is left out before the engine sees it (section 14): not an active
    employee of the directory (or unknown), or not qualified for the topic or customer type.
    `topic_ids`/`customer_type_ids` are the qualified employees, None when not searched for."""
    if employee_id not in active_ids:
        return Exclusion.INACTIVE
    if topic_ids is not None and employee_id not in topic_ids:
        return Exclusion.NOT_QUALIFIED_FOR_TOPIC
    if customer_type_ids is not None and employee_id not in customer_type_ids:
        return Exclusion.NOT_QUALIFIED_FOR_CUSTOMER_TYPE
    return None
