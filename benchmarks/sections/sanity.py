"""Sanity: the contenders send the same request and see the same chunks."""

from __future__ import annotations

import json

from contenders import MMX, OAI, SDK, Contenders, RawHTTP
from results import Report
from scenarios import API_KEY, prompt, responder

from langchain_minimax.testing import MiniMaxEmulator


def run(report: Report) -> None:
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
