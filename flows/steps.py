"""Small orchestration helpers shared by the flows: run a task, keep going, report what failed."""

from __future__ import annotations

import dataclasses
from typing import Any

from prefect import Task, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.states import State

from regtrack.errors import one_line


def error_of(state: State[Any]) -> str | None:
    """One line saying why a task run failed (None when it did not)."""
    if not state.is_failed() and not state.is_crashed():
        return None
    exc = state.result(raise_on_failure=False)
    return one_line(exc) if isinstance(exc, BaseException) else (state.message or state.name or "failed")


def plain(value: Any) -> Any:
    """A task's result as JSON-friendly data for the flow's report."""
    if hasattr(value, "as_json"):
        return value.as_json()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool | dict):
        return value
    return str(value)


def run_step(step: Task[..., Any], *args: Any) -> dict[str, Any]:
    """Run one task; a failure is logged and reported, never raised, so later steps still run."""
    state = step(*args, return_state=True)
    error = error_of(state)
    if error:
        get_run_logger().warning("%s failed: %s", step.name, error)
        return {"step": step.name, "status": "failed", "error": error}
    return {"step": step.name, "status": "ok", "result": plain(state.result())}


def publish(key: str, title: str, lines: list[str]) -> None:
    """A markdown artifact on the flow run: what a person reads in the Prefect UI."""
    create_markdown_artifact(key=key, markdown="\n".join([f"# {title}", "", *lines]), description=title)
