"""MiniMax's thinking controls, `thinking` and `reasoning_effort`, checked early.

Source: MiniMax's M3 conformance suite (the public `MiniMax-Provider-Verifier`
repository, `m3_format_check/m3_text_tests.py` module 04 and
`m3_format_check/m3_reasoning_effort_tests.py`), which quotes MiniMax's
OpenAI-compatible API reference:

- `thinking: {"type": "adaptive" | "disabled"}` on MiniMax-M3; an invalid type
  gets HTTP 400/422. On a model whose thinking is forced on (the M2 family,
  whose documentation says thinking cannot be switched off), `disabled` gets
  HTTP 400 and `adaptive` is the only accepted type.
- `reasoning_effort`: `low`, `medium`, `high`, `xhigh`, `max`; `minimal` is
  mapped to `low`; `none` gets HTTP 400 where thinking is forced on; any other
  value is silently ignored; models that do not support the field ignore it.

Every function here is pure and raises `ValueError` naming the parameter, the
value and what is allowed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from langchain_minimax.profiles import (
    THINKING_TYPES,
    reasoning_effort_supported,
    thinking_types,
)

REASONING_EFFORTS = ("low", "medium", "high", "xhigh", "max")
"""The `reasoning_effort` values MiniMax documents."""

EFFORT_ALIASES = {"minimal": "low"}
"""Values MiniMax maps to one of `REASONING_EFFORTS`; the mapped value is sent,
so that the request means the same to every endpoint (a relay, the emulator)."""


def check_thinking(model_name: str, thinking: Any) -> None:
    """Reject a `thinking` value the model does not accept.

    Args:
        model_name: The model the request is for.
        thinking: `None` (not sent) or a dict such as `{"type": "adaptive"}`.

    Raises:
        ValueError: For a value that is not a dict with a documented `type`, or
            a type the model does not accept (`disabled` on the M2 family).
    """
    if thinking is None:
        return
    kind = thinking.get("type") if isinstance(thinking, Mapping) else None
    allowed = thinking_types(model_name)
    if kind in allowed:
        return
    if kind in THINKING_TYPES:
        msg = (
            f"thinking={thinking!r} is not accepted by {model_name}: its thinking "
            f"cannot be switched off, so only {_types(allowed)} is allowed. "
            "MiniMax-M3 accepts {'type': 'disabled'}."
        )
    else:
        msg = (
            f"thinking={thinking!r} is not valid: use {_types(allowed)} "
            "(MiniMax's thinking types; the depth is set with reasoning_effort)."
        )
    raise ValueError(msg)


def _types(allowed: tuple[str, ...]) -> str:
    return " or ".join(f"{{'type': {kind!r}}}" for kind in allowed)


def reasoning_effort(effort: Any) -> str | None:
    """The `reasoning_effort` to send for `effort`, or `None` to send none.

    Args:
        effort: The requested value, `None` when not set.

    Returns:
        `effort` itself, `"low"` for `"minimal"` (as MiniMax maps it), or `None`
        when `effort` is `None`.

    Raises:
        ValueError: For a value MiniMax does not document (which the service
            would silently ignore), or `"none"`.
    """
    if effort is None:
        return None
    if effort in REASONING_EFFORTS:
        return str(effort)
    if effort in EFFORT_ALIASES:
        return EFFORT_ALIASES[effort]
    hint = (
        " To switch thinking off use thinking={'type': 'disabled'} (MiniMax-M3)."
        if effort == "none"
        else ""
    )
    msg = (
        f"reasoning_effort={effort!r} is not one of MiniMax's values "
        f"{list(REASONING_EFFORTS)} ('minimal' is sent as 'low'); the service "
        f"would ignore it.{hint}"
    )
    raise ValueError(msg)


def check_thinking_params(model_name: str, params: Mapping[str, Any]) -> None:
    """Check the `thinking` and `reasoning_effort` entries of `params`.

    Raises:
        ValueError: See `check_thinking` and `reasoning_effort`.
    """
    check_thinking(model_name, params.get("thinking"))
    reasoning_effort(params.get("reasoning_effort"))


def apply_thinking_rules(
    model_name: str, payload: dict[str, Any], extra_body: dict[str, Any]
) -> list[str]:
    """Check and normalize the thinking controls of a request, in place.

    `reasoning_effort` may be in the payload (an SDK argument) or in
    `extra_body`; `thinking` is in `extra_body` (see
    `request.lift_body_fields`). A `minimal` effort becomes `low`. For a model
    the profile table says does not support `reasoning_effort`, it is removed.

    Args:
        model_name: The model the request is for.
        payload: The request payload.
        extra_body: The request's merged `extra_body`.

    Returns:
        The names of removed parameters (`["reasoning_effort"]` or `[]`), for a
        warning.

    Raises:
        ValueError: Before anything is sent, for a value the service would
            reject or ignore.
    """
    check_thinking(model_name, extra_body.get("thinking"))
    ignored = False
    for params in (payload, extra_body):
        effort = reasoning_effort(params.pop("reasoning_effort", None))
        if effort is None:
            continue
        if reasoning_effort_supported(model_name):
            params["reasoning_effort"] = effort
        else:
            ignored = True
    return ["reasoning_effort"] if ignored else []
