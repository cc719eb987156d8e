"""The SHA-256 of every published rule file. A published file is never edited: what an
earlier visitor was told must stay what its version says. A test compares each file with
its digest here, so changing one fails the build; a change is a new version (a new file
and a new line here)."""

from __future__ import annotations

PUBLISHED: dict[int, str] = {
    1: "65a7492a8e321ab43ed3b761b20876be2f5ba892119b609bc7fb46c1f478f8e4",
}
