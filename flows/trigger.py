"""Start deployment runs on a Prefect server from outside a flow (CLI, web app, `regtrack run`)."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from regtrack.errors import UsageError


@dataclass(frozen=True)
class StartedRun:
    id: str
    name: str
    ui_url: str


def ui_url(api_url: str) -> str:
    """The Prefect UI address for an API address (http://127.0.0.1:4200/api -> …:4200)."""
    return api_url.rstrip("/").removesuffix("/api")


def start_deployment(api_url: str, deployment: str, parameters: dict[str, Any]) -> StartedRun:
    """Create a run of ``deployment`` ("flow/deployment") and return at once; a worker or `serve` runs it."""
    from prefect.deployments import run_deployment
    from prefect.exceptions import ObjectNotFound
    from prefect.settings import PREFECT_API_URL, temporary_settings

    try:
        with temporary_settings({PREFECT_API_URL: api_url}):
            run = run_deployment(deployment, parameters=parameters, timeout=0)
    except ObjectNotFound as exc:
        raise UsageError(
            f"no deployment {deployment} on {api_url}: start `regtrack run` or `prefect deploy --all`, or use --local"
        ) from exc
    except httpx.HTTPError as exc:
        raise UsageError(
            f"cannot reach the Prefect server at {api_url} ({type(exc).__name__}); or use --local"
        ) from exc
    return StartedRun(str(run.id), run.name, f"{ui_url(api_url)}/runs/flow-run/{run.id}")


def wait_for_deployment(api_url: str, deployment: str, deadline_s: float) -> None:
    """Return once ``deployment`` exists on the server (serve registers it on start)."""
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound
    from prefect.settings import PREFECT_API_URL, temporary_settings

    deadline = time.monotonic() + deadline_s
    with temporary_settings({PREFECT_API_URL: api_url}), get_client(sync_client=True) as client:
        while True:
            try:
                client.read_deployment_by_name(deployment)
                return
            except ObjectNotFound:
                if time.monotonic() > deadline:
                    raise UsageError(
                        f"deployment {deployment} did not appear within {deadline_s:.0f} s"
                    ) from None
            time.sleep(0.5)


def wait_for_run(api_url: str, flow_run_id: str, deadline_s: float) -> str:
    """The final state name of a flow run ("Completed", "Failed" …), or "timed out"."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    deadline = time.monotonic() + deadline_s
    with temporary_settings({PREFECT_API_URL: api_url}), get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            state = client.read_flow_run(uuid.UUID(flow_run_id)).state
            if state is not None and state.is_final():
                return state.name or state.type.value
            time.sleep(1)
    return "timed out"
