"""What happens to `reasoning_effort` per model before sending.

Which `thinking` types and `reasoning_effort` values are accepted is checked
by the rules table (`langchain_minimax.rules`); this module decides what is
sent, from the model table (`langchain_minimax.model_table`):

- `minimal` is sent as `low`, as MiniMax maps it (MiniMax's suite), so that
  the request means the same to every endpoint (a relay, the emulator);
- a model for which MiniMax documents no `reasoning_effort` (the M2 family)
  ignores it: it is not sent, with a warning;
- MiniMax-M3 accepts the field, but MiniMax's docs (Responses-API page) say
  its values do not tune M3's reasoning depth: it is not sent, and the
  warning says so;
- MiniMax-M3.1-Flash documents `low`..`max`, `max` when omitted (MiniMax's
  docs); unknown models get the value passed through.
"""

from __future__ import annotations

from typing import Any

from langchain_minimax.model_table import model_row
from langchain_minimax.rules import EFFORT_ALIASES


def effort_warning(model_name: str) -> str | None:
    """Why `reasoning_effort` is not sent to `model_name`, or `None` if it is."""
    row = model_row(model_name)
    if row is None:
        return None
    if not row.reasoning_efforts:
        return (
            f"MiniMax ignores reasoning_effort on {model_name} (it documents none "
            "for the model); not sending it."
        )
    if not row.effort_tunes_depth:
        return (
            f"reasoning_effort does not change {model_name}'s reasoning depth "
            "(MiniMax's docs); not sending it. Use thinking={'type': 'disabled'} "
            "to switch thinking off."
        )
    return None


def apply_effort_rules(
    model_name: str, payload: dict[str, Any], extra_body: dict[str, Any]
) -> list[str]:
    """Normalize `reasoning_effort` in the payload and `extra_body`, in place.

    Args:
        model_name: The model the request is for.
        payload: The request payload (an SDK argument may carry the field).
        extra_body: The request's merged `extra_body`.

    Returns:
        Warnings to give: why the field was not sent (see `effort_warning`).
    """
    dropped = effort_warning(model_name)
    warnings: list[str] = []
    for params in (payload, extra_body):
        effort = params.pop("reasoning_effort", None)
        if effort is None:
            continue
        if dropped is not None:
            warnings = [dropped]
            continue
        params["reasoning_effort"] = EFFORT_ALIASES.get(effort, effort)
    return warnings
