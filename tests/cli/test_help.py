"""Every command and sub-command of `regtrack` has help of its own: `regtrack CMD --help` shows the
command's own first help line and the name of each of its options (not merely "Usage")."""

from __future__ import annotations

import re
from typing import Any

import pytest
import typer

from regtrack.cli import _load_commands, app


def _walk(command: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """(words after `regtrack`, command) for the root and every command below it."""
    found = [(path, command)]
    for name, sub in getattr(command, "commands", {}).items():
        found += _walk(sub, (*path, name))
    return found


def _command_tree() -> list[tuple[tuple[str, ...], Any]]:
    _load_commands()
    return [(path, cmd) for path, cmd in _walk(typer.main.get_command(app)) if not cmd.hidden]


COMMANDS = _command_tree()


def _flat(text: str) -> str:
    """Help as words: rich draws boxes (│ ╭ ─) and wraps long lines to the terminal's width."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


def test_the_tree_has_every_command_module() -> None:
    assert {path[0] for path, _ in COMMANDS if path} >= {"ingest", "diff", "digest", "sources", "db"}
    assert any(len(path) == 2 for path, _ in COMMANDS)  # sub-commands are walked too


@pytest.mark.parametrize("path,command", COMMANDS, ids=[" ".join(p) or "regtrack" for p, _ in COMMANDS])
def test_help_shows_the_commands_own_text_and_every_option(cli, path: tuple[str, ...], command: Any) -> None:  # type: ignore[no-untyped-def]
    result = cli(*path, "--help")
    assert result.exit_code == 0, result.stderr
    shown = _flat(result.stdout)
    first_line = (command.help or "").strip().splitlines()[0]
    assert _flat(first_line) in shown, (first_line, result.stdout)
    options = [
        name
        for param in command.params
        if param.param_type_name == "option" and not param.hidden
        for name in (*param.opts, *param.secondary_opts)
    ]
    for name in options:
        assert re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", shown), (name, result.stdout)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("nosuch",), "No such command 'nosuch'"),
        (("documents", "--bogus"), "No such option: --bogus"),
        (("show",), "Missing argument"),
    ],
)
def test_a_mistyped_command_line_is_a_usage_error_not_an_internal_one(
    cli, args: tuple[str, ...], says: str
) -> None:  # type: ignore[no-untyped-def]
    result = cli(*args)
    assert result.exit_code == 2
    assert says in result.stderr and "internal error" not in result.stderr
    assert "Try 'regtrack" in result.stderr
