"""Every Python code block in README.md and docs/ runs, against the emulator.

Blocks of one file run in order in one namespace, like a notebook, with
`MINIMAX_API_KEY` and `MINIMAX_BASE_URL` pointing at a local emulator that
answers with `auto_responder`. A block whose fence reads ```` ```python
requires-key ```` talks to the real service and runs only when
`MINIMAX_API_KEY` was set before the test run. A block whose fence reads
```` ```python pytest ```` is a test file: it runs with pytest (`pytester`, in
this process: `run_pytest` in conftest.py), in an empty project where only the
installed package provides fixtures.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import inspect
import io
import os
import re
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from langchain_minimax.testing import MiniMaxEmulator, auto_responder

ROOT = Path(__file__).resolve().parents[2]
DOC_FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^ *```python([^\n]*)\n(.*?)^ *```", re.DOTALL | re.MULTILINE)
REAL_KEY = os.environ.get("MINIMAX_API_KEY")


def _blocks(text: str) -> list[tuple[int, str, str]]:
    return [
        (
            text.count("\n", 0, match.start()) + 1,
            match.group(1).strip(),
            textwrap.dedent(match.group(2)),
        )
        for match in FENCE.finditer(text)
    ]


def code_blocks(path: Path) -> list[tuple[int, str, str]]:
    """(line, info string, source) of each Python block in a Markdown file."""
    return _blocks(path.read_text(encoding="utf-8"))


def _public_docstrings() -> dict[str, str]:
    import langchain_minimax
    import langchain_minimax.testing as testing

    objects: dict[str, Any] = {
        "langchain_minimax.testing": testing,
        **{
            f"langchain_minimax.{n}": getattr(langchain_minimax, n)
            for n in langchain_minimax.__all__
        },
        **{
            f"langchain_minimax.testing.{n}": getattr(testing, n)
            for n in testing.__all__
        },
    }
    docs = {name: inspect.getdoc(obj) or "" for name, obj in objects.items()}
    for name, obj in list(objects.items()):
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if not attr.startswith("_") and callable(member):
                    docs[f"{name}.{attr}"] = inspect.getdoc(member) or ""
    return {name: doc for name, doc in docs.items() if "```python" in doc}


def _run_block(source: str, name: str, namespace: dict[str, Any], loop: Any) -> None:
    code = compile(source, name, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    result = eval(code, namespace)
    if asyncio.iscoroutine(result):
        loop.run_until_complete(result)


@pytest.mark.parametrize("name", sorted(_public_docstrings()))
def test_docstring_examples_run(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The examples in public docstrings run too, against the emulator."""
    doc = _public_docstrings()[name]
    namespace: dict[str, Any] = {"__name__": f"docstring_{name}"}
    loop = asyncio.new_event_loop()
    with MiniMaxEmulator(api_key="doc-key", responder=auto_responder) as emu:
        monkeypatch.setenv("MINIMAX_API_KEY", "doc-key")
        monkeypatch.setenv("MINIMAX_BASE_URL", emu.base_url)
        for line, info, source in _blocks(doc):
            if "requires-key" in info:
                continue
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    _run_block(source, f"{name}:{line}", namespace, loop)
            except BaseException as exc:
                pytest.fail(f"{name}, example at docstring line {line}: {exc!r}")
    loop.close()


def test_docs_have_python_blocks() -> None:
    assert sum(len(code_blocks(path)) for path in DOC_FILES) >= 20


@pytest.mark.parametrize("path", DOC_FILES, ids=lambda p: p.name)
def test_doc_blocks_run(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = code_blocks(path)
    if not blocks:
        pytest.skip(f"{path.name} has no Python blocks")
    namespace: dict[str, Any] = {"__name__": f"doc_{path.stem}"}
    loop = asyncio.new_event_loop()
    ran = 0
    with MiniMaxEmulator(api_key="doc-key", responder=auto_responder) as emu:
        for line, info, source in blocks:
            needs_key = "requires-key" in info
            if (needs_key and not REAL_KEY) or info == "pytest":
                continue
            if needs_key:
                monkeypatch.setenv("MINIMAX_API_KEY", REAL_KEY or "")
                monkeypatch.delenv("MINIMAX_BASE_URL", raising=False)
            else:
                monkeypatch.setenv("MINIMAX_API_KEY", "doc-key")
                monkeypatch.setenv("MINIMAX_BASE_URL", emu.base_url)
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    _run_block(source, f"{path.name}:{line}", namespace, loop)
            except BaseException as exc:
                pytest.fail(f"{path.name}, block at line {line} failed: {exc!r}")
            ran += 1
    loop.close()
    assert ran > 0 or not REAL_KEY


def pytest_blocks() -> list[tuple[str, int, str]]:
    """(file name, line, source) of every ```` ```python pytest ```` block."""
    return [
        (path.name, line, source)
        for path in DOC_FILES
        for line, info, source in code_blocks(path)
        if info == "pytest"
    ]


@pytest.mark.enable_socket
@pytest.mark.parametrize(
    ("name", "line", "source"), pytest_blocks(), ids=lambda v: str(v)[:20]
)
def test_doc_pytest_blocks_pass(
    pytester: pytest.Pytester,
    run_pytest: Callable[..., pytest.RunResult],
    name: str,
    line: int,
    source: str,
) -> None:
    tests = len(re.findall(r"^(?:async )?def test_", source, re.MULTILINE))
    assert tests, f"{name}:{line} has no test function"
    pytester.makepyfile(**{f"test_{Path(name).stem}_{line}": source})
    run_pytest().assert_outcomes(passed=tests)


# --- the documentation's tables agree with the code ---


def table_rows(path: Path, header: str) -> list[list[str]]:
    """The body rows of the Markdown table whose header row starts with `header`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {header}"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def _field_name(name: str) -> str:
    from langchain_minimax import ChatMiniMax

    for field_name, field in ChatMiniMax.model_fields.items():
        if name in (field_name, field.alias):
            return field_name
    raise AssertionError(f"{name} is not a ChatMiniMax parameter")


def test_instantiation_table_matches_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    from langchain_minimax import ChatMiniMax

    monkeypatch.setenv("MINIMAX_API_KEY", "k")
    monkeypatch.delenv("MINIMAX_BASE_URL", raising=False)
    monkeypatch.delenv("LANGCHAIN_OPENAI_STREAM_CHUNK_TIMEOUT_S", raising=False)
    monkeypatch.delenv("LC_OUTPUT_VERSION", raising=False)
    model = ChatMiniMax()
    rows = table_rows(ROOT / "docs" / "chat_minimax.md", "Parameter")
    assert len(rows) >= 15
    for name, default, _meaning in rows:
        field_name = _field_name(name.strip("`"))
        text = default.strip("`")
        if default != f"`{text}`" or "`" in text or text.isupper():
            continue  # prose, or an environment variable
        assert getattr(model, field_name) == ast.literal_eval(text), name


def _feature_checks(emu: MiniMaxEmulator) -> dict[str, bool]:
    from langchain_core.language_models import BaseChatModel
    from pydantic import BaseModel

    from langchain_minimax import ChatMiniMax

    class Weather(BaseModel):
        city: str

    model = ChatMiniMax(base_url=emu.base_url, api_key=emu.api_key)
    profile = model.profile or {}
    chunks = list(model.stream("Why is the sky blue?"))
    tool_calls = model.bind_tools([Weather]).invoke("weather").tool_calls
    structured = model.with_structured_output(Weather).invoke("weather in Paris")
    return {
        "Tool calling": bool(profile["tool_calling"] and tool_calls),
        "Structured output": isinstance(structured, Weather),
        "JSON mode": isinstance(
            model.with_structured_output(method="json_mode").invoke("JSON please"),
            dict,
        ),
        "Image input": profile["image_inputs"],
        "Audio input": profile["audio_inputs"],
        "Video input": profile["video_inputs"],
        "Token-level streaming": sum(bool(c.text) for c in chunks) > 1,
        "Native async": type(model)._astream is not BaseChatModel._astream,
        "Token usage": model.invoke("hi").usage_metadata is not None,
        "Reasoning output": profile["reasoning_output"],
    }


def test_features_table_matches_behaviour() -> None:
    rows = table_rows(ROOT / "docs" / "chat_minimax.md", "Feature")
    documented = {name: mark == "✅" for name, mark in rows}
    with MiniMaxEmulator(responder=auto_responder) as emu:
        observed = _feature_checks(emu)
    assert documented == observed


def test_demo_runs_offline_and_shows_the_tour() -> None:
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("MINIMAX_")}
    result = subprocess.run(
        [sys.executable, "-m", "langchain_minimax"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "running against the local MiniMax emulator" in out
    assert "[thinking]" in out
    assert "Rayleigh" in out
    assert "[tool call] get_weather({'city': 'Paris'})" in out
    assert "[answer] It is 21°C and sunny in Paris right now." in out
    assert "'text': 'I need the current weather in Paris: call get_weather.'" in out
    assert "Tokens: input" in out
