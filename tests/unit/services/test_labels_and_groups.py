"""Labels and groups over the fakes: usage counted from the groups, names unique, no cycles."""

from datetime import timedelta

import pytest

from shared.errors import Conflict, InvalidRequest
from shared.models.groups import CompetenceGroupWrite
from shared.models.labels import LabelWrite
from shared.services import groups, labels
from tests.utils.booking_builders import add_employee


async def test_a_label_a_group_uses_is_registered_counted_and_cannot_be_deleted(ctx):
    mette = await add_employee(ctx)
    await groups.create_competence_group(ctx, CompetenceGroupWrite(name="Boliglån", employee_ids=[mette],
                                                                   labels=["Pension"]))
    (registered,) = await labels.registrations(ctx)
    assert (registered.label_name, registered.usage_count) == ("Pension", 1)
    with pytest.raises(Conflict, match="in use"):
        await labels.delete_label(ctx, registered.id, None)


async def test_label_names_are_unique_ignoring_case(ctx):
    await labels.create_label(ctx, LabelWrite(label_name="VIP"))
    with pytest.raises(Conflict):
        await labels.create_label(ctx, LabelWrite(label_name="vip"))


async def test_a_child_group_that_would_make_a_cycle_is_refused(ctx):
    parent = await groups.create_competence_group(ctx, CompetenceGroupWrite(name="Privat"))
    child = await groups.create_competence_group(ctx, CompetenceGroupWrite(name="Bolig",
                                                                           child_group_ids=[parent.item.id]))
    with pytest.raises(InvalidRequest, match="cycle"):
        await groups.patch_competence_group(ctx, parent.item.id, [
            {"op": "add", "path": "/childGroupIds/-", "value": child.item.id}], None)
    assert (await groups.get_competence_group(ctx, parent.item.id)).item.parent_group_ids == [child.item.id]


async def test_memberships_keep_the_date_an_employee_joined(ctx):
    mette = await add_employee(ctx)
    group = await groups.create_competence_group(ctx, CompetenceGroupWrite(name="Pension"))
    first_day = ctx.clock()
    (joined,) = await groups.change_competence_memberships(ctx, mette, [group.item.id], add=True)
    ctx.clock.advance(timedelta(days=3))
    (again,) = await groups.change_competence_memberships(ctx, mette, [group.item.id], add=True)
    assert again.date_assigned == joined.date_assigned == first_day
