"""2. streaming throughput."""

from __future__ import annotations

from typing import Any

from contenders import CEIL, MMX, MMX_JSON, OAI, SDK, Contenders, RawHTTP
from results import Report, Row
from scenarios import prompt
from sizes import Sizes
from timing import interleave, opt_in_row, timed_row


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


def run(report: Report, c: Contenders, sizes: Sizes) -> None:
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
                MMX_JSON: lambda s=spec: _consume(c.minimax_json.stream(s)),
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
        report.check(opt_in_row(rows[n], f"stream {n:,} chunks, per chunk"))
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
