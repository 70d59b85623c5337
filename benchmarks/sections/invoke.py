"""1. invoke latency."""

from __future__ import annotations

from contenders import CEIL, MMX, MMX_JSON, OAI, SDK, Contenders, RawHTTP
from results import Report
from scenarios import prompt
from sizes import Sizes
from timing import interleave, opt_in_row, p95, timed_row


def run(report: Report, c: Contenders, sizes: Sizes) -> None:
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
            MMX_JSON: lambda: c.minimax_json.invoke(spec),
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
    report.check(opt_in_row(row, "invoke latency"))
    report.add(
        timed_row(
            "1", f"invoke latency, p95 of {n} calls", "ms", samples, 1e3, stat=p95
        )
    )
