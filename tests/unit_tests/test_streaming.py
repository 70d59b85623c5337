"""Stream normalization without HTTP: chunks add up to the non-streamed message.

The property tests cut random reasoning, answer and tool-call texts at random
boundaries into MiniMax-shaped chunk dicts (every reasoning fragment repeating
type/id/format, as the service does), run them through ChatMiniMax's chunk
conversion and the per-stream state, add the chunks with the standard `+`, and
compare with what `invoke` makes of the equivalent non-streamed response, sent
through the model's real `openai` client (response checks included).
"""

from __future__ import annotations

import itertools
import json
from typing import Any, TypeVar

import httpx2 as httpx
from hypothesis import example, given, settings
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk

from langchain_minimax import ChatMiniMax
from langchain_minimax.reader import ReadOptions, StreamReader

GenerationT = TypeVar("GenerationT", bound=ChatGeneration)

MODEL = ChatMiniMax(api_key="k")
DETAIL_HEAD = {
    "type": "reasoning.text",
    "id": "reasoning-text-1",
    "format": "MiniMax-response-v1",
}
USAGE = {
    "prompt_tokens": 11,
    "completion_tokens": 7,
    "total_tokens": 18,
    "total_characters": 0,
    "completion_tokens_details": {"reasoning_tokens": 5},
    "prompt_tokens_details": {"cached_tokens": 3},
}


def _cut(text: str, cuts: list[int]) -> list[str]:
    points = sorted({c % (len(text) + 1) for c in cuts} | {0, len(text)})
    return [text[a:b] for a, b in itertools.pairwise(points)] or [""]


def _finish(calls: list[tuple[str, str]], finish: str | None) -> str:
    return finish or ("tool_calls" if calls else "stop")


def _full_response(
    reasoning: str,
    answer: str,
    calls: list[tuple[str, str]],
    split: bool,
    finish: str | None = None,
) -> dict[str, Any]:
    message: dict[str, Any] = {
        "role": "assistant",
        "name": "MiniMax AI",
        "audio_content": "",
        "content": answer if split or not reasoning else _inline(reasoning, answer),
    }
    if split and reasoning:
        message["reasoning_content"] = reasoning
        message["reasoning_details"] = [{**DETAIL_HEAD, "index": 0, "text": reasoning}]
    if calls:
        message["tool_calls"] = [
            {
                "id": f"call_function_1_{i}",
                "type": "function",
                "function": {"name": name, "arguments": args},
            }
            for i, (name, args) in enumerate(calls, 1)
        ]
    return {
        **_said_response(message, _finish(calls, finish)),
        "base_resp": {"status_code": 0, "status_msg": ""},
    }


def _inline(reasoning: str, answer: str) -> str:
    return f"<think>\n{reasoning}\n</think>\n\n{answer}"


def _chunks(
    reasoning: str,
    answer: str,
    calls: list[tuple[str, str]],
    split: bool,
    cuts: list[int],
    finish: str | None = None,
) -> list[dict[str, Any]]:
    deltas: list[dict[str, Any]] = []
    if split and reasoning:
        deltas += [
            {
                "reasoning_content": piece,
                "reasoning_details": [{**DETAIL_HEAD, "index": 0, "text": piece}],
            }
            for piece in _cut(reasoning, cuts)
        ]
    text = answer if split or not reasoning else _inline(reasoning, answer)
    deltas += [{"content": piece} for piece in _cut(text, cuts) if piece]
    for i, (name, args) in enumerate(calls):
        pieces = _cut(args, cuts)
        deltas.append(
            {
                "tool_calls": [
                    {
                        "index": i,
                        "id": f"call_function_1_{i + 1}",
                        "type": "function",
                        "function": {"name": name, "arguments": pieces[0]},
                    }
                ]
            }
        )
        deltas += [
            {"tool_calls": [{"index": i, "function": {"arguments": piece}}]}
            for piece in pieces[1:]
        ]
    deltas = deltas or [{"content": ""}]
    chunks = []
    for n, delta in enumerate(deltas):
        role = "assistant" if n == 0 else ("" if n % 2 else "assistant")
        choice: dict[str, Any] = {
            "index": 0,
            "delta": {"role": role, "name": "MiniMax AI", "audio_content": "", **delta},
        }
        if n == len(deltas) - 1:
            choice["finish_reason"] = _finish(calls, finish)
        chunks.append({"id": "x", "model": "MiniMax-M2", "choices": [choice]})
    chunks.append({"id": "x", "choices": [], "usage": USAGE})
    return chunks


def _stream(
    chunks: list[dict[str, Any]], state: StreamReader | None = None
) -> AIMessageChunk:
    state = state or StreamReader()
    out: list[ChatGenerationChunk] = []
    for raw in chunks:
        gen = MODEL._convert_chunk_to_generation_chunk(raw, AIMessageChunk, {})
        assert gen is not None
        out.append(_with_metadata(state.process(gen)))
    if last := state.flush():
        out.append(last)
    total = out[0].message
    for gen in out[1:]:
        total = total + gen.message
    # langchain-core closes every stream with this chunk.
    total = total + AIMessageChunk(content="", chunk_position="last")
    assert isinstance(total, AIMessageChunk)
    return total


def _with_metadata(generation: GenerationT) -> GenerationT:
    """Move `generation_info` into `response_metadata`, as langchain-core does."""
    message = generation.message
    message.response_metadata = {
        **(generation.generation_info or {}),
        **message.response_metadata,
    }
    return generation


def _invoke(response: dict[str, Any]) -> AIMessage:
    """`invoke` over a transport that answers with `response`."""
    model = ChatMiniMax(
        api_key="k",
        max_retries=0,
        http_client=httpx.Client(
            transport=httpx.MockTransport(lambda _: httpx.Response(200, json=response))
        ),
    )
    message = model.invoke("q")
    assert isinstance(message, AIMessage)
    return message


def _assert_same(streamed: AIMessageChunk, invoked: AIMessage) -> None:
    assert streamed.content == invoked.content
    for key in ("reasoning_details", "reasoning_content"):
        assert streamed.additional_kwargs.get(key) == invoked.additional_kwargs.get(
            key
        ), key
    assert streamed.tool_calls == invoked.tool_calls
    _assert_same_invalid(streamed, invoked)
    assert streamed.usage_metadata == invoked.usage_metadata
    assert (
        streamed.response_metadata["finish_reason"]
        == invoked.response_metadata["finish_reason"]
    )
    assert streamed.content_blocks == invoked.content_blocks


def _assert_same_invalid(streamed: AIMessageChunk, invoked: AIMessage) -> None:
    """Invalid calls are the same calls, with the raw arguments kept.

    Arguments that langchain-core's chunk addition would repair carry up to
    three more characters that keep them broken (see `tool_calls`).
    """
    assert len(streamed.invalid_tool_calls) == len(invoked.invalid_tool_calls)
    for got, expected in zip(
        streamed.invalid_tool_calls, invoked.invalid_tool_calls, strict=True
    ):
        assert (got["id"], got["name"]) == (expected["id"], expected["name"])
        assert got["args"] is not None
        assert expected["args"] is not None
        assert got["args"].startswith(expected["args"])
        assert len(got["args"]) - len(expected["args"]) <= 3


json_args = st.dictionaries(st.text(max_size=5), st.text(max_size=8), max_size=3).map(
    lambda d: json.dumps(d, ensure_ascii=False)
)


def _parses(text: str) -> bool:
    try:
        json.loads(text, strict=False)
    except ValueError:
        return False
    return True


def _non_object(text: str | None) -> bool:
    return text is not None and _parses(text) and not text.lstrip().startswith("{")


cut_args = st.tuples(json_args, st.integers(min_value=0)).map(
    lambda pair: pair[0][: pair[1] % len(pair[0])]
)
"""Valid arguments cut short, as `max_tokens` cuts them."""
not_json_args = st.one_of(
    st.text(alphabet='{}[]":,\\ ab1\n', max_size=12),
    json_args.map(lambda args: args + " " + args),
).filter(lambda text: not _parses(text))
"""Arguments that are not JSON: brackets and quotes in any order, two objects."""
non_object_args = st.one_of(
    st.sampled_from(["null", "0", "false", "true", "[]", '""', '"x"', "[1, 2]"]),
    st.lists(st.integers(), max_size=2).map(json.dumps),
    st.text(max_size=5).map(json.dumps),
)
"""Arguments that are JSON but not an object, falsy ones included."""
calls_strategy = st.lists(
    st.tuples(
        st.sampled_from(["get_weather", "add"]),
        st.one_of(json_args, cut_args, not_json_args, non_object_args),
    ),
    max_size=3,
)
cuts_strategy = st.lists(st.integers(min_value=0, max_value=10_000), max_size=30)


@settings(max_examples=200, deadline=None)
@given(
    reasoning=st.text(max_size=60),
    answer=st.text(max_size=60),
    calls=calls_strategy,
    split=st.booleans(),
    cuts=cuts_strategy,
    finish=st.sampled_from([None, "length"]),
)
def test_stream_adds_up_to_invoke(
    reasoning: str,
    answer: str,
    calls: list[tuple[str, str]],
    split: bool,
    cuts: list[int],
    finish: str | None,
) -> None:
    """Any reply, cut anywhere, sums to what `invoke` gives.

    The replies mix reasoning in both modes, parallel tool calls and arguments
    that are valid, cut short, not JSON at all or JSON but not an object; a
    broken call is never valid, in the sum or from `invoke`.
    """
    streamed = _stream(_chunks(reasoning, answer, calls, split, cuts, finish))
    invoked = _invoke(_full_response(reasoning, answer, calls, split, finish))
    _assert_same(streamed, invoked)
    # Arguments that are JSON but not an object are invalid calls, kept raw.
    assert [
        call["args"] for call in invoked.invalid_tool_calls if _non_object(call["args"])
    ] == [args for _, args in calls if _non_object(args)]


@settings(max_examples=80, deadline=None)
@given(
    reasoning=st.text(alphabet="<>/thinkab \n", min_size=1, max_size=40),
    answer=st.text(alphabet="<>/thinkab \n", max_size=40),
    cuts=cuts_strategy,
)
def test_inline_tags_cut_anywhere(reasoning: str, answer: str, cuts: list[int]) -> None:
    """Reasoning and answers made of tag fragments, cut at every position."""
    if "</think>" in reasoning:
        return
    streamed = _stream(_chunks(reasoning, answer, [], False, cuts))
    invoked = _invoke(_full_response(reasoning, answer, [], False))
    _assert_same(streamed, invoked)
    assert streamed.additional_kwargs["reasoning_content"] == reasoning


@settings(max_examples=60, deadline=None)
@given(
    inner=st.text(alphabet="<>/thinkab \n", max_size=30),
    cuts=cuts_strategy,
)
def test_inline_think_block_cut_by_max_tokens(inner: str, cuts: list[int]) -> None:
    """A think block `max_tokens` cut before `</think>`: the same reasoning."""
    content = "<think>" + inner
    if "</think>" in content:
        return
    streamed = _stream(_chunks("", content, [], False, cuts, "length"))
    invoked = _invoke(_full_response("", content, [], False, "length"))
    _assert_same(streamed, invoked)
    # Only the newline after <think> is framing: a cut block has no closing one.
    assert invoked.additional_kwargs["reasoning_content"] == inner.removeprefix("\n")


def test_one_char_chunks_reasoning_details_rebuilt_exactly() -> None:
    reasoning = "Let me think about a and and."
    chunks = _chunks(reasoning, "Done.", [], True, list(range(100)))
    streamed = _stream(chunks)
    assert streamed.additional_kwargs["reasoning_details"] == [
        {**DETAIL_HEAD, "index": 0, "text": reasoning}
    ]
    assert streamed.additional_kwargs["reasoning_content"] == reasoning


def test_each_inline_chunk_is_told_apart() -> None:
    chunks = _chunks("ab", "cd", [], False, list(range(100)))
    state = StreamReader()
    reasoning, text = "", ""
    for raw in chunks:
        gen = state.process(
            MODEL._convert_chunk_to_generation_chunk(raw, AIMessageChunk, {})  # type: ignore[arg-type]
        )
        for block in gen.message.content_blocks:
            if block["type"] == "reasoning":
                reasoning += block["reasoning"]
            elif block["type"] == "text":
                text += block["text"]
    # The framing newlines are in neither: they are part of the tags.
    assert reasoning == "ab"
    assert text == "\n\ncd"


def test_zero_usage_on_every_chunk_does_not_corrupt_total() -> None:
    zero = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
    chunks = _chunks("r", "a", [], True, [])
    for chunk in chunks[:-1]:
        chunk["usage"] = zero
    streamed = _stream(chunks)
    assert streamed.usage_metadata is not None
    assert streamed.usage_metadata["input_tokens"] == 11
    assert streamed.usage_metadata["output_tokens"] == 7
    assert streamed.usage_metadata["output_token_details"]["reasoning"] == 5
    assert streamed.usage_metadata["input_token_details"]["cache_read"] == 3


def test_state_records_finish_reason() -> None:
    state = StreamReader()
    for raw in _chunks("r", "a", [], True, []):
        gen = MODEL._convert_chunk_to_generation_chunk(raw, AIMessageChunk, {})
        assert gen is not None
        state.process(gen)
    assert state.finish_reason == "stop"
    assert StreamReader().finish_reason is None


def _processed(raws: list[dict[str, Any]]) -> list[ChatGenerationChunk]:
    state = StreamReader()
    gens = [
        state.process(gen)
        for raw in raws
        if (gen := MODEL._convert_chunk_to_generation_chunk(raw, AIMessageChunk, {}))
    ]
    if last := state.flush():
        gens.append(last)
    return gens


def test_reasoning_details_come_whole_on_the_finishing_chunk() -> None:
    """Pieces stream in reasoning_content; the entry arrives once, complete."""
    raws = _chunks("abcdef", "Hi", [], True, [2, 4])
    sent = json.dumps(raws)
    gens = _processed(raws)
    pieces = [g.message.additional_kwargs.get("reasoning_content") for g in gens]
    assert pieces[:3] == ["ab", "cd", "ef"]
    carrying = [g for g in gens if "reasoning_details" in g.message.additional_kwargs]
    assert len(carrying) == 1
    assert carrying[0].generation_info
    assert carrying[0].generation_info["finish_reason"] == "stop"
    assert carrying[0].message.additional_kwargs["reasoning_details"] == [
        {**DETAIL_HEAD, "index": 0, "text": "abcdef"}
    ]
    assert json.dumps(raws) == sent  # The received dicts are not changed.


def test_reasoning_details_of_several_indexes_and_without_index() -> None:
    odd = {"type": "reasoning.summary", "summary": "s"}
    raws = [
        {"choices": [{"index": 0, "delta": {"reasoning_details": detail}}]}
        for detail in (
            [{**DETAIL_HEAD, "index": 0, "text": "a"}],
            [{**DETAIL_HEAD, "id": "r2", "index": 1, "text": "x"}],
            [{**DETAIL_HEAD, "index": 0, "text": "b"}, odd],
            [{**DETAIL_HEAD, "id": "r2", "index": 1, "text": "y"}],
        )
    ]
    raws.append({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    gens = _processed(raws)
    total = gens[0].message
    for gen in gens[1:]:
        total += gen.message
    # In the order they first arrived, as in a non-streamed response.
    assert total.additional_kwargs["reasoning_details"] == [
        {**DETAIL_HEAD, "index": 0, "text": "ab"},
        {**DETAIL_HEAD, "id": "r2", "index": 1, "text": "xy"},
        odd,
    ]


def test_reasoning_fragment_after_the_finishing_chunk_extends_its_entry() -> None:
    later = {**DETAIL_HEAD, "index": 0, "text": "c"}
    raws = [
        {"choices": [{"index": 0, "delta": {"reasoning_details": [detail]}}]}
        for detail in ({**DETAIL_HEAD, "index": 0, "text": "ab"},)
    ]
    raws.append({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    raws.append({"choices": [{"index": 0, "delta": {"reasoning_details": [later]}}]})
    gens = _processed(raws)
    total = gens[0].message
    for gen in gens[1:]:
        total += gen.message
    assert total.additional_kwargs["reasoning_details"] == [
        {**DETAIL_HEAD, "index": 0, "text": "abc"}
    ]


def test_stream_without_finish_reason_flushes_the_details() -> None:
    raws = _chunks("abc", "", [], True, [1])
    for raw in raws:
        for choice in raw.get("choices") or []:
            choice["finish_reason"] = None
    gens = _processed(raws)
    assert gens[-1].message.additional_kwargs["reasoning_details"] == [
        {**DETAIL_HEAD, "index": 0, "text": "abc"}
    ]
    assert gens[-1].message.response_metadata["model_provider"] == "minimax"
    assert all(
        "reasoning_details" not in g.message.additional_kwargs for g in gens[:-1]
    )


def test_reasoning_details_that_are_not_objects_keep_their_place() -> None:
    """A null fragment is not mistaken for a collected entry."""
    state = StreamReader()
    first = ChatGenerationChunk(
        message=AIMessageChunk(
            content="",
            additional_kwargs={
                "reasoning_details": [None, {**DETAIL_HEAD, "index": 0, "text": "a"}]
            },
        )
    )
    last = ChatGenerationChunk(
        message=AIMessageChunk(content=""), generation_info={"finish_reason": "stop"}
    )
    state.process(first)
    state.process(last)
    assert last.message.additional_kwargs["reasoning_details"] == [
        None,
        {**DETAIL_HEAD, "index": 0, "text": "a"},
    ]


# --- the shapes of other servers (issue 20): the same reader for both paths --

TOOL = {
    "type": "function",
    "function": {
        "name": "read_file",
        "description": "Read a file.",
        "parameters": {
            "type": "object",
            "properties": {
                "path": {"type": "string"},
                "start_line": {"type": "integer"},
            },
        },
    },
}
M3_TOKEN = "]<]minimax[>["


def _markup(calls: list[tuple[str, str, int]], *, m3: bool) -> str:
    """Raw tool-call markup for (name, path, start_line) calls."""
    token = M3_TOKEN if m3 else ""
    invokes = ""
    for name, path, line in calls:
        if m3:
            body = (
                f"{token}<path>{path}{token}</path>"
                f"{token}<start_line>{line}{token}</start_line>"
            )
        else:
            body = (
                f'\n<parameter name="path">{path}</parameter>\n'
                f'<parameter name="start_line">{line}</parameter>\n'
            )
        invokes += f'{token}<invoke name="{name}">{body}{token}</invoke>\n'
    if m3:
        return f"{token}<tool_call>\n{invokes}{token}</tool_call>"
    return f"<minimax:tool_call>\n{invokes}</minimax:tool_call>"


def _said_chunks(deltas: list[dict[str, Any]], finish: str) -> list[dict[str, Any]]:
    chunks = []
    for n, delta in enumerate(deltas or [{"content": ""}]):
        choice: dict[str, Any] = {"index": 0, "delta": {"role": "assistant", **delta}}
        if n == len(deltas or [{}]) - 1:
            choice["finish_reason"] = finish
        chunks.append({"id": "x", "model": "MiniMax-M2", "choices": [choice]})
    chunks.append({"id": "x", "choices": [], "usage": USAGE})
    return chunks


def _said_response(message: dict[str, Any], finish: str) -> dict[str, Any]:
    return {
        "id": "x",
        "object": "chat.completion",
        "model": "MiniMax-M2",
        "choices": [
            {
                "index": 0,
                "message": {**message, "role": "assistant"},
                "finish_reason": finish,
            }
        ],
        "usage": USAGE,
    }


def _stream_with(chunks: list[dict[str, Any]], *, split: bool, tools: bool) -> Any:
    options = ReadOptions.of_call(
        reasoning_split=split, tools=[TOOL] if tools else None
    )
    return _stream(chunks, StreamReader(options))


def _invoke_with(response: dict[str, Any], *, split: bool, tools: bool) -> AIMessage:
    model = ChatMiniMax(
        api_key="k",
        max_retries=0,
        reasoning_split=split,
        http_client=httpx.Client(
            transport=httpx.MockTransport(lambda _: httpx.Response(200, json=response))
        ),
    )
    runnable: Any = model.bind_tools([TOOL]) if tools else model
    message = runnable.invoke("q")
    assert isinstance(message, AIMessage)
    return message


def _assert_reads_alike(streamed: AIMessageChunk, invoked: AIMessage) -> None:
    _assert_same(streamed, invoked)
    assert [c["id"] for c in streamed.invalid_tool_calls] == [
        c["id"] for c in invoked.invalid_tool_calls
    ]


text = st.text(alphabet="<>/thinkab \n`]", max_size=30)
order_strategy = st.sampled_from(["inline-first", "structured-first", "same-delta"])


@settings(max_examples=120, deadline=None)
@given(
    reasoning=st.text(alphabet="<>/thinkab \n", min_size=1, max_size=30),
    answer=text,
    split=st.booleans(),
    order=order_strategy,
    cuts=cuts_strategy,
)
def test_doubled_reasoning_is_read_once(
    reasoning: str, answer: str, split: bool, order: str, cuts: list[int]
) -> None:
    """A think block in content and the same text in `reasoning_content`.

    M3 without `reasoning_split` (inline mode), and relays' leftover tags
    with it (split mode); in either order, or in the same delta.
    """
    if "</think>" in reasoning:
        return
    content = _inline(reasoning, answer)
    head = "<think>\n" + reasoning
    content_pieces = _cut(head, cuts) + [
        p for p in _cut(content[len(head) :], cuts) if p
    ]
    structured = [{"reasoning_content": p} for p in _cut(reasoning, cuts) if p]
    said = [{"content": p} for p in content_pieces if p]
    if order == "inline-first":
        deltas = (
            said[: len(_cut(head, cuts))] + structured + said[len(_cut(head, cuts)) :]
        )
    elif order == "structured-first":
        deltas = structured + said
    else:
        deltas = [
            {**a, **b} for a, b in itertools.zip_longest(said, structured, fillvalue={})
        ]
    streamed = _stream_with(_said_chunks(deltas, "stop"), split=split, tools=False)
    invoked = _invoke_with(
        _said_response({"content": content, "reasoning_content": reasoning}, "stop"),
        split=split,
        tools=False,
    )
    _assert_reads_alike(streamed, invoked)
    assert streamed.content == content
    assert invoked.additional_kwargs["reasoning_content"] == reasoning


@settings(max_examples=120, deadline=None)
@given(reasoning=text, answer=text, split=st.booleans(), cuts=cuts_strategy)
def test_opener_less_blocks(
    reasoning: str, answer: str, split: bool, cuts: list[int]
) -> None:
    """`reasoning\\n</think>\\n\\nanswer`: read alike, inline mode only."""
    content = f"{reasoning}\n</think>\n\n{answer}"
    deltas = [{"content": p} for p in _cut(content, cuts) if p]
    streamed = _stream_with(_said_chunks(deltas, "stop"), split=split, tools=False)
    invoked = _invoke_with(
        _said_response({"content": content}, "stop"), split=split, tools=False
    )
    _assert_reads_alike(streamed, invoked)
    assert invoked.content == content
    if not split and "<" not in reasoning:
        unframed = f"{reasoning}\n".removeprefix("\n").removesuffix("\n")
        assert invoked.additional_kwargs["reasoning_content"] == unframed
        assert invoked.text == content
    if split and not reasoning.startswith(("<think>", "<mm:think>")):
        assert "reasoning_content" not in invoked.additional_kwargs


THINK = ("think", "mm:think")

calls_markup = st.lists(
    st.tuples(
        st.sampled_from(["read_file", "write_file"]),
        st.text(alphabet="ab/.ä ", max_size=8),
        st.integers(min_value=-5, max_value=500),
    ),
    min_size=1,
    max_size=2,
)


@settings(max_examples=150, deadline=None)
@example(
    before="<think>",
    after="",
    calls=[("read_file", "", 0)],
    m3=False,
    fenced=False,
    cuts=[],
)
@given(
    before=text,
    after=st.sampled_from(["", "\n", " done"]),
    calls=calls_markup,
    m3=st.booleans(),
    fenced=st.booleans(),
    cuts=cuts_strategy,
)
def test_markup_cut_at_every_position(
    before: str,
    after: str,
    calls: list[tuple[str, str, int]],
    m3: bool,
    fenced: bool,
    cuts: list[int],
) -> None:
    """Raw tool-call markup, cut anywhere, reads as the same calls and text."""
    markup = _markup(calls, m3=m3)
    if fenced:
        markup = f"```\n{markup}\n```"
    content = before + markup + after
    deltas = [{"content": p} for p in _cut(content, cuts) if p]
    streamed = _stream_with(_said_chunks(deltas, "stop"), split=True, tools=True)
    invoked = _invoke_with(
        _said_response({"content": content}, "stop"), split=True, tools=True
    )
    _assert_reads_alike(streamed, invoked)
    if fenced or "```" in before:
        return
    if "<minimax:tool_call>" in before or M3_TOKEN in before:
        return
    if any(before.rfind(f"<{tag}>") > before.rfind(f"</{tag}>") for tag in THINK):
        # Markup after an unclosed think block is reasoning, never a call.
        assert not invoked.tool_calls
        return
    assert invoked.content == before + after
    bound = [(path, line) for name, path, line in calls if name == "read_file"]
    assert [
        (call["args"]["path"], call["args"]["start_line"])
        for call in invoked.tool_calls
    ] == [(path.removeprefix("\n").removesuffix("\n"), line) for path, line in bound]
    assert len(invoked.invalid_tool_calls) == len(calls) - len(bound)
    assert all(call["id"] for call in invoked.invalid_tool_calls)


@settings(max_examples=60, deadline=None)
@given(
    arguments=st.dictionaries(
        st.text(max_size=4), st.one_of(st.text(max_size=5), st.integers()), max_size=3
    ),
    in_finishing_chunk=st.booleans(),
)
def test_object_arguments(arguments: dict[str, Any], in_finishing_chunk: bool) -> None:
    """`function.arguments` as an object: the call it describes, both paths."""
    call = {
        "id": "call_function_1_1",
        "type": "function",
        "function": {"name": "read_file", "arguments": arguments},
    }
    deltas: list[dict[str, Any]] = [
        {"content": "\n"},
        {"tool_calls": [{**call, "index": 0}]},
    ]
    if not in_finishing_chunk:
        # The call before the chunk that carries finish_reason, not in it.
        deltas.append({"content": ""})
    streamed = _stream_with(_said_chunks(deltas, "tool_calls"), split=True, tools=True)
    invoked = _invoke_with(
        _said_response({"content": "\n", "tool_calls": [call]}, "tool_calls"),
        split=True,
        tools=True,
    )
    _assert_reads_alike(streamed, invoked)
    assert [c["args"] for c in invoked.tool_calls] == [arguments]


@settings(max_examples=120, deadline=None)
@given(
    first=st.text(alphabet="ab \n", min_size=32, max_size=50),
    more=st.lists(st.text(alphabet="abc \n", min_size=1, max_size=9), max_size=8),
    details=st.booleans(),
)
def test_cumulative_snapshots_read_on_proof(
    first: str, more: list[str], details: bool
) -> None:
    """Snapshots after a first piece of 32+ characters read as the text itself."""
    reasoning = first + "".join(more)
    sizes = itertools.accumulate([len(first), *map(len, more)])
    deltas = []
    for size in sizes:
        snapshot = reasoning[:size]
        delta: dict[str, Any] = {"reasoning_content": snapshot}
        if details:
            delta["reasoning_details"] = [{**DETAIL_HEAD, "index": 0, "text": snapshot}]
        deltas.append(delta)
    deltas.append({"content": "ok"})
    message: dict[str, Any] = {"content": "ok", "reasoning_content": reasoning}
    if details:
        message["reasoning_details"] = [{**DETAIL_HEAD, "index": 0, "text": reasoning}]
    streamed = _stream_with(_said_chunks(deltas, "stop"), split=True, tools=False)
    invoked = _invoke_with(_said_response(message, "stop"), split=True, tools=False)
    _assert_reads_alike(streamed, invoked)
    assert streamed.additional_kwargs["reasoning_content"] == reasoning


@settings(max_examples=120, deadline=None)
@given(pieces=st.lists(st.text(alphabet="and ", min_size=1, max_size=31), max_size=20))
def test_incremental_pieces_that_share_prefixes_are_never_changed(
    pieces: list[str],
) -> None:
    """ "a" then "and": increments of real text (pieces under 32 characters)."""
    reasoning = "".join(pieces)
    deltas: list[dict[str, Any]] = [
        {
            "reasoning_content": piece,
            "reasoning_details": [{**DETAIL_HEAD, "index": 0, "text": piece}],
        }
        for piece in pieces
    ] + [{"content": "ok"}]
    message: dict[str, Any] = {"content": "ok"}
    if reasoning:
        message["reasoning_content"] = reasoning
        message["reasoning_details"] = [{**DETAIL_HEAD, "index": 0, "text": reasoning}]
    streamed = _stream_with(_said_chunks(deltas, "stop"), split=True, tools=False)
    invoked = _invoke_with(_said_response(message, "stop"), split=True, tools=False)
    _assert_reads_alike(streamed, invoked)
    assert streamed.additional_kwargs.get("reasoning_content", "") == reasoning
