"""The emulator against the protocol-level cases of MiniMax's M3 conformance suite.

MiniMax's `MiniMax-Provider-Verifier` (`m3_format_check/m3_text_tests.py` and
`m3_stream_tests.py`) checks that an endpoint speaks M3's wire protocol. The
cases that judge the protocol, not the model's wording, are re-written here as
data (`data/m3_conformance.json`: request, the statuses the suite accepts,
`expect_status` (the one status the deterministic emulator must answer, one
of those), checks, and a scripted reply where the case needs the model to
call a tool or write more than a `max_tokens` limit), with checks of our own
below. Nothing is fetched at test time. docs/testing.md
("Conformance report") lists the cases run and the cases left out, and why;
`test_the_report_lists_every_case` keeps it in step with the data.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from langchain_minimax.testing import MiniMaxEmulator, Reply, ToolCall

pytestmark = pytest.mark.enable_socket

ROOT = Path(__file__).resolve().parents[2]
DATA = json.loads(
    (Path(__file__).parent / "data" / "m3_conformance.json").read_text("utf-8")
)
KEY = "conformance-key"
FINISH_REASONS = ("stop", "length", "tool_calls", "content_filter")

Result = dict[str, Any]
"""`status`, and `body` (a JSON object) or `chunks` (parsed stream events; the
`[DONE]` marker as `{"_done": True}`)."""


def expand(value: Any) -> Any:
    """Expand the data file's shorthands: `$repeat` [text, n] and `$json`."""
    if isinstance(value, dict):
        if "$repeat" in value:
            text, times = value["$repeat"]
            return text * times
        if "$json" in value:
            return json.dumps(expand(value["$json"]))
        return {key: expand(item) for key, item in value.items()}
    if isinstance(value, list):
        return [expand(item) for item in value]
    return value


def scripted(reply: dict[str, Any]) -> Reply:
    calls = [ToolCall(c["name"], c["arguments"]) for c in reply.get("tool_calls", [])]
    return Reply(**{**expand(reply), "tool_calls": calls})


def send(emu: MiniMaxEmulator, body: dict[str, Any], auth: str | None) -> Result:
    headers = {"Content-Type": "application/json"}
    if auth != "missing":
        key = "sk-invalid-key-12345" if auth == "invalid" else KEY
        headers["Authorization"] = f"Bearer {key}"
    request = urllib.request.Request(
        f"{emu.base_url}/chat/completions",
        data=json.dumps(body).encode(),
        headers=headers,
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, data = response.status, response.read()
    except urllib.error.HTTPError as error:
        return {"status": error.code, "body": json.loads(error.read())}
    if not body.get("stream"):
        return {"status": status, "body": json.loads(data)}
    chunks = []
    for event in data.decode("utf-8").split("\n\n")[:-1]:
        payload = event.removeprefix("data: ")
        chunks.append({"_done": True} if payload == "[DONE]" else json.loads(payload))
    return {"status": status, "chunks": chunks}


# --- reading a result ---


def data_chunks(result: Result) -> list[dict[str, Any]]:
    return [chunk for chunk in result["chunks"] if not chunk.get("_done")]


def message(result: Result) -> dict[str, Any]:
    """The answer: the message, or the one rebuilt from the stream's deltas."""
    if "body" in result:
        choices = result["body"].get("choices") or [{}]
        rebuilt: dict[str, Any] = choices[0].get("message") or {}
        return rebuilt
    rebuilt = {"content": "", "reasoning_content": "", "tool_calls": []}
    calls: dict[int, dict[str, str]] = {}
    for chunk in data_chunks(result):
        for choice in chunk.get("choices") or []:
            delta = choice.get("delta") or {}
            rebuilt["content"] += delta.get("content") or ""
            rebuilt["reasoning_content"] += delta.get("reasoning_content") or ""
            for call in delta.get("tool_calls") or []:
                slot = calls.setdefault(
                    call.get("index", 0), {"id": "", "name": "", "arguments": ""}
                )
                slot["id"] = call.get("id") or slot["id"]
                function = call.get("function") or {}
                slot["name"] += function.get("name") or ""
                slot["arguments"] += function.get("arguments") or ""
    rebuilt["tool_calls"] = [
        {"id": c["id"], "function": {"name": c["name"], "arguments": c["arguments"]}}
        for _, c in sorted(calls.items())
    ]
    return rebuilt


def finish_reason(result: Result) -> Any:
    if "body" in result:
        return result["body"]["choices"][0].get("finish_reason")
    for chunk in reversed(data_chunks(result)):
        choices = chunk.get("choices") or []
        if choices and choices[0].get("finish_reason") is not None:
            return choices[0]["finish_reason"]
    return None


def usage(result: Result) -> dict[str, Any]:
    if "body" in result:
        found: dict[str, Any] = result["body"]["usage"]
        return found
    found = [chunk["usage"] for chunk in data_chunks(result) if chunk.get("usage")][-1]
    return found


def tool_calls(result: Result) -> list[tuple[str, str, Any]]:
    """(id, name, parsed arguments or None) of each tool call of the answer."""
    calls = []
    for call in message(result).get("tool_calls") or []:
        raw = call["function"]["arguments"] or ""
        try:
            arguments = json.loads(raw) if raw.strip() else {}
        except ValueError:
            arguments = None
        calls.append((call.get("id") or "", call["function"]["name"], arguments))
    return calls


# --- the checks a case names ---

Check = Callable[[Result, dict[str, Any], MiniMaxEmulator], None]


def check_success(result: Result, case: dict[str, Any], emu: MiniMaxEmulator) -> None:
    if "body" in result:
        assert result["body"]["choices"]
        assert "usage" in result["body"]
    else:
        assert data_chunks(result)
        assert finish_reason(result) in FINISH_REASONS


def check_fields(result: Result, case: dict[str, Any], emu: MiniMaxEmulator) -> None:
    body = result["body"]
    assert {"id", "model", "created", "choices", "usage"} <= set(body)
    assert body["object"] == "chat.completion"
    assert {"index", "finish_reason", "message"} <= set(body["choices"][0])
    assert {"prompt_tokens", "completion_tokens", "total_tokens"} <= set(body["usage"])


def check_usage_math(
    result: Result, case: dict[str, Any], emu: MiniMaxEmulator
) -> None:
    found = usage(result)
    assert found["total_tokens"] == found["prompt_tokens"] + found["completion_tokens"]
    cached = (found.get("prompt_tokens_details") or {}).get("cached_tokens", 0)
    assert 0 <= cached <= found["prompt_tokens"]


def check_usage_types(
    result: Result, case: dict[str, Any], emu: MiniMaxEmulator
) -> None:
    for name in ("prompt_tokens", "completion_tokens", "total_tokens"):
        value = usage(result)[name]
        assert type(value) is int, name
        assert value >= 0, name


def check_usage_positive(
    result: Result, case: dict[str, Any], emu: MiniMaxEmulator
) -> None:
    found = usage(result)
    assert min(found[n] for n in ("prompt_tokens", "completion_tokens")) > 0


def check_usage_only_last(
    result: Result, case: dict[str, Any], emu: MiniMaxEmulator
) -> None:
    chunks = data_chunks(result)
    assert chunks[-1].get("usage")
    assert not [chunk for chunk in chunks[:-1] if chunk.get("usage")]


def check_same_prompt_tokens_non_stream(
    result: Result, case: dict[str, Any], emu: MiniMaxEmulator
) -> None:
    body = {**expand(case["body"]), "model": DATA["model"], "stream": False}
    body.pop("stream_options")
    other = send(emu, body, None)
    assert other["body"]["usage"]["prompt_tokens"] == usage(result)["prompt_tokens"]


def check_done(result: Result, case: dict[str, Any], emu: MiniMaxEmulator) -> None:
    assert result["chunks"][-1] == {"_done": True}


def check_chunk_fields(
    result: Result, case: dict[str, Any], emu: MiniMaxEmulator
) -> None:
    for chunk in data_chunks(result):
        assert {"id", "choices", "object"} <= set(chunk)


def check_content(result: Result, case: dict[str, Any], emu: MiniMaxEmulator) -> None:
    assert message(result).get("content")


def _thinking(result: Result) -> bool:
    answer = message(result)
    return "<think>" in (answer.get("content") or "") or bool(
        (answer.get("reasoning_content") or "").strip()
    )


def check_thinking_absent(
    result: Result, case: dict[str, Any], emu: MiniMaxEmulator
) -> None:
    assert not _thinking(result)


def check_thinking_present(
    result: Result, case: dict[str, Any], emu: MiniMaxEmulator
) -> None:
    assert _thinking(result)


def check_tool_call(result: Result, case: dict[str, Any], emu: MiniMaxEmulator) -> None:
    # The structure: a named call with JSON-object arguments that carry what
    # the case asked for and the tool's required fields. Which tool a model
    # picks is not judged: the reply is scripted.
    tools = {t["function"]["name"]: t["function"] for t in case["body"]["tools"]}
    calls = tool_calls(result)
    assert calls
    for _, name, arguments in calls:
        assert name in tools
        assert isinstance(arguments, dict)
        required = tools[name].get("parameters", {}).get("required", [])
        assert set(required) <= set(arguments)
    expected = case.get("expect_args", {})
    assert calls[0][2].items() >= expected.items()


def check_finish_tool_calls(
    result: Result, case: dict[str, Any], emu: MiniMaxEmulator
) -> None:
    assert finish_reason(result) == "tool_calls"


def token_limit(emu: MiniMaxEmulator) -> int:
    """The output limit of the request just sent: `max_completion_tokens`, else
    `max_tokens` (MiniMax deprecates the latter)."""
    body = emu.requests[-1].body or {}
    limit: int = body.get("max_completion_tokens", body.get("max_tokens"))
    return limit


def check_finish_length(
    result: Result, case: dict[str, Any], emu: MiniMaxEmulator
) -> None:
    assert finish_reason(result) == "length"
    assert usage(result)["completion_tokens"] == token_limit(emu)


def check_within_limit(
    result: Result, case: dict[str, Any], emu: MiniMaxEmulator
) -> None:
    assert usage(result)["completion_tokens"] <= token_limit(emu)


def check_error(result: Result, case: dict[str, Any], emu: MiniMaxEmulator) -> None:
    # MiniMax's error body (minimax-api.md, "Errors"): the HTTP status again
    # as `http_code`, the MiniMax code as the message's "(NNNN)" suffix,
    # 2013 (invalid parameters) for every 400.
    body = result["body"]
    assert body["type"] == "error"
    assert body["error"]["http_code"] == str(result["status"])
    code = re.search(r"\((\d{4})\)$", body["error"]["message"])
    assert code
    assert result["status"] != 400 or code[1] == "2013"


def check_moderation_flags(
    result: Result, case: dict[str, Any], emu: MiniMaxEmulator
) -> None:
    body = result["body"]
    for name in ("input_sensitive", "output_sensitive"):
        assert type(body[name]) is bool, name
    for name in ("input_sensitive_type", "output_sensitive_type"):
        assert type(body[name]) is int, name


def check_distinct_tool_ids(
    result: Result, case: dict[str, Any], emu: MiniMaxEmulator
) -> None:
    ids = [call_id for call_id, _, _ in tool_calls(result)]
    assert len(ids) >= 2
    assert all(ids)
    assert len(set(ids)) == len(ids)


def check_tool_chunks(
    result: Result, case: dict[str, Any], emu: MiniMaxEmulator
) -> None:
    assert any(
        (chunk.get("choices") or [{}])[0].get("delta", {}).get("tool_calls")
        for chunk in data_chunks(result)
    )


def check_no_invented_call(
    result: Result, case: dict[str, Any], emu: MiniMaxEmulator
) -> None:
    if result["status"] == 200:
        assert "nonexistent_tool" not in [name for _, name, _ in tool_calls(result)]


def check_no_mixed_deltas(
    result: Result, case: dict[str, Any], emu: MiniMaxEmulator
) -> None:
    for chunk in data_chunks(result):
        for choice in chunk.get("choices") or []:
            delta = choice.get("delta") or {}
            assert not (delta.get("content") and delta.get("reasoning_content"))


def packet_lengths(result: Result, scenario: str) -> list[list[int]]:
    """Non-empty fragment lengths the scenario's rule applies to.

    Content scenarios measure `delta.content`; tool-call scenarios measure the
    arguments, per call for the parallel scenario (the suite checks each).
    """
    per_call: dict[int, list[int]] = {}
    content: list[int] = []
    for chunk in data_chunks(result):
        for choice in chunk.get("choices") or []:
            delta = choice.get("delta") or {}
            content.append(len(delta.get("content") or ""))
            for call in delta.get("tool_calls") or []:
                piece = (call.get("function") or {}).get("arguments") or ""
                per_call.setdefault(call.get("index", 0), []).append(len(piece))
    if scenario == "content":
        groups = [content]
    else:
        groups = [[n for lengths in per_call.values() for n in lengths]]
        if scenario == "parallel_5_tool_calls":
            groups += list(per_call.values())
    return [[length for length in group if length > 0] for group in groups]


def check_packets(result: Result, scenario: str) -> None:
    rule = DATA["packet_rules"][scenario]
    for lengths in packet_lengths(result, scenario):
        assert lengths
        tiny = [n for n in lengths if n <= 4]
        normal = [n for n in lengths if 5 <= n <= 200]
        large = [n for n in lengths if n > 200]
        assert len(tiny) / len(lengths) <= rule["tiny_packets_max"]
        assert len(normal) / len(lengths) >= rule["normal_packets_min"]
        assert len(large) / len(lengths) <= rule["large_packets_max"]
        assert sum(normal) / sum(lengths) >= rule["normal_chars_min"]
        assert sum(large) / sum(lengths) <= rule["large_chars_max"]


CHECKS: dict[str, Check] = {
    name.removeprefix("check_"): function
    for name, function in dict(globals()).items()
    if name.startswith("check_") and name != "check_packets"
}


def run_check(
    name: str, result: Result, case: dict[str, Any], emu: MiniMaxEmulator
) -> None:
    if name.startswith("packets:"):
        check_packets(result, name.removeprefix("packets:"))
    else:
        CHECKS[name](result, case, emu)


# --- the runner ---


@pytest.fixture(scope="module")
def server() -> Iterator[MiniMaxEmulator]:
    with MiniMaxEmulator(api_key=KEY) as emulator:
        yield emulator


@pytest.mark.parametrize(
    "case", DATA["cases"], ids=[f"{c['suite'][:-9]}:{c['id']}" for c in DATA["cases"]]
)
def test_conformance_case(server: MiniMaxEmulator, case: dict[str, Any]) -> None:
    server.reset()
    for overrides in case.get("variants", [{}]):
        if "reply" in case:
            server.add_reply(scripted(case["reply"]))
        body = {
            "model": DATA["model"],
            **expand(case["body"]),
            **expand(overrides),
            "stream": case["stream"],
        }
        result = send(server, body, case.get("auth"))
        assert result["status"] == case["expect_status"], (overrides, result)
        for name in case["checks"]:
            run_check(name, result, case, server)


def report_section() -> str:
    text = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    return text.split("## Conformance report", 1)[1].split("\n## ", 1)[0]


def test_the_report_lists_every_case() -> None:
    report = report_section()
    for case in DATA["cases"]:
        assert f"`{case['id'].split('[')[0]}`" in report, case["id"]
    for entry in DATA["left_out"]:
        assert entry["cases"] in report, entry
        assert entry["reason"] in report, entry
    assert f"{len(DATA['cases'])} cases run" in report
    checks = [case["checks"] for case in DATA["cases"]]
    assert all(checks), "a case checks nothing beyond its status"
    error, shape = checks.count(["error"]), checks.count(["success"])
    assert f"**{len(checks) - error - shape} check content particular" in report
    assert f"**{shape} check only the completion's shape**" in report
    assert f"**{error} check MiniMax's error body**" in report
    several = sum(len(case["status"]) > 1 for case in DATA["cases"])
    assert f"suite accepts several ({several} cases," in " ".join(report.split())


def test_each_expected_status_is_one_the_suite_accepts() -> None:
    for case in DATA["cases"]:
        assert case["expect_status"] in case["status"], case["id"]


def test_every_named_check_exists() -> None:
    for case in DATA["cases"]:
        for name in case["checks"]:
            assert name in CHECKS or (
                name.startswith("packets:")
                and name.removeprefix("packets:") in DATA["packet_rules"]
            ), name
