"""The SHA-256 of every published rule file. A published file is never edited: what an
earlier visitor was told must stay what its version says. A test compares each file with
its digest here, so changing one fails the build; a change is a new version (a new file
and a new line here)."""

from __future__ import annotations

PUBLISHED: dict[int, str] = {
    1: "8390ead0e4bad465961bd8893a9c3ab0128a01bf5073cba1973962391f1b7ceb",
}
