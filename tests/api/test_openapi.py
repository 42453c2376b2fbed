"""The OpenAPI document against the live API: schemathesis (its command line, as an integrator would
run it) generates requests from the document and checks every answer: documented status, matching
schema and content type, never a server error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.api.conftest import ADMIN_TOKEN, LiveAPI

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def test_the_api_matches_its_openapi_document(live_api: LiveAPI) -> None:
    run = subprocess.run(  # noqa: S603 - our own test tool, fixed arguments
        [
            str(SCHEMATHESIS),
            "run",
            f"{live_api.url}/api/v1/openapi.json",
            "--header",
            f"Authorization: Bearer {ADMIN_TOKEN}",
            "--checks",
            "all",
            "--max-examples",
            "30",
            "--seed",
            "1",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "SCHEMATHESIS_HOOKS": ""},
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
