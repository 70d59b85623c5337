"""7. offline token counting.

`ChatMiniMax.get_num_tokens_from_messages` on the tool-calling histories of
section 4 (every assistant turn with its reasoning, one tool bound). ChatOpenAI
has no offline counter to compare with (it downloads `cl100k_base`), so the
rows have ChatMiniMax only; the note gives langchain-core's
`count_tokens_approximately` on the same history for scale. The check is the
growth: twice the messages should cost about twice the time.
"""

from __future__ import annotations

from contenders import MMX, Contenders
from langchain_core.messages.utils import count_tokens_approximately
from results import Report, Row, growth_row
from sizes import Sizes
from timing import interleave, median

from sections.request_building import WEATHER_TOOL, history

APPROX = "count_tokens_approximately"


def run(report: Report, c: Contenders, sizes: Sizes) -> None:
    small, large = sizes.history
    histories = {n: history(n) for n in (small, large)}
    contenders = {}
    for n, messages in histories.items():
        contenders[f"{MMX} {n}"] = lambda m=messages: (
            c.minimax.get_num_tokens_from_messages(m, tools=[WEATHER_TOOL])
        )
        contenders[f"{APPROX} {n}"] = lambda m=messages: count_tokens_approximately(
            m, tools=[WEATHER_TOOL]
        )
    samples = interleave(contenders, sizes.history_rounds, warmup=3)
    report.samples["7 tokens"] = samples.as_json()
    wall, cpu = samples.medians(1e3)
    for n, messages in histories.items():
        tokens = c.minimax.get_num_tokens_from_messages(messages, tools=[WEATHER_TOOL])
        report.add(
            Row(
                "7",
                f"get_num_tokens_from_messages, {n}-message tool history "
                f"({tokens:,} tokens; median of {sizes.history_rounds})",
                "ms",
                {MMX: wall[f"{MMX} {n}"]},
                cpu={MMX: cpu[f"{MMX} {n}"]},
                note=(
                    f"{APPROX} on the same history: "
                    f"{median(samples.wall[f'{APPROX} {n}']) * 1e3:.2f} ms"
                ),
            )
        )
    report.check(
        growth_row(
            "7",
            f"{MMX}: token counting, {large} / {small} messages",
            (f"{MMX} {small}", f"{MMX} {large}"),
            (wall, cpu),
            bound=2.2,
        )
    )
