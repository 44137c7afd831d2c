"""Flows that poll sources and ingest new compilations, then relink, diff and notify."""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger

from flows import tasks
from flows.runtime import retry_delays, runtime
from flows.steps import error_of, publish, run_step
from regtrack.services import sources


@flow(name="poll-sources", log_prints=True)
def poll_sources(kinds: list[str] | None = None) -> list[dict[str, Any]]:
    """Read every enabled source and ingest each compilation it announces that is new."""
    _, settings = runtime()
    delays = retry_delays(settings.fetch_retries)
    discover = tasks.discover_source.with_options(retries=settings.fetch_retries, retry_delay_seconds=delays)
    download = tasks.fetch_compilation.with_options(
        retries=settings.fetch_retries, retry_delay_seconds=delays
    )
    reports = []
    for source_id, url in tasks.enabled_sources(kinds):
        state = discover(source_id, return_state=True)
        error = error_of(state)
        if error:
            reports.append(sources.PollReport(source_id, url, "failed", error=error))
            continue
        reports.append(_ingest_new(state.result(), download))
    return [r.as_json() for r in reports]


def _ingest_new(discovery: sources.Discovery, download: Any) -> sources.PollReport:
    """Download the new items side by side, then ingest them one by one; failures are kept."""
    futures = [(item, download.submit(item.url, discovery.local)) for item in discovery.new_items]
    items = []
    for item, future in futures:
        future.wait()
        report = _ingest_downloaded(discovery.source_id, item.url, future)
        report.title = item.title
        items.append(report)
    return tasks.record_poll(discovery, items)


def _ingest_downloaded(source_id: int, url: str, download: Any) -> sources.ItemReport:
    error = error_of(download.state)
    if error:
        return sources.ItemReport(url, "failed", error=error)
    state = tasks.ingest_compilation(source_id, url, download.result(), return_state=True)
    error = error_of(state)
    return sources.ItemReport(url, "failed", error=error) if error else state.result()


@flow(name="poll-and-ingest", log_prints=True)
def poll_and_ingest(
    kinds: list[str] | None = None, digest_frequency: str | None = "immediate"
) -> dict[str, Any]:
    """Poll → ingest each new compilation (each ingest links what it can affect) → compute diffs →
    send due digests.

    With nothing new, nothing after the poll runs. A failed source, compilation or step is
    reported (flow result, log, artifact) and the others go on.
    """
    sources = poll_sources(kinds)
    new = sorted({i["compilation_id"] for s in sources for i in s["items"] if i["status"] == "ingested"})
    steps: list[dict[str, Any]] = []
    if new:
        steps.append(run_step(tasks.compute_diffs))
        if digest_frequency:
            steps.append(run_step(tasks.send_due_digests, digest_frequency))
    report = {
        "sources": sources,
        "new_compilations": new,
        "steps": steps,
        "problems": _problems(sources, steps),
    }
    _publish(report)
    return report


def _problems(sources: list[dict[str, Any]], steps: list[dict[str, Any]]) -> list[str]:
    problems = [f"source {s['url']}: {s['error']}" for s in sources if s["status"] == "failed"]
    problems += [f"{i['url']}: {i['error']}" for s in sources for i in s["items"] if i["status"] == "failed"]
    problems += [f"{s['step']}: {s['error']}" for s in steps if s["status"] == "failed"]
    return problems


def _publish(report: dict[str, Any]) -> None:
    logger = get_run_logger()
    for problem in report["problems"]:
        logger.warning("problem: %s", problem)
    lines = [f"- {s['url']}: **{s['status']}**, {len(s['items'])} new item(s)" for s in report["sources"]]
    lines += ["", f"New compilations: {report['new_compilations'] or 'none'}", ""]
    lines += [f"- step {s['step']}: {s['status']}" for s in report["steps"]]
    lines += ["", "## Problems", *(f"- {p}" for p in report["problems"] or ["none"])]
    publish("poll-report", "Poll and ingest", lines)
