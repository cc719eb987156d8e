"""Reads of API tokens for the pages: a person's own, or every one (the manager's)."""

from __future__ import annotations

from django.db.models import QuerySet

from rehabdesk.apitokens.choices import TokenKind
from rehabdesk.apitokens.models import ApiToken

# The list shows the newest this many: revoked tokens stay on file, never deleted.
LISTED = 200


def _with_people() -> QuerySet[ApiToken]:
    return ApiToken.objects.select_related("user", "created_by", "revoked_by")


def tokens_listed(*, owner_id: int | None) -> list[ApiToken]:
    """Every token (owner_id None: the manager's list), or one person's personal ones."""
    tokens = _with_people()
    if owner_id is not None:
        tokens = tokens.filter(kind=TokenKind.PERSONAL, user_id=owner_id)
    return list(tokens[:LISTED])


def token_found(*, token_id: int, owner_id: int | None) -> ApiToken | None:
    """One token, or None when there is none by that id among those `owner_id` (None:
    anyone's) may manage."""
    tokens = _with_people().filter(pk=token_id)
    if owner_id is not None:
        tokens = tokens.filter(kind=TokenKind.PERSONAL, user_id=owner_id)
    return tokens.first()
