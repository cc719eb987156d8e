"""Turning a message template and its context into the subject and bodies stored in
the outbox. Templates live in templates/notifications/ (README.md there lists the
context each kind can rely on)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.template import Context, Engine, TemplateDoesNotExist

from rehabdesk.notifications.models import SUBJECT_MAX_LENGTH

# A name the context lacks renders as this marker, so a template that asks for a value
# nobody gave fails loudly instead of greeting "Hello ,".
_MISSING = "\x00missing:%s\x00"
_MISSING_FOUND = re.compile("\x00missing:([^\x00]*)\x00")
_TEMPLATE_NAME = re.compile(r"[a-z][a-z0-9_]*")
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    body_text: str
    body_html: str


@cache
def _engine(debug: bool) -> Engine:
    """Our own engine: the project's would render a missing value as nothing. It finds
    templates in the apps' templates/ folders, like the project's, and caches them
    except while developing."""
    loaders: list[object] = ["django.template.loaders.app_directories.Loader"]
    if not debug:
        loaders = [("django.template.loaders.cached.Loader", loaders)]
    return Engine(loaders=loaders, string_if_invalid=_MISSING, autoescape=True)


def render_message(template: str, context: Mapping[str, object]) -> RenderedMessage:
    """Render notifications/<template>_subject.txt, <template>.txt and, when it
    exists, <template>.html.

    The HTML is autoescaped; the subject and the text are not (they are not HTML).
    The subject becomes one line of at most SUBJECT_MAX_LENGTH characters. A value
    of None renders as empty. Every name a template uses must be in `context`:
    ValueError names the first one missing, as it does an over-long or empty subject.
    """
    if not _TEMPLATE_NAME.fullmatch(template):
        raise ValueError(f"a template name is a lower-case slug, not {template!r}")
    values = {key: "" if value is None else value for key, value in context.items()}
    engine = _engine(settings.DEBUG)
    subject = " ".join(
        _render(engine, f"notifications/{template}_subject.txt", values, html=False).split()
    )
    if not subject:
        raise ValueError(f"notifications/{template}_subject.txt rendered an empty subject")
    if len(subject) > SUBJECT_MAX_LENGTH:
        raise ValueError(
            f"notifications/{template}_subject.txt rendered {len(subject)} characters; "
            f"a subject is at most {SUBJECT_MAX_LENGTH} (and never health detail)"
        )
    values["subject"] = subject
    text = _render(engine, f"notifications/{template}.txt", values, html=False)
    text = _BLANK_LINES.sub("\n\n", "\n".join(line.rstrip() for line in text.splitlines()))
    try:
        engine.get_template(f"notifications/{template}.html")
    except TemplateDoesNotExist:
        html = ""  # a text-only kind
    else:
        html = _render(engine, f"notifications/{template}.html", values, html=True)
    return RenderedMessage(
        subject=subject,
        body_text=text.strip() + "\n",
        body_html=html.strip() + "\n" if html.strip() else "",
    )


def _render(engine: Engine, name: str, values: dict[str, object], *, html: bool) -> str:
    rendered = engine.get_template(name).render(Context(values, autoescape=html))
    missing = _MISSING_FOUND.search(rendered)
    if missing:
        raise ValueError(f"{name} uses {{{{ {missing.group(1)} }}}}, which the context lacks")
    return rendered
