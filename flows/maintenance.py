"""Manual re-ingest: re-parse stored raw bytes with the current code, then relink and diff."""

from __future__ import annotations

from typing import Any

from prefect import flow

from flows import tasks
from flows.steps import error_of, publish, run_step


@flow(name="reingest", log_prints=True)
def reingest(compilation_ids: list[int] | None = None, all_compilations: bool = False) -> dict[str, Any]:
    """Re-parse the given compilations (or all of them); one that fails does not stop the others."""
    if not compilation_ids and not all_compilations:
        raise ValueError("give compilation_ids, or all_compilations=true to re-parse everything")
    ids = list(compilation_ids or tasks.all_compilation_ids())
    results = []
    for cid in ids:
        state = tasks.reparse_compilation(cid, return_state=True)
        error = error_of(state)
        results.append({"id": cid, "status": "failed", "error": error} if error else state.result())
    steps = [run_step(tasks.relink), run_step(tasks.compute_diffs)] if ids else []
    problems = [f"compilation {r['id']}: {r['error']}" for r in results if r["status"] == "failed"]
    problems += [f"{s['step']}: {s['error']}" for s in steps if s["status"] == "failed"]
    lines = [f"- compilation {r['id']}: {r['status']}" for r in results]
    publish("reingest-report", "Re-ingest", [*lines, "", *(f"- problem: {p}" for p in problems)])
    return {"compilations": results, "steps": steps, "problems": problems}
