"""POST /csp-report/: browsers report what the Content-Security-Policy blocked, in
either format; what is kept is a count per day of the directive, the blocked origin and
the page's route name — never a path, an id or a query. Oversized, garbage and too
many reports are refused without a 500, and the policy tells browsers where to send
them."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from rehabdesk.online.csp_reports import CSP_REPORTS_PER_IP, blocked_origin
from rehabdesk.online.models import CspViolation, RateCount
from rehabdesk.online.services import rate_limit_hit
from rehabdesk.testing.factors import staff_device
from rehabdesk.testing.personas import PASSWORD
from rehabdesk.web.csp_reports import MAX_BODY, MAX_REPORTS

pytestmark = pytest.mark.django_db

URL = "/csp-report/"
PATIENT_PAGE = "https://clinic.example/staff/patients/4242/?q=Grace+Hopper"


def old_format(
    *,
    document: str = PATIENT_PAGE,
    blocked: str = "https://evil.example/steal.js?who=4242",
    directive: str = "script-src-elem",
) -> dict[str, object]:
    return {
        "csp-report": {
            "document-uri": document,
            "referrer": "https://clinic.example/staff/patients/?q=Hopper",
            "violated-directive": directive,
            "effective-directive": directive,
            "original-policy": "default-src 'self'",
            "blocked-uri": blocked,
            "status-code": 200,
            "script-sample": "alert('Grace Hopper')",
        }
    }


def new_format(*bodies: dict[str, object]) -> list[dict[str, object]]:
    return [
        {"type": "csp-violation", "age": 3, "url": PATIENT_PAGE, "user_agent": "x", "body": body}
        for body in bodies
    ]


def new_body(
    *, document: str = PATIENT_PAGE, blocked: str = "inline", directive: str = "script-src-elem"
) -> dict[str, object]:
    return {
        "documentURL": document,
        "blockedURL": blocked,
        "effectiveDirective": directive,
        "originalPolicy": "default-src 'self'",
        "sample": "Grace Hopper, knee pain",
        "disposition": "enforce",
        "statusCode": 200,
    }


def send(client: Client, data: object, content_type: str = "application/csp-report"):
    body = data if isinstance(data, bytes) else json.dumps(data).encode()
    return client.post(URL, data=body, content_type=content_type, REMOTE_ADDR="198.51.100.7")


def kept() -> list[tuple[str, str, str, int]]:
    return sorted(CspViolation.objects.values_list("directive", "blocked", "route", "count"))


def test_it_counts_a_report_uri_report_by_directive_origin_and_route_name(client):
    response = send(client, old_format())
    assert response.status_code == 204
    assert kept() == [("script-src-elem", "https://evil.example", "patient-detail", 1)]
    assert CspViolation.objects.get().day == timezone.now().date()


def test_it_counts_the_reporting_apis_batch_adding_up_the_same_violation(client):
    response = send(
        client,
        new_format(
            new_body(),
            new_body(),
            new_body(blocked="data:image/png;base64,AAAA", directive="img-src"),
        ),
        content_type="application/reports+json",
    )
    assert response.status_code == 204
    assert kept() == [
        ("img-src", "data:", "patient-detail", 1),
        ("script-src-elem", "inline", "patient-detail", 2),
    ]
    send(client, new_format(new_body()), content_type="application/reports+json")
    assert ("script-src-elem", "inline", "patient-detail", 3) in kept()


def test_it_skips_reports_of_other_kinds_in_a_batch_and_reads_at_most_a_few(client):
    short = {"documentURL": "https://clinic.example/", "blockedURL": "inline"}
    batch = [{"type": "deprecation", "body": {"id": "x"}}] + [
        {"type": "csp-violation", "body": {**short, "effectiveDirective": "script-src-elem"}}
    ] * (MAX_REPORTS + 5)
    assert send(client, batch, content_type="application/reports+json").status_code == 204
    assert kept() == [("script-src-elem", "inline", "home", MAX_REPORTS - 1)]


def test_nothing_kept_carries_a_path_an_id_or_a_query(client):
    send(client, old_format())
    send(
        client,
        new_format(
            new_body(blocked="https://evil.example:8443/a/4242/b?patient=4242#Hopper"),
            new_body(document="https://clinic.example/manage/abc123token/?x=4242"),
            new_body(blocked="chrome-extension://abcdef/4242.js", directive="font-src"),
            new_body(directive="script-src 'self' https://4242.example"),
        ),
        content_type="application/reports+json",
    )
    rows = kept()
    assert ("script-src-elem", "https://evil.example:8443", "patient-detail", 1) in rows
    assert ("font-src", "chrome-extension:", "patient-detail", 1) in rows
    assert ("script-src", "inline", "patient-detail", 1) in rows
    text = " ".join(" ".join(map(str, row)) for row in rows)
    for leak in ("4242", "?", "Hopper", "abc123token", "/staff/", "steal.js", "#"):
        assert leak not in text


def test_a_page_not_ours_and_a_directive_not_known_are_kept_as_such(client):
    send(client, old_format(document="https://elsewhere.example/x/4242/", directive="made-up"))
    assert kept() == [("other", "https://evil.example", "unknown", 1)]


@pytest.mark.parametrize(
    ("blocked", "kept_as"),
    [
        ("", "unknown"),
        ("inline", "inline"),
        ("EVAL", "eval"),
        ("https://cdn.example/lib.js", "https://cdn.example"),
        ("wss://ws.example:9000/socket?token=1", "wss://ws.example:9000"),
        ("blob:https://clinic.example/5d3c-uuid", "blob:"),
        ("https://[::1/", "other"),
        ("https://cdn.example:99999/", "other"),
        ("/relative/4242", "other"),
        ("https://" + "a" * 200 + ".example/", "other"),
    ],
)
def test_it_keeps_of_the_blocked_address_its_origin_or_keyword_only(blocked, kept_as):
    assert blocked_origin(blocked) == kept_as


def test_an_oversized_report_is_refused_with_413_and_nothing_kept(client):
    padded = old_format()
    padded["csp-report"]["script-sample"] = "x" * MAX_BODY
    assert send(client, padded).status_code == 413
    assert kept() == []


@pytest.mark.parametrize(
    "body",
    [b"", b"{not json", b"\xff\xfe", b"null", b"42", b'{"csp-report": "x"}', b"[1, 2]"],
)
def test_garbage_is_refused_with_400_not_500(client, body):
    assert send(client, body).status_code == 400
    assert send(client, body, content_type="application/reports+json").status_code == 400
    assert kept() == []


def test_a_report_of_wrong_types_inside_is_counted_as_unknown_not_a_500(client):
    report = {"csp-report": {"document-uri": 42, "blocked-uri": ["x"], "effective-directive": {}}}
    assert send(client, report).status_code == 204
    assert kept() == [("other", "unknown", "unknown", 1)]


def test_another_content_type_is_refused_with_415(client):
    assert send(client, old_format(), content_type="text/plain").status_code == 415
    assert kept() == []


def test_it_answers_only_posts(client):
    assert client.get(URL).status_code == 405


def test_it_needs_no_csrf_token(client):
    strict = Client(enforce_csrf_checks=True)
    assert send(strict, old_format()).status_code == 204


def test_reports_are_limited_per_address_with_429(client):
    now = timezone.now()
    for _ in range(CSP_REPORTS_PER_IP.times):
        rate_limit_hit(limit=CSP_REPORTS_PER_IP, subject="198.51.100.7", now=now)
    assert send(client, old_format()).status_code == 429
    assert kept() == []
    # Another address is not held back.
    other = client.post(
        URL,
        data=json.dumps(old_format()),
        content_type="application/csp-report",
        REMOTE_ADDR="203.0.113.9",
    )
    assert other.status_code == 204
    assert RateCount.objects.count() == 2


def test_the_policy_names_the_endpoint_both_ways(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "report-uri /csp-report/" in policy
    assert "report-to csp" in policy
    assert response["Reporting-Endpoints"] == 'csp="/csp-report/"'


def test_old_counts_go_when_a_new_row_is_added(client):
    CspViolation.objects.create(
        day=timezone.now().date() - timedelta(days=500),
        directive="img-src",
        blocked="data:",
        route="home",
        count=3,
    )
    send(client, old_format())
    assert kept() == [("script-src-elem", "https://evil.example", "patient-detail", 1)]


def test_a_manager_reads_the_counts_in_the_admin_and_cannot_change_them(personas, client):
    send(client, old_format())
    manager = Client()
    manager.force_login(personas.manager)
    listed = manager.get("/admin/online/cspviolation/")
    assert listed.status_code == 200
    assert b"https://evil.example" in listed.content
    assert b"patient-detail" in listed.content
    assert manager.get("/admin/online/cspviolation/add/").status_code == 403


def test_the_sign_in_pages_own_reports_are_taken_before_the_second_factor(personas):
    staff_device(personas.front_desk)
    browser = Client()
    browser.post("/sign-in/", {"username": personas.front_desk.email, "password": PASSWORD})
    assert browser.get("/staff/desk/").status_code == 302  # halfway signed in

    assert (
        send(browser, old_format(document="https://clinic.example/sign-in/factor/")).status_code
        == 204
    )
    assert kept() == [("script-src-elem", "https://evil.example", "sign-in-factor", 1)]
