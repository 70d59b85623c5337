"""Structured output on the real service, for every method and schema kind."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel
from typing_extensions import TypedDict

pytestmark = pytest.mark.requires_key


class Joke(BaseModel):
    """A joke with its punchline."""

    setup: str
    punchline: str


class JokeDict(TypedDict):
    """A joke with its punchline."""

    setup: str
    punchline: str


JOKE_SCHEMA = {
    "title": "joke",
    "description": "A joke with its punchline.",
    "type": "object",
    "properties": {"setup": {"type": "string"}, "punchline": {"type": "string"}},
    "required": ["setup", "punchline"],
}


@pytest.mark.parametrize("schema", [Joke, JokeDict, JOKE_SCHEMA])
@pytest.mark.parametrize("method", ["function_calling", "json_schema", "json_mode"])
@pytest.mark.parametrize("split", [True, False])
def test_structured_output(
    make_live_model: Any, schema: Any, method: str, split: bool
) -> None:
    structured = make_live_model(reasoning_split=split).with_structured_output(
        schema, method=method
    )
    prompt = "Tell me a joke about cats, with a setup and a punchline."
    result = structured.invoke(prompt)
    if schema is Joke:
        assert isinstance(result, Joke)
    else:
        assert set(result) >= {"setup", "punchline"}
    streamed = list(structured.stream(prompt))
    assert len(streamed) == 1
