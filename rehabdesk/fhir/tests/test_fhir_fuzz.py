"""Any search a client sends answers a Bundle or an OperationOutcome, never a 500:
parameter names and values drawn from the served ones, roughened with anything."""

from __future__ import annotations

from urllib.parse import urlencode

from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rehabdesk.apitokens.choices import Scope
from rehabdesk.apitokens.testing import bearer, personal_token
from rehabdesk.fhir.resources import SERVED

NAMES = sorted({name for served in SERVED.values() for name in served.parameters})
VALUES = st.one_of(
    st.sampled_from(
        [
            "2027-03-10",
            "ge2027-03-09",
            "lt2027-03-11T00:00:00Z",
            "1",
            "Practitioner/1",
            "1-1",
            "Schedule/1-1",
            "booked",
            "free",
            "-1",
            "",
            "ne1",
            "eq",
            "9" * 30,
        ]
    ),
    st.text(max_size=20),
)
PARAMS = st.lists(
    st.tuples(
        st.one_of(st.sampled_from([*NAMES, "_count", "_offset"]), st.text(max_size=8)), VALUES
    ),
    max_size=4,
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(kind=st.sampled_from(sorted(SERVED)), params=PARAMS)
def test_no_search_answers_a_server_error(world, personas, kind, params):
    token = personal_token(personas.front_desk, Scope.FHIR_READ)
    response = Client().get(f"/fhir/{kind}?{urlencode(params)}", **bearer(token))
    assert response.status_code in (200, 400, 404, 406), (kind, params, response.content)
    body = response.json()
    expected = "Bundle" if response.status_code == 200 else "OperationOutcome"
    assert body["resourceType"] == expected


IDS = st.one_of(
    st.from_regex(r"[0-9]{1,20}(-[0-9]{1,20}){0,4}", fullmatch=True),
    st.text(alphabet="0123456789-abcZ.", min_size=1, max_size=40),
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(kind=st.sampled_from(sorted(SERVED)), resource_id=IDS)
def test_no_read_answers_a_server_error(world, personas, kind, resource_id):
    """Slot ids above all: four numbers the read turns into ids and an instant."""
    token = personal_token(personas.front_desk, Scope.FHIR_READ)
    response = Client().get(f"/fhir/{kind}/{resource_id}", **bearer(token))
    assert response.status_code in (200, 404), (kind, resource_id, response.content)
    body = response.json()
    expected = kind if response.status_code == 200 else "OperationOutcome"
    assert body["resourceType"] == expected
