"""The `minimax_emulator` fixture, in a fresh project that only installs the package.

`pytester` runs pytest in an empty directory: no conftest, no `pytest_plugins`;
the fixture comes from the package's `pytest11` entry point. The runs are in
this process (`run_pytest` in conftest.py); a run without entry-point plugins,
where the fixture is missing, shows that they get nothing from this session.
What only a fresh interpreter can show (what importing the plugin imports)
runs in one.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from importlib.metadata import entry_points

import pytest

pytestmark = pytest.mark.enable_socket

REINSTALL = (
    "the pytest11 entry point is not installed: reinstall the package "
    "(pip install -e .) after pulling the change that added it"
)


def test_the_plugin_is_registered_by_entry_point() -> None:
    plugins = {entry.name: entry.value for entry in entry_points(group="pytest11")}
    assert plugins.get("langchain_minimax") == (
        "langchain_minimax.testing.pytest_plugin"
    ), REINSTALL


def test_the_fixture_works_in_a_fresh_project(
    pytester: pytest.Pytester, run_pytest: Callable[..., pytest.RunResult]
) -> None:
    pytester.makepyfile(
        test_app="""
        from langchain_core.messages import HumanMessage, ToolMessage

        from langchain_minimax import ChatMiniMax
        from langchain_minimax.testing import MiniMaxEmulator, Reply, ToolCall


        def get_weather(city: str) -> str:
            '''Get the weather for a city.'''
            return f"sunny in {city}"


        def test_scripted_tool_loop(minimax_emulator):
            emulator, chat_model = minimax_emulator
            assert isinstance(emulator, MiniMaxEmulator) and emulator.is_running
            emulator.add_replies(
                [
                    Reply(
                        reasoning="I need the weather.",
                        content="\\n",
                        tool_calls=[ToolCall("get_weather", {"city": "Paris"})],
                    ),
                    Reply(content="Sunny in Paris."),
                ]
            )
            model = chat_model().bind_tools([get_weather])
            question = HumanMessage("Weather in Paris?")
            first = model.invoke([question])
            call = first.tool_calls[0]
            assert call["args"] == {"city": "Paris"}
            answer = model.invoke(
                [question, first, ToolMessage("sunny", tool_call_id=call["id"])]
            )
            assert answer.text == "Sunny in Paris."
            sent = emulator.requests[1].messages[1]
            assert sent["reasoning_details"][0]["text"] == "I need the weather."


        def test_each_test_starts_clean(minimax_emulator):
            emulator, chat_model = minimax_emulator
            assert emulator.requests == []
            assert emulator.pending_replies == 0
            assert chat_model().invoke("hello").text  # the default responder


        def test_factory_arguments_reach_the_model(minimax_emulator):
            emulator, chat_model = minimax_emulator
            model = chat_model(model="MiniMax-M2.5", temperature=0.5)
            assert isinstance(model, ChatMiniMax)
            model.invoke("hi")
            body = emulator.requests[-1].body
            assert (body["model"], body["temperature"]) == ("MiniMax-M2.5", 0.5)
        """
    )
    run_pytest().assert_outcomes(passed=3)


def test_each_test_gets_a_clean_emulator(
    pytester: pytest.Pytester, run_pytest: Callable[..., pytest.RunResult]
) -> None:
    # A reply one test leaves unused is not the next test's first answer.
    pytester.makepyfile(
        test_leftover="""
        def test_leaves_a_reply(minimax_emulator):
            minimax_emulator.emulator.add_reply("unused")
            minimax_emulator.emulator.chunk_size = 1

        def test_does_not_see_it(minimax_emulator):
            assert minimax_emulator.emulator.pending_replies == 0
            assert minimax_emulator.emulator.chunk_size == 8
        """
    )
    run_pytest().assert_outcomes(passed=2)


def test_without_entry_point_plugins_the_fixture_is_missing(
    pytester: pytest.Pytester,
    run_pytest: Callable[..., pytest.RunResult],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """So the in-process runs above got it from the entry point, not from this
    session."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    pytester.makepyfile(test_unplugged="def test_it(minimax_emulator): pass")
    result = run_pytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'minimax_emulator' not found*"])


def test_in_process_runs_keep_the_libraries_they_import(
    pytester: pytest.Pytester,
    run_pytest: Callable[..., pytest.RunResult],
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A library a run imports first stays imported, as the run's copy (the
    project's own test modules go, as pytester drops them)."""
    library = tmp_path_factory.mktemp("site")
    (library / "first_imported_by_a_run.py").write_text("marks = []\n")
    monkeypatch.syspath_prepend(library)
    pytester.makepyfile(
        test_uses_it="""
        import first_imported_by_a_run

        def test_marks_it():
            first_imported_by_a_run.marks.append("run")
        """
    )
    run_pytest().assert_outcomes(passed=1)
    assert sys.modules["first_imported_by_a_run"].marks == ["run"]
    assert "test_uses_it" not in sys.modules


def test_importing_the_emulator_does_not_import_pytest() -> None:
    code = "import sys, langchain_minimax.testing; print('pytest' in sys.modules)"
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert output.split() == ["False"]


def test_loading_the_plugin_does_not_import_the_chat_model() -> None:
    """pytest loads the plugin in every run of a project that has the package:
    it must not pay for `openai` and langchain-openai until a test uses them."""
    code = (
        "import sys, langchain_minimax.testing.pytest_plugin; "
        "print(*(m in sys.modules for m in "
        "('openai', 'langchain_openai', 'langchain_minimax.chat_models')))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert output.split() == ["False", "False", "False"]


def test_public_names_load_on_first_use() -> None:
    import langchain_minimax

    assert langchain_minimax.ChatMiniMax.__module__ == "langchain_minimax.chat_models"
    assert issubclass(
        langchain_minimax.MiniMaxRateLimitError, langchain_minimax.MiniMaxError
    )
    assert set(dir(langchain_minimax)) >= set(langchain_minimax.__all__)
    with pytest.raises(AttributeError, match="no attribute 'ChatMinimax'"):
        langchain_minimax.ChatMinimax  # noqa: B018
