"""Timing the contenders fairly: interleaved rounds, CPU and GC clocks, rows.

Timings are interleaved (A, B, C, A, B, C, ... with the starting contender
rotating every round) and summarised by medians, so background load hits every
contender alike.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from contenders import CEIL, MMX, MMX_JSON, OAI
from results import Row


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


@dataclass
class Samples:
    """Wall-clock and CPU seconds of each contender, one entry per round.

    CPU time is this process's (`time.process_time`): the client's own work
    (the emulator runs in another process). Other processes' load disturbs it
    less than the wall clock, though on a shared VM it still slows it. `gc`
    is the time spent in garbage collections during each call and `full_gcs`
    how many of them were full (generation 2) collections.
    """

    wall: dict[str, list[float]]
    cpu: dict[str, list[float]]
    gc: dict[str, list[float]] = field(default_factory=dict)
    full_gcs: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def empty(cls, names: Sequence[str]) -> Samples:
        return cls(*({name: [] for name in names} for _ in range(4)))  # type: ignore[arg-type]

    def record(self, name: str, cpu_start: float, wall_start: float) -> None:
        """Append one call of `name` that started at these clock readings."""
        self.wall[name].append(time.perf_counter() - wall_start)
        self.cpu[name].append(time.process_time() - cpu_start)
        self.gc[name].append(GC_CLOCK.seconds)
        self.full_gcs[name].append(GC_CLOCK.full)

    def medians(self, scale: float = 1.0) -> tuple[dict[str, float], dict[str, float]]:
        return (
            {name: median(times) * scale for name, times in self.wall.items()},
            {name: median(times) * scale for name, times in self.cpu.items()},
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "wall": self.wall,
            "cpu": self.cpu,
            "gc": self.gc,
            "full_gcs": self.full_gcs,
        }


class _GCClock:
    """Time spent in garbage collection, through `gc.callbacks`."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.full = 0
        self._start = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
            return
        self.seconds += time.perf_counter() - self._start
        if info["generation"] == 2:
            self.full += 1

    def reset(self) -> None:
        self.seconds, self.full = 0.0, 0


GC_CLOCK = _GCClock()


def order(names: list[str], round_: int, every: dict[str, int]) -> list[str]:
    """Who runs in this round, in order: the first contender rotates."""
    present = [name for name in names if round_ % every.get(name, 1) == 0]
    shift = round_ % len(present)
    return present[shift:] + present[:shift]


def interleave(
    contenders: dict[str, Callable[[], object]],
    rounds: int,
    warmup: int = 1,
    every: dict[str, int] | None = None,
    collect: bool = False,
) -> Samples:
    """Time each contender once per round, rotating who goes first.

    `every` thins out reference contenders (the emulator ceiling, the raw SDK):
    `{name: k}` runs `name` in every k-th round only, leaving more of the
    time budget to the pair being compared.

    `collect` runs a full garbage collection before each timed call (outside
    the timing), so that a collection made due by one contender's objects
    does not land in the next one's time; each call still pays for the
    collections its own allocations trigger. A full collection takes about
    0.1 s here, so only the long sections use it.
    """
    names = list(contenders)
    for _ in range(warmup):
        for name in names:
            contenders[name]()
    out = Samples.empty(names)
    for round_ in range(rounds):
        for name in order(names, round_, every or {}):
            function = contenders[name]
            if collect:
                gc.collect()
            GC_CLOCK.reset()
            cpu, wall = time.process_time(), time.perf_counter()
            function()
            out.record(name, cpu, wall)
    return out


async def ainterleave(
    contenders: dict[str, Callable[[], Any]],
    rounds: int,
    warmup: int = 1,
    every: dict[str, int] | None = None,
    collect: bool = False,
) -> Samples:
    """`interleave` for coroutine functions."""
    names = list(contenders)
    for _ in range(warmup):
        for name in names:
            await contenders[name]()
    out = Samples.empty(names)
    for round_ in range(rounds):
        for name in order(names, round_, every or {}):
            function = contenders[name]
            if collect:
                gc.collect()
            GC_CLOCK.reset()
            cpu, wall = time.process_time(), time.perf_counter()
            await function()
            out.record(name, cpu, wall)
    return out


def timed_row(
    item: str,
    name: str,
    unit: str,
    samples: Samples,
    scale: float,
    *,
    stat: Callable[[Sequence[float]], float] = median,
    bound: float | None = None,
    note: str = "",
) -> Row:
    """A table row of per-contender statistics and ChatMiniMax/ChatOpenAI ratios."""
    wall = {n: stat(times) * scale for n, times in samples.wall.items()}
    cpu = {n: stat(times) * scale for n, times in samples.cpu.items() if n != CEIL}
    row = Row(
        item,
        name,
        unit,
        wall,
        ratio=wall[MMX] / wall[OAI],
        bound=bound,
        note=note,
        cpu=cpu,
        cpu_ratio=cpu[MMX] / cpu[OAI],
    )
    if samples.gc:
        row.gc = {n: stat(t) * scale for n, t in samples.gc.items() if n != CEIL}
        row.full_gcs = {
            n: median(counts) for n, counts in samples.full_gcs.items() if n != CEIL
        }
        without = {
            n: stat([c - g for c, g in zip(samples.cpu[n], samples.gc[n], strict=True)])
            for n in (OAI, MMX)
        }
        row.nogc_ratio = without[MMX] / without[OAI]
    return row


def opt_in_row(row: Row, what: str) -> Row:
    """ChatMiniMax with `json_client=True` / ChatOpenAI, from a timed row."""
    return Row(
        row.item,
        f"{MMX_JSON}=True / {OAI}, {what} (the opt-in JSON fast path; it blinds"
        " SDK instrumentation)",
        "x",
        {},
        ratio=row.values[MMX_JSON] / row.values[OAI],
        cpu_ratio=row.cpu[MMX_JSON] / row.cpu[OAI],
        ratio_label="ratio",
    )
