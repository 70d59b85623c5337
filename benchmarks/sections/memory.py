"""6. peak memory."""

from __future__ import annotations

import gc
import sys
import tracemalloc
import zlib
from collections.abc import Callable
from functools import partial
from typing import Any

from contenders import MMX, OAI, SDK, Contenders
from results import Report, Row
from scenarios import API_KEY, prompt
from sizes import Sizes

from langchain_minimax.testing import MiniMaxEmulator, RawAnswer


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


def _gzip_bomb(size: int) -> bytes:
    """A gzip body that decodes to `size` bytes: an endless JSON string."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"0" * (1 << 20)
    parts = [packer.compress(b'{"id": "')]
    parts.extend(packer.compress(block) for _ in range(size >> 20))
    return b"".join([*parts, packer.flush()])


def _answers(model: Any) -> bool:
    """Whether `model` answers (rather than raises)."""
    try:
        model.invoke("hi")
    except Exception:
        return False
    return True


def bomb(report: Report, c: Contenders, sizes: Sizes) -> None:
    """Peak traced memory of one invoke answered with a gzip bomb.

    ChatOpenAI decodes the whole body before it fails on it; ChatMiniMax stops
    once the body decodes to more than `MAX_DECOMPRESSION_RATIO` times its
    compressed size (see `_response_bytes.py`). Both raise; the row compares
    what they held on the way.
    """
    body = _gzip_bomb(sizes.bomb_bytes)
    fault = RawAnswer(body=body, headers={"Content-Encoding": "gzip"})
    peaks: dict[str, float] = {}
    with MiniMaxEmulator(api_key=API_KEY) as emu:
        models = Contenders(emu.base_url).models()
        for name, model in zip((OAI, MMX), models, strict=True):
            emu.add_fault(fault)
            peak, answered = _traced(partial(_answers, model))
            if answered:
                raise SystemExit(f"{name} answered a gzip bomb")
            peaks[name] = peak / 1e6
    report.add(
        Row(
            "6",
            f"peak memory, one invoke answered by a gzip bomb of {len(body):,}"
            f" bytes decoding to {sizes.bomb_bytes / 1e6:.0f} MB",
            "MB",
            peaks,
            ratio=peaks[MMX] / peaks[OAI],
            note="both raise; ChatMiniMax stops at its decompression-ratio cap",
        )
    )


def run(report: Report, c: Contenders, sizes: Sizes) -> None:
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
