"""ChatMiniMax next to ChatOpenAI and the raw `openai` SDK, in one run.

Usage (from the repository root):

    python benchmarks/run.py            # the full run (about ten minutes)
    python benchmarks/run.py --quick    # a smoke run with tiny sizes
    python benchmarks/run.py --json results.json

Every contender talks to the package's MiniMax emulator on loopback and gets
the same scripted replies (see `scenarios.py`). Timings are interleaved
(A, B, C, A, B, C, ... with the starting contender rotating every round) and
summarised by medians, so background load hits every contender alike; the
ratios are the numbers to read, not the absolute times.

The emulator runs in its own process by default (`--emulator thread` runs it
in this one), so its work does not compete with the clients for the GIL; the
"emulator ceiling" column is a minimal standard-library HTTP client against
it, i.e. what the server alone costs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import http.client
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import openai  # noqa: E402
from langchain_core.messages import (  # noqa: E402
    AIMessage,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_openai import ChatOpenAI  # noqa: E402
from scenarios import API_KEY, MODEL, prompt, responder, text  # noqa: E402

from langchain_minimax import ChatMiniMax  # noqa: E402
from langchain_minimax._client import (  # noqa: E402
    AsyncMiniMaxOpenAI,
    async_wire_completions,
)
from langchain_minimax.testing import MiniMaxEmulator  # noqa: E402

CEIL = "emulator ceiling"
SDK = "openai SDK"
OAI = "ChatOpenAI"
MMX = "ChatMiniMax"
MMX_SDK = "ChatMiniMax on SDK models"
"""ChatMiniMax with the `openai` SDK's own chat-completions resources, which
build a pydantic model per response and chunk, as ChatOpenAI's do: next to
ChatOpenAI it shows the cost of ChatMiniMax's own work alone."""


# ---------------------------------------------------------------------------
# Sizes
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Sizes:
    invoke_calls: int
    stream_chunks: tuple[int, int]
    stream_rounds: tuple[int, int]
    sum_rounds: tuple[int, int]
    concurrency: int
    concurrency_rounds: int
    history: tuple[int, int]
    history_rounds: int
    import_runs: int
    import_warmup: bool
    construct_rounds: int
    memory_bytes: int
    memory_chunk_sizes: tuple[int, ...]
    reference_every: int
    """The emulator ceiling and the raw SDK run in every n-th round of the
    long sections (streaming, concurrency) only."""


FULL = Sizes(
    invoke_calls=1500,
    stream_chunks=(2_000, 20_000),
    stream_rounds=(60, 12),
    sum_rounds=(20, 4),
    concurrency=200,
    concurrency_rounds=20,
    history=(200, 400),
    history_rounds=400,
    import_runs=15,
    import_warmup=True,
    construct_rounds=400,
    memory_bytes=1 << 20,
    memory_chunk_sizes=(256, 1024, 4096, 16384),
    reference_every=4,
)

QUICK = Sizes(
    invoke_calls=20,
    stream_chunks=(100, 1_000),
    stream_rounds=(2, 1),
    sum_rounds=(1, 1),
    concurrency=20,
    concurrency_rounds=2,
    history=(20, 40),
    history_rounds=5,
    import_runs=1,
    import_warmup=False,
    construct_rounds=5,
    memory_bytes=64 << 10,
    memory_chunk_sizes=(1024,),
    reference_every=4,
)


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------


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


def _order(names: list[str], round_: int, every: dict[str, int]) -> list[str]:
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
        for name in _order(names, round_, every or {}):
            function = contenders[name]
            if collect:
                gc.collect()
            GC_CLOCK.reset()
            cpu, wall = time.process_time(), time.perf_counter()
            function()
            out.wall[name].append(time.perf_counter() - wall)
            out.cpu[name].append(time.process_time() - cpu)
            out.gc[name].append(GC_CLOCK.seconds)
            out.full_gcs[name].append(GC_CLOCK.full)
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
        for name in _order(names, round_, every or {}):
            function = contenders[name]
            if collect:
                gc.collect()
            GC_CLOCK.reset()
            cpu, wall = time.process_time(), time.perf_counter()
            await function()
            out.wall[name].append(time.perf_counter() - wall)
            out.cpu[name].append(time.process_time() - cpu)
            out.gc[name].append(GC_CLOCK.seconds)
            out.full_gcs[name].append(GC_CLOCK.full)
    return out


# ---------------------------------------------------------------------------
# The emulator
# ---------------------------------------------------------------------------


@contextlib.contextmanager
def emulator(mode: str) -> Iterator[str]:
    """Yield the base URL of a benchmark emulator (own process or thread)."""
    if mode == "thread":
        with MiniMaxEmulator(api_key=API_KEY, responder=responder) as emu:
            yield emu.base_url
        return
    env = {**os.environ, "PYTHONPATH": _pythonpath()}
    process = subprocess.Popen(
        [sys.executable, str(HERE / "emulator_server.py")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        if not base_url.startswith("http://"):
            raise RuntimeError("the emulator process did not start")
        yield base_url
    finally:
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _pythonpath() -> str:
    current = os.environ.get("PYTHONPATH")
    return str(ROOT) + (os.pathsep + current if current else "")


# ---------------------------------------------------------------------------
# The contenders
# ---------------------------------------------------------------------------


class Contenders:
    """The three clients, configured to send identical requests."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.sdk = openai.OpenAI(base_url=base_url, api_key=API_KEY, max_retries=0)
        self.async_sdk = openai.AsyncOpenAI(
            base_url=base_url, api_key=API_KEY, max_retries=0
        )
        # ChatOpenAI gets what ChatMiniMax sends by default: MiniMax's
        # recommended temperature, usage in streams and split reasoning.
        self.openai = ChatOpenAI(
            base_url=base_url,
            api_key=API_KEY,  # type: ignore[arg-type]
            model=MODEL,
            temperature=1.0,
            stream_usage=True,
            extra_body={"reasoning_split": True},
            max_retries=0,
        )
        self.minimax = ChatMiniMax(base_url=base_url, api_key=API_KEY, max_retries=0)
        self.minimax_sdk = ChatMiniMax(
            base_url=base_url, api_key=API_KEY, max_retries=0
        )
        self.minimax_sdk.client = self.minimax_sdk.root_client.chat.completions
        self.minimax_sdk.async_client = (
            self.minimax_sdk.root_async_client.chat.completions
        )

    @staticmethod
    def sdk_body(content: str, *, stream: bool) -> dict[str, Any]:
        """The arguments of the raw SDK call (the same body the models send)."""
        body: dict[str, Any] = {
            "model": MODEL,
            "stream": stream,
            "messages": [{"content": content, "role": "user"}],
        }
        if stream:
            body["stream_options"] = {"include_usage": True}
        body["temperature"] = 1.0
        body["extra_body"] = {"reasoning_split": True}
        return body

    @staticmethod
    def wire_body(content: str, *, stream: bool) -> bytes:
        """The JSON body the raw HTTP client posts (as the SDK serialises it)."""
        body = Contenders.sdk_body(content, stream=stream)
        body.update(body.pop("extra_body"))
        return json.dumps(body, separators=(",", ":")).encode()


class RawHTTP:
    """The emulator ceiling: one keep-alive `http.client` connection."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.path = parts.path.rstrip("/") + "/chat/completions"
        self.headers = {
            "Authorization": f"Bearer {API_KEY}",
            "Content-Type": "application/json",
        }
        self.connection = http.client.HTTPConnection(self.host, self.port)

    def post(self, body: bytes) -> bytes:
        self.connection.request("POST", self.path, body, self.headers)
        response = self.connection.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"emulator answered {response.status}: {data[:200]!r}")
        return data

    def close(self) -> None:
        self.connection.close()


class RawAsyncPool:
    """The concurrent emulator ceiling: persistent asyncio HTTP/1.1 connections."""

    def __init__(self, base_url: str, size: int) -> None:
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.path = parts.path.rstrip("/") + "/chat/completions"
        self.size = size
        self.connections: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def open(self) -> None:
        self.connections = [
            await asyncio.open_connection(self.host, self.port)
            for _ in range(self.size)
        ]

    def request(self, body: bytes) -> bytes:
        head = (
            f"POST {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Authorization: Bearer {API_KEY}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        return head + body

    async def _one(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, data: bytes
    ) -> None:
        writer.write(data)
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        await reader.readexactly(length)

    async def gather(self, data: bytes) -> None:
        await asyncio.gather(
            *(self._one(reader, writer, data) for reader, writer in self.connections)
        )

    async def close(self) -> None:
        for _, writer in self.connections:
            writer.close()
        for _, writer in self.connections:
            with contextlib.suppress(Exception):
                await writer.wait_closed()


# ---------------------------------------------------------------------------
# Sanity: the contenders send the same request and see the same chunks
# ---------------------------------------------------------------------------


def sanity_check(report: Report) -> None:
    """Check, on an in-process emulator, that the comparison is like for like."""
    spec = prompt(40, 10, chunk_size=1)
    with MiniMaxEmulator(api_key=API_KEY, responder=responder) as emu:
        c = Contenders(emu.base_url)
        raw = RawHTTP(emu.base_url)
        c.sdk.chat.completions.create(**c.sdk_body(spec, stream=False))
        c.openai.invoke(spec)
        c.minimax.invoke(spec)
        raw.post(c.wire_body(spec, stream=False))
        counts = {}
        for name, stream in (
            (SDK, c.sdk.chat.completions.create(**c.sdk_body(spec, stream=True))),
            (OAI, c.openai.stream(spec)),
            (MMX, c.minimax.stream(spec)),
        ):
            counts[name] = sum(1 for _ in stream)
        raw.post(c.wire_body(spec, stream=True))
        raw.close()
        requests = emu.requests
    bodies = [request.body for request in requests]
    raws = [request.raw for request in requests]
    same_invoke = all(body == bodies[0] for body in bodies[0:4])
    same_stream = all(body == bodies[4] for body in bodies[4:8])
    identical_bytes = len(set(raws[0:4])) == 1 and len(set(raws[4:8])) == 1
    print(
        f"  request bodies equal: invoke {same_invoke}, stream {same_stream}; "
        f"byte-identical: {identical_bytes}; chunks seen: {counts}"
    )
    if not (same_invoke and same_stream):
        raise SystemExit(
            "the contenders do not send the same request:\n"
            + "\n".join(json.dumps(body) for body in bodies)
        )
    report.machine["requests_equal"] = True
    report.machine["requests_byte_identical"] = identical_bytes
    report.machine["sanity_chunk_counts"] = counts


# ---------------------------------------------------------------------------
# 1. invoke latency
# ---------------------------------------------------------------------------


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


def own_work_row(row: Row, what: str) -> Row:
    """ChatMiniMax on the SDK's models / ChatOpenAI, from a timed row."""
    return Row(
        row.item,
        f"{MMX_SDK} / {OAI}, {what} (ChatMiniMax's own work, without the"
        " wire resources)",
        "x",
        {},
        ratio=row.values[MMX_SDK] / row.values[OAI],
        cpu_ratio=row.cpu[MMX_SDK] / row.cpu[OAI],
        ratio_label="ratio",
    )


def bench_invoke(report: Report, c: Contenders, sizes: Sizes) -> None:
    spec = prompt(200, 60)
    raw = RawHTTP(c.base_url)
    wire = c.wire_body(spec, stream=False)
    sdk_body = c.sdk_body(spec, stream=False)
    samples = interleave(
        {
            CEIL: lambda: raw.post(wire),
            SDK: lambda: c.sdk.chat.completions.create(**sdk_body),
            OAI: lambda: c.openai.invoke(spec),
            MMX: lambda: c.minimax.invoke(spec),
            MMX_SDK: lambda: c.minimax_sdk.invoke(spec),
        },
        sizes.invoke_calls,
        warmup=5,
    )
    raw.close()
    report.samples["1 invoke"] = samples.as_json()
    n = sizes.invoke_calls
    row = report.add(
        timed_row(
            "1", f"invoke latency, median of {n} calls", "ms", samples, 1e3, bound=1.05
        )
    )
    report.check(own_work_row(row, "invoke latency"))
    report.add(
        timed_row(
            "1", f"invoke latency, p95 of {n} calls", "ms", samples, 1e3, stat=p95
        )
    )


# ---------------------------------------------------------------------------
# 2. streaming throughput
# ---------------------------------------------------------------------------


def _consume(stream: Any) -> int:
    count = 0
    for _chunk in stream:
        count += 1
    return count


def _consume_and_sum(stream: Any) -> int:
    total = None
    count = 0
    for chunk in stream:
        total = chunk if total is None else total + chunk
        count += 1
    return count


def bench_stream(report: Report, c: Contenders, sizes: Sizes) -> None:
    raw = RawHTTP(c.base_url)
    rows: dict[int, Row] = {}
    for n, rounds, sum_rounds in zip(
        sizes.stream_chunks, sizes.stream_rounds, sizes.sum_rounds, strict=True
    ):
        reasoning, content = n * 4 // 5, n - n * 4 // 5
        spec = prompt(reasoning, content, chunk_size=1)
        wire = c.wire_body(spec, stream=True)
        sdk_body = c.sdk_body(spec, stream=True)
        samples = interleave(
            {
                CEIL: lambda wire=wire: raw.post(wire),
                SDK: lambda b=sdk_body: _consume(c.sdk.chat.completions.create(**b)),
                OAI: lambda s=spec: _consume(c.openai.stream(s)),
                MMX: lambda s=spec: _consume(c.minimax.stream(s)),
                MMX_SDK: lambda s=spec: _consume(c.minimax_sdk.stream(s)),
            },
            rounds,
            every={CEIL: sizes.reference_every, SDK: sizes.reference_every},
            collect=True,
        )
        report.samples[f"2 stream {n}"] = samples.as_json()
        rows[n] = report.add(
            timed_row(
                "2",
                f"stream {n:,} reasoning+content chunks, per chunk "
                f"(median of {rounds} runs)",
                "us",
                samples,
                1e6 / n,
                bound=1.05,
            )
        )
        report.check(own_work_row(rows[n], f"stream {n:,} chunks, per chunk"))
        samples = interleave(
            {
                OAI: lambda s=spec: _consume_and_sum(c.openai.stream(s)),
                MMX: lambda s=spec: _consume_and_sum(c.minimax.stream(s)),
            },
            sum_rounds,
            warmup=0,
            collect=True,
        )
        report.samples[f"2 stream {n} summed"] = samples.as_json()
        report.add(
            timed_row(
                "2",
                f"stream {n:,} chunks, summing them with +, per chunk "
                f"(median of {sum_rounds} runs)",
                "us",
                samples,
                1e6 / n,
                note="langchain-core's + builds a new message on every add; only"
                " ChatMiniMax's chunks carry reasoning (ChatOpenAI drops it), so"
                " ChatMiniMax's sums have more to merge",
            )
        )
    raw.close()
    small, large = sizes.stream_chunks
    bound = 1.1 * large / small
    for name in (OAI, MMX):
        report.check(
            Row(
                "2",
                f"{name}: {large:,}-chunk stream time / {small:,}-chunk stream time",
                "x",
                {},
                ratio=rows[large].values[name]
                * large
                / (rows[small].values[name] * small),
                cpu_ratio=rows[large].cpu[name]
                * large
                / (rows[small].cpu[name] * small),
                ratio_label="ratio",
                bound=bound if name == MMX else None,
            )
        )
        nogc = {n: rows[n].cpu[name] - rows[n].gc[name] for n in (small, large)}
        report.check(
            Row(
                "2",
                f"{name}: {large:,}-chunk / {small:,}-chunk stream CPU time,"
                " collection time taken out",
                "x",
                {},
                cpu_ratio=nogc[large] * large / (nogc[small] * small),
                ratio_label="ratio",
                note="langchain-core keeps every chunk until the stream ends, so"
                " full collections grow with the stream for every chat model",
            )
        )
    for n in (small, large):
        report.check(
            Row(
                "2",
                f"{MMX} per-chunk cost / {OAI}'s, {n:,} chunks (issue 3: within 10%)",
                "x",
                {},
                ratio=rows[n].ratio,
                cpu_ratio=rows[n].cpu_ratio,
                ratio_label="ratio",
                bound=1.10,
            )
        )


# ---------------------------------------------------------------------------
# 3. concurrent ainvoke
# ---------------------------------------------------------------------------


async def _bench_concurrent(
    c: Contenders, sizes: Sizes, same_transport: bool
) -> Samples:
    spec = prompt(200, 60)
    n = sizes.concurrency
    pool = RawAsyncPool(c.base_url, n)
    await pool.open()
    data = pool.request(c.wire_body(spec, stream=False))
    sdk_body = c.sdk_body(spec, stream=False)
    chat_openai, chat_minimax = c.openai, c.minimax
    if same_transport:
        # Both models on the HTTP client configuration the raw SDK uses, each
        # with its own kind of `openai` client and chat-completions resource.
        chat_openai = c.openai.model_copy()
        chat_minimax = c.minimax.model_copy()
        client_params: dict[str, Any] = {
            "base_url": c.base_url,
            "api_key": API_KEY,
            "max_retries": 0,
        }
        root = openai.AsyncOpenAI(
            **client_params, http_client=openai.DefaultAsyncHttpxClient()
        )
        chat_openai.root_async_client = root
        chat_openai.async_client = root.chat.completions
        minimax_root = AsyncMiniMaxOpenAI(
            **client_params, http_client=openai.DefaultAsyncHttpxClient()
        )
        chat_minimax.root_async_client = minimax_root
        chat_minimax.async_client = async_wire_completions(minimax_root)

    async def sdk() -> None:
        await asyncio.gather(
            *(c.async_sdk.chat.completions.create(**sdk_body) for _ in range(n))
        )

    async def run_openai() -> None:
        await asyncio.gather(*(chat_openai.ainvoke(spec) for _ in range(n)))

    async def run_minimax() -> None:
        await asyncio.gather(*(chat_minimax.ainvoke(spec) for _ in range(n)))

    try:
        return await ainterleave(
            {
                CEIL: lambda: pool.gather(data),
                SDK: sdk,
                OAI: run_openai,
                MMX: run_minimax,
            },
            sizes.concurrency_rounds,
            every={CEIL: sizes.reference_every, SDK: sizes.reference_every},
            collect=True,
        )
    finally:
        await pool.close()


def bench_concurrent(report: Report, c: Contenders, sizes: Sizes) -> None:
    n, rounds = sizes.concurrency, sizes.concurrency_rounds

    async def both() -> list[tuple[bool, Samples]]:
        # One event loop for all: the async clients keep their connections.
        return [
            (same, await _bench_concurrent(c, sizes, same)) for same in (True, False)
        ]

    for same_transport, samples in asyncio.run(both()):
        label = "same HTTP client config" if same_transport else "default clients"
        report.samples[f"3 concurrent, {label}"] = samples.as_json()
        report.add(
            timed_row(
                "3",
                f"{n} concurrent ainvoke, {label}, total (median of {rounds})",
                "ms",
                samples,
                1e3,
                bound=1.05 if same_transport else None,
                note=""
                if same_transport
                else "each model's own default async client (langchain-openai's"
                " shared client with its TCP keepalive socket options, for both)",
            )
        )


# ---------------------------------------------------------------------------
# 4. request building
# ---------------------------------------------------------------------------

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


def _reasoning_kwargs(turn: int, kind: int) -> dict[str, Any]:
    reasoning = text(300, seed=turn * 2 + kind)
    return {
        "reasoning_content": reasoning,
        "reasoning_details": [
            {
                "type": "reasoning.text",
                "id": "reasoning-text-1",
                "format": "MiniMax-response-v1",
                "index": 0,
                "text": reasoning,
            }
        ],
    }


def history(size: int) -> list[BaseMessage]:
    """A tool-calling conversation of exactly `size` messages.

    A system message, then rounds of: user question, assistant tool call (with
    reasoning), tool result, assistant answer (with reasoning).
    """
    messages: list[BaseMessage] = [SystemMessage("You are a weather assistant.")]
    turn = 0
    while len(messages) < size:
        call_id = f"call_function_{turn:010d}_1"
        city = f"City {turn}"
        messages += [
            HumanMessage(f"What is the weather in {city}?"),
            AIMessage(
                content="\n",
                tool_calls=[
                    {
                        "name": "get_weather",
                        "args": {"city": city},
                        "id": call_id,
                        "type": "tool_call",
                    }
                ],
                additional_kwargs=_reasoning_kwargs(turn, 0),
                response_metadata={"model_provider": "minimax"},
            ),
            ToolMessage(f"Sunny, {20 + turn % 10} C", tool_call_id=call_id),
            AIMessage(
                content=f"It is sunny in {city}, {20 + turn % 10} C.",
                additional_kwargs=_reasoning_kwargs(turn, 1),
                response_metadata={"model_provider": "minimax"},
            ),
        ]
        turn += 1
    messages = messages[:size]
    # Never end on a tool call without its result.
    if isinstance(messages[-1], AIMessage) and messages[-1].tool_calls:
        messages[-1] = HumanMessage("And tomorrow?")
    return messages


def bench_request(report: Report, c: Contenders, sizes: Sizes) -> None:
    small, large = sizes.history
    histories = {n: history(n) for n in (small, large)}
    for messages in histories.values():
        payload = c.minimax._get_request_payload(messages, tools=[WEATHER_TOOL])
        carried = sum(1 for m in payload["messages"] if "reasoning_details" in m)
        assistants = sum(1 for m in messages if isinstance(m, AIMessage))
        if carried != assistants:
            raise SystemExit(f"only {carried}/{assistants} turns carry reasoning")
    contenders: dict[str, Callable[[], object]] = {}
    for n, messages in histories.items():
        contenders[f"{OAI} {n}"] = lambda m=messages: c.openai._get_request_payload(
            m, tools=[WEATHER_TOOL]
        )
        contenders[f"{MMX} {n}"] = lambda m=messages: c.minimax._get_request_payload(
            m, tools=[WEATHER_TOOL]
        )
    samples = interleave(contenders, sizes.history_rounds, warmup=3)
    report.samples["4 request"] = samples.as_json()
    wall, cpu = samples.medians(1e3)
    for n in (small, large):
        per_n = Samples(
            {OAI: samples.wall[f"{OAI} {n}"], MMX: samples.wall[f"{MMX} {n}"]},
            {OAI: samples.cpu[f"{OAI} {n}"], MMX: samples.cpu[f"{MMX} {n}"]},
        )
        report.add(
            timed_row(
                "4",
                f"_get_request_payload, {n}-message tool history "
                f"(median of {sizes.history_rounds})",
                "ms",
                per_n,
                1e3,
            )
        )
    for name in (OAI, MMX):
        report.check(
            Row(
                "4",
                f"{name}: request building, {large} / {small} messages",
                "x",
                {},
                ratio=wall[f"{name} {large}"] / wall[f"{name} {small}"],
                cpu_ratio=cpu[f"{name} {large}"] / cpu[f"{name} {small}"],
                ratio_label="ratio",
                bound=2.2 if name == MMX else None,
            )
        )


# ---------------------------------------------------------------------------
# 5. import and construction time
# ---------------------------------------------------------------------------

IMPORT_OPENAI = "from langchain_openai import ChatOpenAI"
IMPORT_MINIMAX = "from langchain_minimax import ChatMiniMax"

_IMPORT_PROGRAM = """\
import json, time
marks = []
for statement in {statements!r}:
    wall, cpu = time.perf_counter(), time.process_time()
    exec(statement)
    marks.append((time.perf_counter() - wall, time.process_time() - cpu))
print(json.dumps(marks))
"""


def _import_times(
    statements: Sequence[str], env: dict[str, str]
) -> list[tuple[float, float]]:
    """(wall, cpu) seconds of each import statement, in one fresh interpreter."""
    output = subprocess.run(
        [sys.executable, "-c", _IMPORT_PROGRAM.format(statements=list(statements))],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=str(ROOT),
    ).stdout
    marks: list[tuple[float, float]] = json.loads(output.strip().splitlines()[-1])
    return marks


def bench_import(report: Report, c: Contenders, sizes: Sizes) -> None:
    # PYTHONDONTWRITEBYTECODE may be set (it is on the shared benchmark machine);
    # an installed package has its bytecode compiled, so give both imports a
    # warm bytecode cache, kept out of the source tree.
    with tempfile.TemporaryDirectory(prefix="bench-pycache-") as pycache:
        env = {
            **os.environ,
            "PYTHONPATH": _pythonpath(),
            "PYTHONPYCACHEPREFIX": pycache,
        }
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        programs = {
            OAI: [IMPORT_OPENAI],
            MMX: [IMPORT_MINIMAX],
            "both": [IMPORT_OPENAI, IMPORT_MINIMAX],
        }
        if sizes.import_warmup:  # fill the bytecode cache
            for statements in programs.values():
                _import_times(statements, env)
        wall: dict[str, list[float]] = {OAI: [], MMX: [], "added": []}
        cpu: dict[str, list[float]] = {OAI: [], MMX: [], "added": []}
        for round_ in range(sizes.import_runs):
            for name in _order(list(programs), round_, {}):
                marks = _import_times(programs[name], env)
                key = "added" if name == "both" else name
                wall[key].append(marks[-1][0])
                cpu[key].append(marks[-1][1])
    samples = Samples(wall, cpu)
    report.samples["5 import"] = samples.as_json()
    runs = sizes.import_runs
    report.add(
        timed_row(
            "5",
            f"import time, fresh processes (median of {runs})",
            "ms",
            Samples({k: wall[k] for k in (OAI, MMX)}, {k: cpu[k] for k in (OAI, MMX)}),
            1e3,
        )
    )
    added_wall, added_cpu = median(wall["added"]) * 1e3, median(cpu["added"]) * 1e3
    report.add(
        Row(
            "5",
            f"import of {MMX} after {OAI} in the same fresh process (median of {runs})",
            "ms",
            {MMX: added_wall},
            cpu={MMX: added_cpu},
        )
    )
    report.check(
        Row(
            "5",
            f"import: what `{IMPORT_MINIMAX}` adds over `{IMPORT_OPENAI}`"
            " (ms, measured in the same fresh process)",
            "ms",
            {},
            ratio=added_wall,
            cpu_ratio=added_cpu,
            ratio_label="ms",
            bound=20.0,
        )
    )
    row = report.rows[-2]
    report.check(
        Row(
            "5",
            "import: difference of the medians of separate fresh processes"
            " (ms; the shared cost's noise dominates it)",
            "ms",
            {},
            ratio=row.values[MMX] - row.values[OAI],
            cpu_ratio=row.cpu[MMX] - row.cpu[OAI],
            ratio_label="ms",
        )
    )
    base = c.base_url
    samples = interleave(
        {
            OAI: lambda: ChatOpenAI(base_url=base, api_key=API_KEY, model=MODEL),  # type: ignore[arg-type]
            MMX: lambda: ChatMiniMax(base_url=base, api_key=API_KEY),
        },
        sizes.construct_rounds,
        warmup=3,
    )
    report.samples["5 construct"] = samples.as_json()
    report.add(
        timed_row(
            "5",
            f"construction (median of {sizes.construct_rounds})",
            "us",
            samples,
            1e6,
        )
    )


# ---------------------------------------------------------------------------
# 6. peak memory
# ---------------------------------------------------------------------------


def deep_size(obj: Any, seen: set[int] | None = None) -> int:
    """Bytes held by `obj` and everything it references (each object once)."""
    seen = set() if seen is None else seen
    if id(obj) in seen or isinstance(obj, type):
        return 0
    seen.add(id(obj))
    size = sys.getsizeof(obj)
    if isinstance(obj, dict):
        size += sum(deep_size(k, seen) + deep_size(v, seen) for k, v in obj.items())
    elif isinstance(obj, list | tuple | set | frozenset):
        size += sum(deep_size(item, seen) for item in obj)
    elif hasattr(obj, "__dict__"):
        size += deep_size(vars(obj), seen)
        extra = getattr(obj, "__pydantic_extra__", None)
        if extra:
            size += deep_size(extra, seen)
    return size


def _traced(function: Callable[[], Any]) -> tuple[int, Any]:
    """Run `function` under tracemalloc: (peak bytes above the start, result)."""
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        result = function()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak - base, result


def bench_memory(report: Report, c: Contenders, sizes: Sizes) -> None:
    """Peak traced memory of one stream, by chunk size and way of consuming.

    langchain-core's `stream()` keeps every chunk until the stream ends (to
    build the message it reports to callbacks), so the peak also grows with
    the number of chunks, for every chat model; the sweep over chunk sizes
    shows that part apart from what the reasoning itself costs.
    """
    size = sizes.memory_bytes

    def sdk(spec: str) -> Callable[[], str]:
        def run() -> str:
            pieces: list[str] = []
            stream = c.sdk.chat.completions.create(**c.sdk_body(spec, stream=True))
            for chunk in stream:
                for choice in chunk.choices:
                    extra = choice.delta.model_extra or {}
                    pieces.append(extra.get("reasoning_content") or "")
                    pieces.append(choice.delta.content or "")
            return "".join(pieces)

        return run

    def summed(model: Any, spec: str) -> Callable[[], Any]:
        def run() -> Any:
            total = None
            for chunk in model.stream(spec):
                total = chunk if total is None else total + chunk
            return total

        return run

    def iterated(model: Any, spec: str) -> Callable[[], None]:
        def run() -> None:
            for _chunk in model.stream(spec):
                pass

        return run

    for chunk_size in sizes.memory_chunk_sizes:
        spec = prompt(size, 200, chunk_size=chunk_size)
        chunks = -(-size // chunk_size) + -(-200 // chunk_size)
        runs: dict[str, dict[str, Callable[[], Any]]] = {
            "summing them with +": {
                SDK: sdk(spec),
                OAI: summed(c.openai, spec),
                MMX: summed(c.minimax, spec),
            },
            "keeping none": {
                OAI: iterated(c.openai, spec),
                MMX: iterated(c.minimax, spec),
            },
        }
        finals: dict[str, float] = {}
        for mode, contenders in runs.items():
            for function in contenders.values():  # warm connections and code
                function()
            peaks: dict[str, float] = {}
            for name, function in contenders.items():
                peak, final = _traced(function)
                peaks[name] = peak / 1e6
                if final is not None:
                    finals[name] = deep_size(final) / 1e6
                if name == MMX and final is not None:
                    reasoning = final.additional_kwargs.get("reasoning_content", "")
                    if len(reasoning) != size:
                        raise SystemExit(f"streamed {len(reasoning)} of {size} chars")
            report.add(
                Row(
                    "6",
                    f"peak memory, {size / 1e6:.2f} MB reasoning in {chunks:,} chunks"
                    f" of {chunk_size:,} chars, {mode}",
                    "MB",
                    peaks,
                    ratio=peaks[MMX] / peaks[OAI],
                )
            )
            report.check(
                Row(
                    "6",
                    f"{MMX}: peak memory / final message size,"
                    f" {chunk_size:,}-char chunks, {mode}",
                    "x",
                    {},
                    ratio=peaks[MMX] / finals[MMX],
                    ratio_label="ratio",
                    bound=4.0,
                )
            )
        report.add(
            Row(
                "6",
                f"size of the final message, {chunk_size:,}-char chunks"
                " (deep getsizeof; SDK: the joined text)",
                "MB",
                finals,
                note="ChatOpenAI drops the reasoning; ChatMiniMax keeps it as"
                " reasoning_content and in reasoning_details",
            )
        )


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


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
        "load_start": _loadavg(),
    }


def _loadavg() -> str:
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
        f"| # | measurement | unit | {CEIL} | {SDK} | {OAI} | {MMX} |"
        " ratio (wall) | ratio (CPU) | bound |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in report.rows:
        cells = [_fmt(row.values.get(name)) for name in (CEIL, SDK, OAI, MMX)]
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
        f"| # | measurement | unit | {SDK} | {OAI} | {MMX} |",
        "|---|---|---|---:|---:|---:|",
    ]
    for row in report.rows:
        if row.cpu:
            cells = [_fmt(row.cpu.get(name)) for name in (SDK, OAI, MMX)]
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


SECTIONS: dict[str, Callable[[Report, Contenders, Sizes], None]] = {
    "invoke": bench_invoke,
    "stream": bench_stream,
    "concurrent": bench_concurrent,
    "request": bench_request,
    "import": bench_import,
    "memory": bench_memory,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke run)")
    parser.add_argument(
        "--emulator",
        choices=("process", "thread"),
        default="process",
        help="run the emulator in its own process (default) or in a thread",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=sorted(SECTIONS),
        help="run only these sections (repeatable)",
    )
    parser.add_argument("--json", type=Path, help="write every sample to this file")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    warnings.filterwarnings("ignore", category=ResourceWarning)
    started = time.perf_counter()
    report = Report(machine=machine_info(args.emulator))
    print("sanity check", flush=True)
    sanity_check(report)
    with emulator(args.emulator) as base_url:
        contenders = Contenders(base_url)
        for name, section in SECTIONS.items():
            if args.only and name not in args.only:
                continue
            print(f"{name}", flush=True)
            section(report, contenders, sizes)
    report.machine["load_end"] = _loadavg()
    report.machine["wall_s"] = time.perf_counter() - started
    print()
    print(render(report))
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": report.machine,
                    "quick": args.quick,
                    "rows": [vars(row) for row in report.rows],
                    "checks": [vars(row) for row in report.checks],
                    "samples": report.samples,
                },
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
