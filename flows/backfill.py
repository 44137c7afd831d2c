"""Backfill over Prefect workers: one flow run per compilation across the work pool, then one
relink/diff/digest pass.

`backfill/fan-out` expands what it was given into compilations (regtrack.services.backfill),
starts a run of `ingest-compilations/backfill` for each (or for each ``batch`` of them: a flow
run's process costs about 4 s of CPU to start here, importing Prefect and regtrack, against well
under a second to ingest a small compilation), at most ``parallel`` unfinished at once, and waits
for them. A worker that dies takes its runs with it: they stop sending heartbeats, the
server marks them Crashed (flows/crashes.py), and this flow starts those compilations again, up to
``attempts`` runs each. An ingest killed mid-transaction left nothing behind; one that had
committed is found "unchanged". A Failed run (bad input) is reported, not retried. Relinking at
the end makes the result what a serial ingest of the same files stores.
"""

from __future__ import annotations

import time
from collections import Counter, deque
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any
from uuid import UUID

from prefect import flow, get_run_logger

from flows import tasks
from flows.crashes import ensure_crash_detection
from flows.runtime import runtime
from flows.steps import publish, run_step
from ingest.errors import IngestError
from regtrack.services import backfill

INGEST_BATCH = "ingest-compilations/backfill"
BACKFILL = "backfill/fan-out"
POLL_S = 2.0  # how often the fan-out reads its runs' states
PAGE = 200  # flow runs per read: the server's largest page


class CompilationFailed(IngestError):
    """A compilation of a backfill could not be ingested (its flow run fails with this line)."""


class BackfillIncomplete(IngestError):
    """A backfill ended with compilations or final steps that failed (the fan-out fails with it)."""


@flow(name="ingest-compilations", log_prints=True)
def ingest_compilations(locations: list[str]) -> list[dict[str, object]]:
    """Read and ingest compilations one after the other (paths the worker can read, or http(s)
    URLs); one that fails does not stop the others, and fails the run at the end."""
    engine, settings = runtime()
    outcomes = []
    for location in locations:
        outcome = backfill.ingest_one(engine, settings, location)
        print(f"{location}: {outcome.status}, compilation {outcome.compilation_id}")
        outcomes.append(outcome)
    failed = [f"{o.source}: {o.error}" for o in outcomes if o.status == "failed"]
    if failed:
        raise CompilationFailed("; ".join(failed))
    return [o.as_json() for o in outcomes]


@dataclass
class ChildRun:
    """The last flow run that ingested one batch of locations."""

    locations: list[str]
    attempt: int
    flow_run_id: str
    flow_run_name: str
    state: str = "Scheduled"
    error: str | None = None

    def as_json(self) -> dict[str, object]:
        return dict(self.__dict__)


@flow(name="backfill", log_prints=True)
def backfill_flow(
    locations: list[str] | None = None,
    source_ids: list[int] | None = None,
    parallel: int = 4,
    batch: int = 1,
    digest_frequency: str | None = "immediate",
    attempts: int = 3,
) -> dict[str, Any]:
    """Ingest every compilation named (files, folders, URLs, sources' listings) in flow runs of
    ``batch`` compilations, then relink, store diffs and send the due digests once."""
    engine, settings = runtime()
    digest_frequency = backfill.digest_frequency(digest_frequency)
    wanted = backfill.expand(engine, settings, locations or [], source_ids or [])
    ensure_crash_detection()
    runs = fan_out(batches(wanted, batch), max(parallel, 1), max(attempts, 1))
    steps = [run_step(tasks.relink), run_step(tasks.compute_diffs)]
    if digest_frequency:
        steps.append(run_step(tasks.send_due_digests, digest_frequency))
    problems = [f"{r.flow_run_name}: {r.state}: {r.error}" for r in runs if r.state != "Completed"]
    problems += [f"{s['step']}: {s['error']}" for s in steps if s["status"] == "failed"]
    lines = [f"- {r.flow_run_name}: {r.state} (attempt {r.attempt})" for r in runs]
    publish("backfill-report", "Backfill", [*lines, "", *(f"- problem: {p}" for p in problems)])
    if problems:  # the run ends Failed, so the CLI, the UI and --no-wait users all see it
        raise BackfillIncomplete(f"{len(problems)} problem(s): " + "; ".join(problems))
    return {"runs": [r.as_json() for r in runs], "steps": steps, "problems": problems}


def batches(locations: list[str], size: int) -> list[list[str]]:
    """``locations`` in order, cut into lists of ``size`` (the last may be shorter)."""
    size = max(size, 1)
    return [locations[i : i + size] for i in range(0, len(locations), size)]


def _run_name(group: list[str], attempt: int) -> str:
    more = f" +{len(group) - 1}" if len(group) > 1 else ""
    return f"{PurePath(group[0]).name[:60]}{more} #{attempt}"


def fan_out(groups: list[list[str]], parallel: int, attempts: int) -> list[ChildRun]:
    """One `ingest-compilations/backfill` run per group, ``parallel`` at most unfinished; a run
    that crashed starts again (before the others waiting) until ``attempts`` runs were made."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from prefect.deployments import run_deployment

    logger = get_run_logger()
    waiting: deque[int] = deque(range(len(groups)))
    tries = Counter[int]()
    running: dict[UUID, tuple[int, ChildRun]] = {}
    finished: dict[int, ChildRun] = {}
    with get_client(sync_client=True) as client:
        while waiting or running:
            while waiting and len(running) < parallel:
                index = waiting.popleft()
                tries[index] += 1
                group = groups[index]
                run = run_deployment(
                    INGEST_BATCH,
                    parameters={"locations": group},
                    timeout=0,
                    flow_run_name=_run_name(group, tries[index]),
                )
                running[run.id] = (index, ChildRun(group, tries[index], str(run.id), run.name))
            time.sleep(POLL_S)
            ids = FlowRunFilter(id=FlowRunFilterId(any_=list(running)))
            for run in client.read_flow_runs(flow_run_filter=ids):
                if run.state is None or not run.state.is_final():
                    continue
                index, child = running.pop(run.id)
                child.state = run.state.name or run.state.type.value
                if run.state.is_crashed() and tries[index] < attempts:
                    logger.warning(
                        "%s crashed (%s): starting it again", child.flow_run_name, run.state.message
                    )
                    waiting.appendleft(index)
                    continue
                if not run.state.is_completed():
                    child.error = run.state.message
                finished[index] = child
    return [finished[i] for i in range(len(groups))]


# --- started from outside Prefect: `regtrack backfill` ---------------------------------------


@dataclass
class Progress:
    """What a backfill run has done so far, read from the Prefect server."""

    state: str  # the fan-out run's state name
    final: bool
    completed: int  # compilations whose batch's last run completed
    failed: list[str]  # the messages of runs that failed, or crashed with no attempt left
    crashed: int  # runs that crashed (each one was started again while attempts were left)


def child_runs(client: Any, flow_run_id: str) -> list[Any]:
    """Every flow run the fan-out run ``flow_run_id`` started, read page by page (the server
    returns 200 at most per request)."""
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterParentFlowRunId

    of_parent = FlowRunFilter(parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[UUID(flow_run_id)]))
    found: list[Any] = []
    while page := client.read_flow_runs(flow_run_filter=of_parent, limit=PAGE, offset=len(found)):
        found += page
        if len(page) < PAGE:
            break
    return found


def follow(api_url: str, flow_run_id: str) -> Progress:
    """The fan-out run's state and what its ingest runs did (a crash shows as a second run of the
    same batch of locations)."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: api_url}), get_client(sync_client=True) as client:
        parent = client.read_flow_run(UUID(flow_run_id))
        children = child_runs(client, flow_run_id)
    last: dict[tuple[str, ...], Any] = {}
    crashed = 0
    for run in sorted(children, key=lambda r: str(r.created)):  # ISO times: oldest run first
        last[tuple(run.parameters.get("locations") or [run.name])] = run
        crashed += bool(run.state and run.state.is_crashed())
    done = parent.state is not None and parent.state.is_final()
    # a crashed run is started again while the fan-out runs: it has failed only once that ended
    ended = [(group, run) for group, run in last.items() if run.state is not None]
    failed = [
        f"{run.name}: {run.state.message or run.state.name}"
        for group, run in ended
        if run.state.is_failed() or (done and run.state.is_crashed())
    ]
    return Progress(
        state=parent.state.name if parent.state else "Pending",
        final=done,
        completed=sum(len(group) for group, run in ended if run.state.is_completed()),
        failed=failed,
        crashed=crashed,
    )
