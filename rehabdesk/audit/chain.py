"""The audit trail's hash chain: each event carries a hash of its own content and of
the event before it, so a row removed, altered or slipped in afterwards shows.

`content_hash` of an event = SHA-256 of its canonical text (`canonical`: its fields and
its patients' ids), computed by `audit_record`. `chain_hash` = SHA-256 of the previous
event's chain_hash (GENESIS before the first) followed by the event's content_hash,
computed by the DATABASE as the row goes in, while it holds the chain
(`core.database.HashChain`, installed by triggers.py): events chain in id order, and
two transactions never chain to the same event. `verify_audit` (management command)
walks the chain and names the first row that does not follow (`walk`).

What the chain proves, and what not: anyone who can only INSERT and SELECT (the
application's database account) cannot change or remove a row unseen. Someone who can
rewrite the whole table can recompute every hash after the row they altered; and rows
cut off the END leave a shorter chain that still verifies. Both are caught by keeping
the head (`verify_audit` prints the last id and hash) somewhere the database's owner
cannot write, e.g. the nightly log shipped off the machine, and comparing.

BACKWARD COMPATIBLE ON PURPOSE: migration 0004_hash_chain imports this module to chain
the rows written before it. Never change what `canonical` writes or `content`/`link`
compute: every stored hash depends on them. A new field in an event needs a new
version of the canonical text, used from a recorded id on.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from rehabdesk.core import database

GENESIS = database.GENESIS
# The columns `canonical` reads, in its order (also what `walk` selects).
FIELDS = (
    "occurred_at",
    "actor_id",
    "actor_email",
    "action",
    "outcome",
    "object_type",
    "object_id",
    "summary",
    "location_id",
    "request_id",
    "ip_address",
)


def canonical(values: Sequence[Any], patient_ids: Iterable[int]) -> bytes:
    """The event's content as one unambiguous text: FIELDS' values in order, then its
    patients' ids sorted, as compact JSON."""
    occurred_at, *rest = values
    ip = rest[-1]
    rest[-1] = ipaddress.ip_address(str(ip)).compressed if ip else None
    moment = _utc(occurred_at)
    return json.dumps(
        ["v1", moment, *rest, sorted(patient_ids)], separators=(",", ":"), ensure_ascii=False
    ).encode()


def content(values: Sequence[Any], patient_ids: Iterable[int]) -> str:
    """The hash of an event's own content (its `content_hash`)."""
    return hashlib.sha256(canonical(values, patient_ids)).hexdigest()


def link(previous: str, content_hash: str) -> str:
    """The hash an event chains with (its `chain_hash`), as the database computes it."""
    return hashlib.sha256((previous + content_hash).encode()).hexdigest()


def _utc(value: datetime | str) -> str:
    if isinstance(value, str):  # a raw SQLite read in a migration
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:  # SQLite without Django's converters stores UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class Break:
    """The first event that does not follow: its id, the id before it (None for the
    first), and why."""

    event_id: int
    previous_id: int | None
    reason: str


@dataclass(frozen=True)
class Walked:
    """The chain walked: how many events, the last one's id and hash, the first break."""

    events: int
    head_id: int | None
    head_hash: str
    broken: Break | None


def walk(rows: Iterator[tuple[int, str, str, Sequence[Any], list[int]]]) -> Walked:
    """Check each (id, content_hash, chain_hash, FIELDS values, patient ids), in id
    order, against its content and the one before; stop at the first that does not
    follow."""
    previous_hash, previous_id, count = GENESIS, None, 0
    for event_id, content_hash, chain_hash, values, patient_ids in rows:
        count += 1
        reason = ""
        if not chain_hash:
            reason = "it has no hash: it was not written by audit_record"
        elif content(values, patient_ids) != content_hash:
            reason = "its content does not match its hash: the row or its patients were altered"
        elif link(previous_hash, content_hash) != chain_hash:
            reason = (
                "it does not chain to the event before it: a row between them was "
                "removed, or the one before it was rewritten"
            )
        if reason:
            return Walked(count, previous_id, previous_hash, Break(event_id, previous_id, reason))
        previous_hash, previous_id = chain_hash, event_id
    return Walked(count, previous_id, previous_hash, None)
