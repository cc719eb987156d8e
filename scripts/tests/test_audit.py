"""`make audit`: the ignore list's rules, what pip-audit's answers mean, and one real run
of pip-audit that cannot reach its database."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from pathlib import Path

import pytest

from scripts.audit import (
    CLEAN,
    IGNORE_LIST_WRONG,
    UNREACHABLE,
    VULNERABLE,
    Ignored,
    Verdict,
    audit,
    ignore_list,
    pip_audit_command,
    verdict,
)
from scripts.lock import DEV_LOCK, ROOT

TODAY = date(2026, 12, 6)
ENTRY = '[[ignore]]\nid = "GHSA-aaaa-bbbb-cccc"\nreason = "Only the CLI, never called."\n'


@pytest.mark.parametrize(
    ("text", "kept", "problems"),
    [
        ("", [], []),
        ("ignore = []", [], []),
        (
            ENTRY + "expires = 2027-01-31\n",
            [Ignored("GHSA-aaaa-bbbb-cccc", "Only the CLI, never called.", date(2027, 1, 31))],
            [],
        ),
        (  # the last day is still in force
            ENTRY + "expires = 2026-12-06\n",
            [Ignored("GHSA-aaaa-bbbb-cccc", "Only the CLI, never called.", TODAY)],
            [],
        ),
        (
            ENTRY + "expires = 2026-12-05\n",
            [],
            [
                "audit-ignore.toml: GHSA-aaaa-bbbb-cccc expired on 2026-12-05: "
                "look at it again, then renew or remove it"
            ],
        ),
        (
            '[[ignore]]\nid = "PYSEC-1"\nreason = " "\nexpires = 2027-01-31\n',
            [],
            ["audit-ignore.toml: PYSEC-1 has no reason"],
        ),
        (
            ENTRY,
            [],
            ["audit-ignore.toml: GHSA-aaaa-bbbb-cccc has no expiry date (expires = YYYY-MM-DD)"],
        ),
        (
            ENTRY + "expires = 2027-01-31T10:00:00Z\n",
            [],
            ["audit-ignore.toml: GHSA-aaaa-bbbb-cccc has no expiry date (expires = YYYY-MM-DD)"],
        ),
        (
            '[[ignore]]\nreason = "r"\nexpires = 2027-01-31\n',
            [],
            ["audit-ignore.toml: entry 1 has no id"],
        ),
        (
            ENTRY + "expires = 2027-01-31\nowner = 'me'\n",
            [],
            ["audit-ignore.toml: GHSA-aaaa-bbbb-cccc has unknown keys owner"],
        ),
        (
            'ignore = "GHSA-1"',
            [],
            ["audit-ignore.toml: `ignore` must be a list of [[ignore]] entries"],
        ),
    ],
    ids=[
        "empty file",
        "empty list",
        "in force",
        "on its last day",
        "expired",
        "no reason",
        "no expiry",
        "a time, not a date",
        "no id",
        "an unknown key",
        "not a list",
    ],
)
def test_the_ignore_list_needs_an_id_a_reason_and_a_date_to_come(text, kept, problems):
    assert ignore_list(text, TODAY) == (kept, problems)


def test_a_file_that_is_not_toml_is_refused():
    kept, problems = ignore_list("[[ignore]\n", TODAY)
    assert kept == []
    assert problems[0].startswith("audit-ignore.toml is not valid TOML")


def test_each_entry_in_force_is_passed_to_pip_audit():
    ignored = [Ignored("GHSA-1", "r", TODAY), Ignored("PYSEC-2", "r", TODAY)]
    command = pip_audit_command(Path("lock.txt"), "osv", ignored)
    assert command[1:] == [
        "-r",
        "lock.txt",
        "--require-hashes",
        "--disable-pip",
        "--progress-spinner",
        "off",
        "--format",
        "json",
        "--vulnerability-service",
        "osv",
        "--ignore-vuln",
        "GHSA-1",
        "--ignore-vuln",
        "PYSEC-2",
    ]


def report(*dependencies: Mapping[str, object]) -> str:
    """pip-audit's JSON report (`--format json`)."""
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


DJANGO = {"name": "django", "version": "5.2.19", "vulns": []}
SQLPARSE = {"name": "sqlparse", "version": "0.6.1", "vulns": []}
NOT_FOUND = {"skip_reason": "Dependency not found on PyPI and could not be audited"}
HOLE = {"id": "GHSA-2222", "fix_versions": ["5.2.20"], "aliases": [], "description": "d"}


@pytest.mark.parametrize(
    ("returncode", "stdout", "stderr", "code", "lines"),
    [
        (
            0,
            report(DJANGO, SQLPARSE),
            "",
            CLEAN,
            ["No known vulnerability in the 2 locked packages."],
        ),
        (
            1,
            report({**DJANGO, "vulns": [HOLE]}, SQLPARSE),
            "",
            VULNERABLE,
            ["Vulnerable: django 5.2.19: GHSA-2222 (fixed in 5.2.20)"],
        ),
        (  # pip-audit says "No known vulnerabilities found" and exits 0 here
            0,
            report({"name": "django", **NOT_FOUND}, {"name": "sqlparse", **NOT_FOUND}),
            "",
            UNREACHABLE,
            [
                "The vulnerability database could not be reached (PyPI's vulnerability "
                "database): it answered for none of the 2 locked packages, so nothing was audited."
            ],
        ),
        (
            0,
            report(DJANGO, {"name": "sqlparse", **NOT_FOUND}),
            "",
            UNREACHABLE,
            [
                "The vulnerability database could not be reached (PyPI's vulnerability "
                "database): it answered for 1 of 2 locked packages (not for sqlparse), so the "
                "audit is incomplete."
            ],
        ),
        (
            1,
            "",
            "Traceback …\nrequests.exceptions.ConnectionError: "
            "HTTPSConnectionPool(host='api.osv.dev')",
            UNREACHABLE,
            [
                "The vulnerability database could not be reached (PyPI's vulnerability "
                "database): nothing was audited. (requests.exceptions.ConnectionError: "
                "HTTPSConnectionPool(host='api.osv.dev'))"
            ],
        ),
        (
            2,
            "",
            "pip-audit: error: unrecognized arguments: --x",
            VULNERABLE,
            ["pip-audit failed: pip-audit: error: unrecognized arguments: --x"],
        ),
    ],
    ids=["clean", "vulnerable", "no answer at all", "some answers", "no connection", "failed"],
)
def test_what_pip_audit_answered_means(returncode, stdout, stderr, code, lines):
    assert verdict(returncode, stdout, stderr, "pypi") == Verdict(code, lines)


def test_an_expired_entry_stops_the_audit_before_pip_audit_runs(tmp_path: Path):
    ignore_file = tmp_path / "audit-ignore.toml"
    ignore_file.write_text(ENTRY + "expires = 2026-01-31\n")
    result = audit(TODAY, lock=tmp_path / "no-such.lock", ignore_file=ignore_file)
    assert result.code == IGNORE_LIST_WRONG
    assert result.lines == [
        "audit-ignore.toml: GHSA-aaaa-bbbb-cccc expired on 2026-01-31: "
        "look at it again, then renew or remove it"
    ]


def test_it_says_in_one_line_when_the_database_cannot_be_reached(tmp_path, monkeypatch):
    """pip-audit for real, on two locked packages, through a proxy nobody answers on."""
    lock = tmp_path / "small.lock"
    dev = (ROOT / DEV_LOCK).read_text()
    lock.write_text(dev[dev.index("\nannotated-types==") + 1 : dev.index("\nast-serialize==") + 1])
    assert lock.read_text().count("==") == 2
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for proxy in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(proxy, "http://127.0.0.1:9")
    for exempt in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(exempt, raising=False)
    result = audit(TODAY, lock=lock, ignore_file=tmp_path / "absent.toml")
    assert result.code == UNREACHABLE
    [line] = result.lines
    assert line.startswith(
        "The vulnerability database could not be reached (PyPI's vulnerability database): "
        "nothing was audited."
    )
