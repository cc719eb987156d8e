"""`make audit`: every locked package against the published vulnerabilities.

pip-audit reads requirements-dev.lock (which holds requirements.lock's packages at the same
versions, `make lint` checks) with its hashes and without installing anything, and asks
PyPI's vulnerability database (`--service osv`: OSV's) about each package's version.

Advisories that do not apply, or whose fix must wait, are listed in audit-ignore.toml, each
with its id, the reason and the date by which someone looks again; an entry past its date
fails the audit, as does an entry without a reason.

Exit codes: 0 nothing known; 1 a vulnerability (or pip-audit failed otherwise); 2 the ignore
list (or the command) is wrong, or has expired entries; 3 the vulnerability database could
not be reached, or did not answer for every package — then nothing is known either way, and
one line says so.
CI cannot reach the database, so this is not part of CI: run it by hand, before a release.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements-dev.lock"
IGNORE_FILE = ROOT / "audit-ignore.toml"

CLEAN, VULNERABLE, IGNORE_LIST_WRONG, UNREACHABLE = 0, 1, 2, 3

# What requests and pip-audit raise when no answer came back (no network, no name, a
# refusing proxy, a timeout, a certificate, the service answering with an error).
NO_ANSWER = re.compile(
    r"ConnectionError|ProxyError|Timeout|NameResolution|Max retries exceeded|SSLError"
    r"|ServiceError|ConnectionPool"
)


@dataclass(frozen=True)
class Ignored:
    id: str
    reason: str
    expires: date


def ignore_list(text: str, today: date) -> tuple[list[Ignored], list[str]]:
    """The entries still in force, and what is wrong with the file (one line each)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return [], [f"audit-ignore.toml is not valid TOML: {error}"]
    entries = data.get("ignore", [])
    if not isinstance(entries, list):
        return [], ["audit-ignore.toml: `ignore` must be a list of [[ignore]] entries"]
    kept: list[Ignored] = []
    problems: list[str] = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            problems.append(f"audit-ignore.toml: entry {number} is not a table")
            continue
        vuln_id = entry.get("id")
        reason = entry.get("reason")
        expires = entry.get("expires")
        name = vuln_id if isinstance(vuln_id, str) and vuln_id.strip() else f"entry {number}"
        unknown = sorted(set(entry) - {"id", "reason", "expires"})
        if name == f"entry {number}":
            problems.append(f"audit-ignore.toml: {name} has no id")
        if not isinstance(reason, str) or not reason.strip():
            problems.append(f"audit-ignore.toml: {name} has no reason")
        if not isinstance(expires, date) or isinstance(expires, datetime):
            problems.append(f"audit-ignore.toml: {name} has no expiry date (expires = YYYY-MM-DD)")
        elif expires < today:
            problems.append(
                f"audit-ignore.toml: {name} expired on {expires.isoformat()}: "
                "look at it again, then renew or remove it"
            )
        if unknown:
            problems.append(f"audit-ignore.toml: {name} has unknown keys {', '.join(unknown)}")
        if isinstance(vuln_id, str) and isinstance(reason, str) and isinstance(expires, date):
            kept.append(Ignored(vuln_id.strip(), reason.strip(), expires))
    return ([] if problems else kept), problems


def pip_audit_command(lock: Path, service: str, ignored: list[Ignored]) -> list[str]:
    pip_audit = str(Path(sys.executable).with_name("pip-audit"))
    command = [pip_audit, "-r", str(lock), "--require-hashes", "--disable-pip"]
    command += ["--progress-spinner", "off", "--format", "json", "--vulnerability-service", service]
    for entry in ignored:
        command += ["--ignore-vuln", entry.id]
    return command


@dataclass(frozen=True)
class Verdict:
    code: int
    lines: list[str]


def verdict(returncode: int, stdout: str, stderr: str, service: str) -> Verdict:
    """What pip-audit's run means, in plain lines. pip-audit itself says "No known
    vulnerabilities found" and exits 0 when the database answered "not found" for every
    package; here that is an audit that did not happen."""
    database = "OSV" if service == "osv" else "PyPI's vulnerability database"
    try:
        report = json.loads(stdout)
    except json.JSONDecodeError:
        report = None
    if not isinstance(report, dict):
        if NO_ANSWER.search(stderr):
            cause = next(
                (line.strip() for line in reversed(stderr.splitlines()) if line.strip()), ""
            )
            return Verdict(
                UNREACHABLE,
                [
                    f"The vulnerability database could not be reached ({database}): nothing "
                    f"was audited. ({cause[:200]})"
                ],
            )
        last = stderr.strip().splitlines()[-1:] or [f"exit code {returncode}"]
        return Verdict(VULNERABLE, [f"pip-audit failed: {last[0]}"])
    dependencies = report.get("dependencies", [])
    skipped = [d["name"] for d in dependencies if d.get("skip_reason")]
    found = [
        f"{d['name']} {d.get('version', '')}: {v['id']}"
        + (f" (fixed in {', '.join(v['fix_versions'])})" if v.get("fix_versions") else "")
        for d in dependencies
        for v in d.get("vulns", [])
    ]
    lines = [f"Vulnerable: {line}" for line in found]
    if skipped:
        answered = len(dependencies) - len(skipped)
        unreached = f"The vulnerability database could not be reached ({database}): "
        if answered == 0:
            unreached += f"it answered for none of the {len(dependencies)} locked packages"
            unreached += ", so nothing was audited."
        else:
            more = "…" if len(skipped) > 5 else ""
            unreached += f"it answered for {answered} of {len(dependencies)} locked packages"
            unreached += f" (not for {', '.join(skipped[:5])}{more}), so the audit is incomplete."
        lines.append(unreached)
    if found:
        return Verdict(VULNERABLE, lines)
    if skipped:
        return Verdict(UNREACHABLE, lines)
    return Verdict(CLEAN, [f"No known vulnerability in the {len(dependencies)} locked packages."])


def audit(
    today: date, service: str = "pypi", lock: Path = LOCK, ignore_file: Path = IGNORE_FILE
) -> Verdict:
    text = ignore_file.read_text() if ignore_file.exists() else ""
    ignored, problems = ignore_list(text, today)
    if problems:
        return Verdict(IGNORE_LIST_WRONG, problems)
    run = subprocess.run(  # noqa: S603 - our own arguments
        pip_audit_command(lock, service, ignored), capture_output=True, text=True, check=False
    )
    result = verdict(run.returncode, run.stdout, run.stderr, service)
    if ignored and result.code == CLEAN:
        result.lines.append(f"Ignored by audit-ignore.toml: {', '.join(e.id for e in ignored)}.")
    return result


def main(argv: list[str]) -> int:
    service = argv[argv.index("--service") + 1] if "--service" in argv else "pypi"
    if service not in {"pypi", "osv"}:
        print(f"--service is pypi or osv, not {service!r}")
        return IGNORE_LIST_WRONG
    result = audit(datetime.now(UTC).date(), service)
    for line in result.lines:
        print(line)
    return result.code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
