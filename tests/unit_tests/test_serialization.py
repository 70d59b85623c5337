"""Serialization round-trip and keeping the API key secret."""

from __future__ import annotations

import json
import os
from unittest import mock

import pytest
from langchain_core.load import dumpd, dumps, load, loads

from langchain_minimax import ChatMiniMax

KEY = "sk-minimax-SECRET-4242"


def test_dumpd_refers_to_minimax_env_var() -> None:
    model = ChatMiniMax(api_key=KEY, model="MiniMax-M2.5", reasoning_split=False)
    serialized = dumpd(model)
    assert serialized["id"] == ["langchain_minimax", "chat_models", "ChatMiniMax"]
    assert serialized["kwargs"]["minimax_api_key"] == {
        "lc": 1,
        "type": "secret",
        "id": ["MINIMAX_API_KEY"],
    }
    assert "openai_api_key" not in serialized["kwargs"]
    assert KEY not in json.dumps(serialized)


def test_load_round_trip_with_explicit_allowlist() -> None:
    model = ChatMiniMax(api_key=KEY, model="MiniMax-M2.5", reasoning_split=False)
    loaded = load(
        dumpd(model),
        allowed_objects=[ChatMiniMax],
        valid_namespaces=["langchain_minimax"],
        secrets_map={"MINIMAX_API_KEY": KEY},
    )
    assert isinstance(loaded, ChatMiniMax)
    assert loaded.model_name == "MiniMax-M2.5"
    assert loaded.reasoning_split is False
    assert loaded.minimax_api_key is not None
    assert loaded.minimax_api_key.get_secret_value() == KEY
    assert loaded.asdict() == model.asdict()


def test_load_reads_key_from_env() -> None:
    serialized = dumpd(ChatMiniMax(api_key=KEY))
    with mock.patch.dict(os.environ, {"MINIMAX_API_KEY": "from-env"}):
        loaded = load(
            serialized,
            allowed_objects=[ChatMiniMax],
            valid_namespaces=["langchain_minimax"],
            secrets_from_env=True,
        )
    assert loaded.minimax_api_key.get_secret_value() == "from-env"


def test_key_in_no_repr_str_dump_or_tracing_params() -> None:
    model = ChatMiniMax(api_key=KEY)
    places = [
        repr(model),
        str(model),
        dumps(model),
        json.dumps(model.asdict(), default=str),
        json.dumps(model._get_ls_params(), default=str),
        json.dumps(model._identifying_params, default=str),
        repr(model.model_dump()),
    ]
    for place in places:
        assert KEY not in place
    assert model.minimax_api_key is not None
    assert model.minimax_api_key.get_secret_value() == KEY


def test_langsmith_params() -> None:
    params = ChatMiniMax(api_key=KEY, temperature=0.7)._get_ls_params()
    assert params["ls_provider"] == "minimax"
    assert params["ls_model_name"] == "MiniMax-M2"
    assert params["ls_temperature"] == 0.7


def test_the_near_misses_docs_warn_about() -> None:
    """docs/chat_minimax.md: each of the three loading arguments is needed."""
    saved = dumps(ChatMiniMax(api_key=KEY, model="MiniMax-M2.7"))
    needed: dict = {
        "valid_namespaces": ["langchain_minimax"],
        "allowed_objects": [ChatMiniMax],
        "secrets_from_env": True,
    }
    with mock.patch.dict(os.environ, {"MINIMAX_API_KEY": KEY}):
        assert loads(saved, **needed).model_name == "MiniMax-M2.7"
        without_namespaces = {**needed, "valid_namespaces": None}
        with pytest.raises(ValueError, match="Invalid namespace") as printed:
            loads(saved, **without_namespaces)
        assert KEY in str(printed.value)  # why the docs insist on it
        for left_out, error in [
            ("allowed_objects", "is not allowed"),
            ("secrets_from_env", "API key not found"),
        ]:
            partial = {k: v for k, v in needed.items() if k != left_out}
            with pytest.raises(ValueError, match=error):
                loads(saved, **partial)
