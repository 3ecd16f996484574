"""Interval arithmetic behind availability: busy time as blocked slot starts, free pieces, daily totals.

Intervals are closed ranges [low, high] of integer microseconds. A slot of length d starting at s
overlaps busy [b0, b1) exactly when b0 - d < s < b1, i.e. s is in [b0 - d + 1, b1 - 1].
"""

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence


def merge(intervals: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, merged half-open [start, end) intervals; empty ones dropped, touching ones joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(interval for interval in intervals if interval[1] > interval[0]):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


class BlockedStarts:
    """Slot starts that would overlap some busy interval, for one slot length."""

    __slots__ = ("lows", "highs")

    def __init__(self, busy: Iterable[tuple[int, int]], duration_us: int) -> None:
        merged = merge(busy)
        self.lows = [start - duration_us + 1 for start, _ in merged]
        self.highs = [end - 1 for _, end in merged]

    def is_blocked(self, start_us: int) -> bool:
        index = bisect_left(self.highs, start_us)
        return index < len(self.highs) and self.lows[index] <= start_us

    def free_pieces(self, low: int, high: int) -> list[tuple[int, int]]:
        """[low, high] minus the blocked starts, as closed pieces in order."""
        highs, lows = self.highs, self.lows
        index = bisect_left(highs, low)
        count = len(highs)
        if index == count or lows[index] > high:
            return [(low, high)]
        pieces = []
        while index < count and lows[index] <= high:
            if lows[index] > low:
                pieces.append((low, lows[index] - 1))
            low = max(low, highs[index] + 1)
            index += 1
        if low <= high:
            pieces.append((low, high))
        return pieces


def grid_in(grid: Sequence[int], low: int, high: int) -> Sequence[int]:
    """The grid starts in the closed range [low, high]."""
    return grid[bisect_left(grid, low) : bisect_right(grid, high)]


def totals_per_day(busy: Iterable[tuple[int, int]], day_starts: Sequence[int], day_ends: Sequence[int]) -> list[int]:
    """Busy time inside each day; an interval across midnight counts on each day for its part there."""
    totals = [0] * len(day_starts)
    for start, end in busy:
        index = max(bisect_right(day_starts, start) - 1, 0)
        while index < len(day_starts) and day_starts[index] < end:
            overlap = min(end, day_ends[index]) - max(start, day_starts[index])
            if overlap > 0:
                totals[index] += overlap
            index += 1
    return totals
