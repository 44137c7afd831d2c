"""Flow runs whose machine died are marked Crashed by the Prefect server, not left Running.

A worker killed with its flow runs (a machine lost, a container evicted) reports nothing: its runs
would stay Running for ever. Runs of regtrack's deployments send a heartbeat every ``HEARTBEAT_S``
(their job variables set PREFECT_FLOWS_HEARTBEAT_FREQUENCY; `regtrack run` sets it for the runs it
serves). This automation, Prefect's documented one for zombie flow runs, marks a run tagged
``regtrack`` Crashed when ``SILENCE_S`` pass after a sign of life with no further one and no end.
Signs of life are heartbeats, and also the run being handed to a worker (Pending) and starting
(Running): a run its worker took and died with before starting it, or that died before its first
heartbeat reached the server, would otherwise stay Pending or Running for ever
(tests/flows/test_flows_workers.py met both). The backfill flow then starts that compilation again
(flows/backfill.py).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

NAME = "regtrack: flow runs that stop sending heartbeats crashed"
HEARTBEAT_S = 30  # the shortest interval Prefect allows
SILENCE_S = 90  # three heartbeats missed
HEARTBEAT_ENV = {"PREFECT_FLOWS_HEARTBEAT_FREQUENCY": str(HEARTBEAT_S)}
TAG = "regtrack"  # every regtrack deployment's runs carry it


def ensure_crash_detection() -> bool:
    """Create the automation on the configured Prefect server unless it is there; True when created."""
    from prefect.automations import Automation
    from prefect.client.schemas.objects import StateType
    from prefect.events.actions import ChangeFlowRunState
    from prefect.events.schemas.automations import EventTrigger, Posture
    from prefect.events.schemas.events import ResourceSpecification

    wanted = Automation(
        name=NAME,
        description="Runs of a worker that died: they can then be started again (regtrack backfill).",
        trigger=EventTrigger(
            after={"prefect.flow-run.Pending", "prefect.flow-run.Running", "prefect.flow-run.heartbeat"},
            expect={
                "prefect.flow-run.Running",
                "prefect.flow-run.heartbeat",
                "prefect.flow-run.Completed",
                "prefect.flow-run.Failed",
                "prefect.flow-run.Cancelled",
                "prefect.flow-run.Crashed",
            },
            match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
            # only regtrack's runs: another team's flows on the same server may send no heartbeats
            match_related=ResourceSpecification({"prefect.resource.id": f"prefect.tag.{TAG}"}),
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=timedelta(seconds=SILENCE_S),
        ),
        actions=[
            ChangeFlowRunState(
                state=StateType.CRASHED,
                message=f"no heartbeat for {SILENCE_S} s: its worker or machine stopped",
            )
        ],
    )
    try:
        found = Automation.read(name=NAME)
    except ValueError:  # Prefect's way of saying "no automation of that name"
        found = None
    if found is not None:
        if _same(found, wanted):
            return False
        found.delete()  # an older regtrack's rule: replaced by this one
    wanted.create()
    return True


def _same(a: Any, b: Any) -> bool:
    def rule(automation: Any) -> dict[str, Any]:
        # Python objects, not JSON: the trigger's sets of events would become lists in any order
        return automation.model_dump(include={"trigger", "actions", "enabled"}, exclude={"trigger": {"id"}})

    return rule(a) == rule(b)
