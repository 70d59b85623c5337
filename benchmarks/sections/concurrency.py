"""3. concurrent ainvoke."""

from __future__ import annotations

import asyncio

from contenders import CEIL, MMX, OAI, SDK, Contenders, RawAsyncPool
from results import Report
from scenarios import prompt
from sizes import Sizes
from timing import Samples, ainterleave, timed_row


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
        chat_openai, chat_minimax = c.models(sdk_async_transport=True)

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


def run(report: Report, c: Contenders, sizes: Sizes) -> None:
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
