"""The CapabilityStatement at /fhir/metadata, made from the table of what is served
(resources.SERVED), so it never lists what is not."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rehabdesk.fhir.resources import SERVED

SOFTWARE = "Rehabdesk"


def capability_statement(*, base: str, now: datetime) -> dict[str, Any]:
    resources = []
    for name, served in SERVED.items():
        resources.append(
            {
                "type": name,
                "interaction": [{"code": "read"}, {"code": "search-type"}],
                "searchParam": [
                    {"name": param, "type": kind} for param, kind in served.parameters.items()
                ],
            }
        )
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": now.replace(microsecond=0).isoformat(),
        "kind": "instance",
        "software": {"name": SOFTWARE},
        "implementation": {"description": "Rehabdesk FHIR R4 read API", "url": base},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "json"],
        "rest": [
            {
                "mode": "server",
                "documentation": "Read and search only. Send an API token with the fhir:read "
                "scope (Authorization: Bearer), or sign in as staff. Page with _count "
                "(default 20, at most 100) and the Bundle's next link (_offset).",
                "security": {
                    "service": [{"text": "Bearer API token with the fhir:read scope"}],
                    "description": "Patient data only as the token's person may see it, "
                    "by the clinic's access policy; every read of it is audited.",
                },
                "resource": resources,
            }
        ],
    }
