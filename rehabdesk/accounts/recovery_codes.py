"""How a staff member's recovery codes are kept: never as typed, only a keyed digest.

A recovery code is a second factor; a copy of django-otp's token table (a backup, a
read-only database account, an injection) must not hand them out. Each code is kept
as an HMAC of the code keyed by SECRET_KEY (`salted_hmac`), cut to the 16 characters
of django-otp's StaticToken.token: the table alone cannot be tried offline, and the
code typed is digested the same way before django-otp looks it up, so its throttling
and single use work unchanged.

Changing SECRET_KEY therefore invalidates every recovery code (docs/permissions.md).

Here, below `security` (which issues and checks codes), because accounts' migration
0006 turns the codes kept in plain by earlier versions into digests with it.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.utils.crypto import salted_hmac

# 12 base32 characters, 60 bits: shown as xxxx-xxxx-xxxx.
ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
LENGTH = 12
GROUP = 4
_SALT = "rehabdesk.recovery-code"
_DIGEST = re.compile(r"[0-9a-f]{16}")


def recovery_code_new() -> str:
    """A new code, as shown: lower case, in groups of four."""
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(code[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def recovery_code_digest(code: str) -> str:
    """What is kept for a code (and looked up for a code typed), given the code
    already normalised: lower case, no spaces or dashes."""
    return salted_hmac(_SALT, code, algorithm="sha256").hexdigest()[:16]


def recovery_codes_digest_plain(token_model: Any) -> int:
    """Codes kept in plain by an earlier version (eight base32 characters, lower case)
    turned into their digest in place, so they keep working. A digest (16 hex
    characters, which no plain code ever was) is left as it is: running this twice
    changes nothing. `token_model` is django-otp's StaticToken (the migration's
    historical one). Returns how many were turned."""
    plain = [t for t in token_model.objects.only("pk", "token") if not _DIGEST.fullmatch(t.token)]
    for token in plain:
        token.token = recovery_code_digest(re.sub(r"[\s-]", "", token.token).lower())
    token_model.objects.bulk_update(plain, ["token"], batch_size=500)
    return len(plain)
