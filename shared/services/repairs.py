"""Finishing writes that span two day partitions after a process died between them: moves of
meetings to another day (shared/services/booking/moves.py) and spills of late bookings into the
next day (shared/services/booking/spills.py). Both only ever leave time held that is free, never
the other way round; this puts it right."""

from shared.context import Context
from shared.services.booking import moves, spills


async def repair_interrupted_writes(ctx: Context) -> int:
    """Settle every move whose mark is past its lease and remove every spill no meeting holds;
    returns how many it put right."""
    return await moves.repair(ctx) + await spills.repair(ctx)
