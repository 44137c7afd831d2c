"""Re-ingest stored compilations: a run of the Prefect deployment when a server is configured,
else here. `regtrack reingest` and the admin page's button both call ``run_reingest``."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Engine

from regtrack.services import ingest
from regtrack.settings import Settings


@dataclass(frozen=True)
class FlowRunStarted:
    deployment: str
    flow_run_id: str
    flow_run_name: str
    ui_url: str

    def as_json(self) -> dict[str, str]:
        return dict(self.__dict__)

    def __str__(self) -> str:
        return f"Prefect flow run {self.flow_run_name} of {self.deployment} started: {self.ui_url}"


def run_reingest(engine: Engine, settings: Settings, compilation_ids: list[int] | None) -> Any:
    """Re-ingest (None = all): the Prefect deployment when a server is configured, else here.

    Returns a FlowRunStarted, or the list of IngestOutcome when it ran in this process.
    """
    if settings.prefect_api_url:
        return _start_reingest_deployment(settings.prefect_api_url, compilation_ids)
    outcomes = ingest.reingest(engine, settings, compilation_ids)
    ingest.relink_all(engine, settings)  # re-parsing is what a change of linking code asks for
    ingest.compute_diffs(engine, settings)
    return outcomes


def _start_reingest_deployment(api_url: str, compilation_ids: list[int] | None) -> FlowRunStarted:
    from flows.deployments import MANUAL_REINGEST
    from flows.trigger import start_deployment  # prefect loads only when a server is configured

    parameters = {"compilation_ids": compilation_ids, "all_compilations": compilation_ids is None}
    run = start_deployment(api_url, MANUAL_REINGEST, parameters)
    return FlowRunStarted(MANUAL_REINGEST, run.id, run.name, run.ui_url)


def without_prefect(settings: Settings) -> Settings:
    """The same settings with no Prefect server: work then runs in this process."""
    return replace(settings, prefect_api_url=None)
