"""MiniMax-M3's request fields and response flags, over HTTP against the emulator."""

from __future__ import annotations

import warnings
from typing import Any

from langchain_minimax import ChatMiniMax
from langchain_minimax.testing import MiniMaxEmulator, Reply


def _bodies(emulator: MiniMaxEmulator) -> list[dict[str, Any]]:
    """The JSON bodies the emulator received, in order."""
    return [request.body or {} for request in emulator.requests]


# --- MiniMax-only body fields -------------------------------------------------


def test_body_fields_from_every_source_reach_the_body(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    with warnings.catch_warnings():
        # ChatOpenAI warns that an unknown constructor argument goes to model_kwargs.
        warnings.simplefilter("ignore")
        model: ChatMiniMax = make_model(
            mask_level=1, model_kwargs={"user": "u-1", "label": "m"}
        )
    emulator.add_reply(Reply(content="ok"))
    assert model.invoke("q", per_call=[1, 2]).content == "ok"
    [body] = _bodies(emulator)
    assert (body["mask_level"], body["label"], body["per_call"]) == (1, "m", [1, 2])
    assert body["user"] == "u-1"
    assert body["reasoning_split"] is True


def test_call_extra_body_wins_over_body_fields(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    model: ChatMiniMax = make_model(
        model_kwargs={"label": "model"}, extra_body={"label": "model extra_body"}
    )
    emulator.add_reply(Reply(content="a"))
    emulator.add_reply(Reply(content="b"))
    model.invoke("q")
    model.invoke("q", extra_body={"label": "call"})
    first, second = _bodies(emulator)
    assert first["label"] == "model"
    assert second["label"] == "call"


def test_sdk_fields_keep_their_path(make_model: Any) -> None:
    model: ChatMiniMax = make_model(model_kwargs={"user": "u-1", "label": "x"})
    payload = model._get_request_payload("q", seed=3)
    assert (payload["user"], payload["seed"]) == ("u-1", 3)
    assert payload["extra_body"] == {"reasoning_split": True, "label": "x"}
