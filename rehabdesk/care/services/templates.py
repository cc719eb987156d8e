"""Writes of the clinic's note templates and phrase snippets, by its managers.

A template is published version by version: a manager's change is the next version
under the same code, made current, and the previous one is kept (not current) because
notes refer to the version they were written on. Nothing here deletes: a snippet no
longer wanted is deactivated. Templates and snippets hold no health information, so
they are not on the audit trail; who published a version is on the version itself
(`published_by`) and in the admin's history.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from rehabdesk.accounts.models import User
from rehabdesk.care.choices import VisitType
from rehabdesk.care.definition import (
    LINE_MAX,
    TEXT_DEFAULT,
    Definition,
    Field,
    FieldKind,
    definition_from_data,
)
from rehabdesk.care.errors import CareError, CareErrorCode
from rehabdesk.care.models import NoteTemplate, Snippet
from rehabdesk.clinic.models import Discipline

TEMPLATE_CODE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
TEMPLATE_CODE_MAX = 60
NAME_MAX = 120
SHORTCUT = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
SHORTCUT_MAX = 30
SNIPPET_MAX = 2000


def note_template_check(
    *,
    code: str,
    name: str,
    discipline: Discipline | None,
    visit_type: str,
    definition: Mapping[str, Any],
    based_on: int | None = None,
) -> Definition:
    """Check a version before it is published (the admin's form asks first, so a
    refusal shows next to its field) and return its definition, read. Refuses a code
    that is not lower-case words joined by hyphens, an empty name, an unknown kind of
    visit, a definition the format does not accept (`definition_from_data` names the
    place), a discipline other than the earlier versions', and — when `based_on` says
    which version the manager started from (0: a new template) — a version published
    since."""
    _check_code(code)
    if not name.strip() or len(name.strip()) > NAME_MAX:
        raise CareError(
            CareErrorCode.INVALID, f"A name of 1 to {NAME_MAX} characters.", field="name"
        )
    if visit_type not in VisitType.values:
        raise CareError(CareErrorCode.INVALID, "Choose a kind of visit.", field="visit_type")
    read = definition_from_data(definition)
    current = (
        NoteTemplate.objects.filter(code=code)
        .order_by("-version")
        .values("version", "discipline_id")
        .first()
    )
    _check_same_template(current, discipline, based_on)
    return read


def note_template_publish(
    *,
    actor: User | None,
    code: str,
    name: str,
    discipline: Discipline | None,
    visit_type: str,
    definition: Mapping[str, Any],
    now: datetime,
    based_on: int | None = None,
) -> NoteTemplate:
    """Publish the next version of template `code` (version 1 for a new code): current
    from now on, the previous version kept and no longer current. New notes are written
    on it; notes begun on an earlier version keep theirs. The definition is stored as it
    was read (unknown keys dropped), so what is on file is exactly what was checked.
    Refuses what `note_template_check` refuses, and a publication identical to the
    current version."""
    read = note_template_check(
        code=code,
        name=name,
        discipline=discipline,
        visit_type=visit_type,
        definition=definition,
        based_on=based_on,
    )
    stored = definition_as_data(read)
    name = name.strip()
    try:
        with transaction.atomic():
            # Locking the code's versions makes a second manager publishing at the same
            # moment wait; the read after the lock (a statement of its own, so it sees
            # what the first committed) numbers after theirs, or `based_on` refuses.
            list(NoteTemplate.objects.select_for_update().filter(code=code).only("pk"))
            latest = NoteTemplate.objects.filter(code=code).order_by("-version").first()
            _check_same_template(
                {"version": latest.version, "discipline_id": latest.discipline_id}
                if latest
                else None,
                discipline,
                based_on,
            )
            if (
                latest is not None
                and latest.current
                and (latest.name, latest.visit_type, latest.definition)
                == (name, visit_type, stored)
            ):
                raise CareError(
                    CareErrorCode.INVALID,
                    f"Nothing changed from version {latest.version}: nothing to publish.",
                )
            NoteTemplate.objects.filter(code=code, current=True).update(current=False)
            return NoteTemplate.objects.create(
                code=code,
                version=(latest.version if latest else 0) + 1,
                name=name,
                discipline=discipline,
                visit_type=visit_type,
                definition=stored,
                current=True,
                published_at=now,
                published_by=actor,
            )
    except IntegrityError:
        # Two first versions of a new code at once: nothing to lock yet, so the unique
        # (code, version) decides, and the loser is told.
        raise CareError(
            CareErrorCode.TEMPLATE_CHANGED,
            "A template with this code was published meanwhile: start from its current version.",
            field="code",
        ) from None


def _check_code(code: str) -> None:
    if len(code) > TEMPLATE_CODE_MAX or not TEMPLATE_CODE.fullmatch(code):
        raise CareError(
            CareErrorCode.INVALID,
            "A code is lower-case letters and digits, words joined by hyphens "
            f"(e.g. sports-follow-up), at most {TEMPLATE_CODE_MAX} characters.",
            field="code",
        )


def _check_same_template(
    latest: Mapping[str, Any] | None, discipline: Discipline | None, based_on: int | None
) -> None:
    """A new version stays the same template: the same discipline, and published from
    the version that is the latest now."""
    version = latest["version"] if latest else 0
    if based_on is not None and based_on != version:
        message = (
            "A template with this code exists: publish from its current version."
            if based_on == 0
            else f"Version {version} was published since you started from version "
            f"{based_on}: start again from version {version}."
        )
        raise CareError(CareErrorCode.TEMPLATE_CHANGED, message, field="code")
    wanted = discipline.pk if discipline else None
    if latest is not None and latest["discipline_id"] != wanted:
        raise CareError(
            CareErrorCode.INVALID,
            "A new version keeps the template's discipline; for another discipline, "
            "publish a template with a new code.",
            field="discipline",
        )


def definition_as_data(definition: Definition) -> dict[str, Any]:
    """A read definition as the JSON it is stored as: the settings that differ from
    their defaults, nothing else (the shipped files read back to themselves)."""
    return {
        "sections": [
            {
                "code": section.code,
                "title": section.title,
                **({"copy_forward": True} if section.copy_forward else {}),
                "fields": [_field_as_data(field) for field in section.fields],
            }
            for section in definition.sections
        ]
    }


def _field_as_data(field: Field) -> dict[str, Any]:
    data: dict[str, Any] = {"code": field.code, "label": field.label, "kind": str(field.kind)}
    if field.hint:
        data["hint"] = field.hint
    if field.required_to_sign:
        data["required_to_sign"] = True
    default_length = TEXT_DEFAULT if field.kind == FieldKind.TEXT else LINE_MAX
    if field.kind in (FieldKind.TEXT, FieldKind.LINE) and field.max_length != default_length:
        data["max_length"] = field.max_length
    if field.minimum is not None:
        data["min"] = _number(field.minimum)
    if field.maximum is not None:
        data["max"] = _number(field.maximum)
    if field.unit:
        data["unit"] = field.unit
    if field.options:
        data["options"] = [[code, label] for code, label in field.options]
    if field.kind == FieldKind.TABLE:
        data["columns"] = [_field_as_data(column) for column in field.columns]
        data["max_rows"] = field.max_rows
    if field.role:
        data["role"] = str(field.role)
    return data


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() else value


def snippet_check(*, snippet: Snippet) -> None:
    """Check a snippet before it is saved (the admin's form asks first): a shortcut of
    lower-case letters and digits (words joined by - or _) that no other snippet has,
    and a phrase of 1 to 2,000 characters. Normalises both in place."""
    snippet.shortcut = snippet.shortcut.strip().lstrip(";").lower()
    snippet.text = snippet.text.replace("\r\n", "\n").strip()
    if len(snippet.shortcut) > SHORTCUT_MAX or not SHORTCUT.fullmatch(snippet.shortcut):
        raise CareError(
            CareErrorCode.INVALID,
            f"A shortcut is lower-case letters and digits (e.g. hep), at most "
            f"{SHORTCUT_MAX} characters.",
            field="shortcut",
        )
    if Snippet.objects.filter(shortcut=snippet.shortcut).exclude(pk=snippet.pk).exists():
        raise CareError(
            CareErrorCode.INVALID,
            f"The shortcut ;{snippet.shortcut} is taken: choose another.",
            field="shortcut",
        )
    if not snippet.text:
        raise CareError(CareErrorCode.INVALID, "A snippet needs its phrase.", field="text")
    if len(snippet.text) > SNIPPET_MAX:
        raise CareError(
            CareErrorCode.TOO_LONG,
            f"At most {SNIPPET_MAX:,} characters ({len(snippet.text):,} written).",
            field="text",
        )


def snippet_save(*, snippet: Snippet) -> Snippet:
    """Add a snippet or change one: its shortcut, phrase, discipline, or whether it is
    offered (`active` False deactivates it; nothing is deleted). Refusals as
    `snippet_check`."""
    snippet_check(snippet=snippet)
    try:
        with transaction.atomic():
            snippet.save()
    except IntegrityError:
        # Another manager took the shortcut between the check and the save.
        raise CareError(
            CareErrorCode.INVALID,
            f"The shortcut ;{snippet.shortcut} is taken: choose another.",
            field="shortcut",
        ) from None
    return snippet
