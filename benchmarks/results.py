"""The results of a run: rows, the report, and the Markdown tables printed."""

from __future__ import annotations

import contextlib
import os
import platform
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from contenders import CEIL, MMX, MMX_JSON, OAI, SDK


@dataclass
class Row:
    """One line of the results table."""

    item: str
    name: str
    unit: str
    values: dict[str, float]
    ratio: float | None = None
    ratio_label: str = f"{MMX} / {OAI}"
    bound: float | None = None
    note: str = ""
    cpu: dict[str, float] = field(default_factory=dict)
    cpu_ratio: float | None = None
    gc: dict[str, float] = field(default_factory=dict)
    full_gcs: dict[str, float] = field(default_factory=dict)
    nogc_ratio: float | None = None

    @property
    def holds(self) -> bool | None:
        if self.bound is None or self.ratio is None:
            return None
        return self.ratio <= self.bound

    @property
    def cpu_holds(self) -> bool | None:
        if self.bound is None or self.cpu_ratio is None:
            return None
        return self.cpu_ratio <= self.bound


def growth_row(
    item: str,
    what: str,
    keys: tuple[str, str],
    medians: tuple[dict[str, float], dict[str, float]],
    bound: float | None,
) -> Row:
    """A check row: how much the larger of two sizes costs over the smaller.

    `keys` are the (small, large) sample names, `medians` the (wall, CPU)
    medians of `Samples.medians`.
    """
    small, large = keys
    wall, cpu = medians
    return Row(
        item,
        what,
        "x",
        {},
        ratio=wall[large] / wall[small],
        cpu_ratio=cpu[large] / cpu[small],
        ratio_label="ratio",
        bound=bound,
    )


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    checks: list[Row] = field(default_factory=list)
    samples: dict[str, Any] = field(default_factory=dict)
    machine: dict[str, Any] = field(default_factory=dict)

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        print(f"  {row.name}: {_format_values(row)}", flush=True)
        return row

    def check(self, row: Row) -> Row:
        self.checks.append(row)
        return row


def machine_info(emulator_mode: str) -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count() or 0
    versions = {}
    for package in (
        "langchain-core",
        "langchain-openai",
        "openai",
        "httpx",
        "httpx2",
        "pydantic",
    ):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[package] = metadata.version(package)
    return {
        "nproc": affinity,
        "cpu_count": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "versions": versions,
        "emulator": "own process" if emulator_mode == "process" else "thread",
        "load_start": loadavg(),
    }


def loadavg() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "n/a"


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"


def _format_values(row: Row) -> str:
    parts = [f"{name} {_fmt(value)} {row.unit}" for name, value in row.values.items()]
    if row.ratio is not None:
        parts.append(f"{row.ratio_label} {row.ratio:.3f}")
    if row.cpu_ratio is not None:
        parts.append(f"CPU {row.cpu_ratio:.3f}")
    return "; ".join(parts)


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _verdict(holds: bool | None) -> str:
    return "—" if holds is None else ("yes" if holds else "NO")


def render(report: Report) -> str:
    m = report.machine
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items())
    lines = [
        "## Machine",
        "",
        f"- nproc: {m['nproc']} (os.cpu_count {m['cpu_count']}), CPU: {m['cpu']}",
        f"- Python {m['python']} ({m['implementation']}), {m['platform']}",
        f"- {versions}",
        f"- emulator: {m['emulator']}; load average at start {m['load_start']},"
        f" at end {m.get('load_end', 'n/a')}",
        f"- requests of the contenders equal: {m.get('requests_equal')}"
        f" (byte-identical: {m.get('requests_byte_identical')})",
        f"- wall time of the run: {m.get('wall_s', 0):.0f} s",
        "",
        "## Results",
        "",
        "Wall-clock medians; the ratios are ChatMiniMax / ChatOpenAI, of the"
        " wall-clock medians and of the medians of this process's CPU time.",
        "",
        f"| # | measurement | unit | {CEIL} | {SDK} | {OAI} | {MMX} | {MMX_JSON} |"
        " ratio (wall) | ratio (CPU) | bound |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in report.rows:
        cells = [_fmt(row.values.get(name)) for name in (CEIL, SDK, OAI, MMX, MMX_JSON)]
        bound = "" if row.bound is None else f"<= {row.bound:g}"
        lines.append(
            f"| {row.item} | {row.name} | {row.unit} | "
            + " | ".join(cells)
            + f" | {_ratio(row.ratio)} | {_ratio(row.cpu_ratio)} | {bound} |"
        )
    lines += [
        "",
        "CPU time of this process (the clients; with `--emulator thread` the"
        " emulator's too):",
        "",
        f"| # | measurement | unit | {SDK} | {OAI} | {MMX} | {MMX_JSON} |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for row in report.rows:
        if row.cpu:
            cells = [_fmt(row.cpu.get(name)) for name in (SDK, OAI, MMX, MMX_JSON)]
            lines.append(
                f"| {row.item} | {row.name} | {row.unit} | " + " | ".join(cells) + " |"
            )
    lines += [
        "",
        "Garbage collection during the timed calls: median time in collections"
        " (same unit as the row), median number of full collections per call, and"
        " the CPU ratio with the collection time taken out:",
        "",
        f"| # | measurement | unit | {SDK} | {OAI} | {MMX} | full GCs"
        f" ({SDK} / {OAI} / {MMX}) | ratio (CPU - GC) |",
        "|---|---|---|---:|---:|---:|---|---:|",
    ]
    for row in report.rows:
        if any(row.gc.values()):
            cells = [_fmt(row.gc.get(name)) for name in (SDK, OAI, MMX)]
            counts = " / ".join(
                "—" if name not in row.full_gcs else f"{row.full_gcs[name]:g}"
                for name in (SDK, OAI, MMX)
            )
            lines.append(
                f"| {row.item} | {row.name} | {row.unit} | "
                + " | ".join(cells)
                + f" | {counts} | {_ratio(row.nogc_ratio)} |"
            )
    lines += [
        "",
        "## Bounds",
        "",
        "| # | bound | measured (wall) | measured (CPU) | limit | holds (wall) |"
        " holds (CPU) |",
        "|---|---|---:|---:|---:|---|---|",
    ]
    for row in [r for r in report.rows if r.bound is not None] + report.checks:
        label = row.name if row in report.checks else f"{row.name}: {row.ratio_label}"
        limit = "—" if row.bound is None else f"{row.bound:g}"
        lines.append(
            f"| {row.item} | {label} | {_ratio(row.ratio)} | {_ratio(row.cpu_ratio)}"
            f" | {limit} | {_verdict(row.holds)} | {_verdict(row.cpu_holds)} |"
        )
    notes = [row for row in report.rows if row.note]
    if notes:
        lines += ["", "Notes:"]
        lines += [f"- {row.name}: {row.note}" for row in notes]
    return "\n".join(lines)
