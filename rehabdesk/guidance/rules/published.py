"""The SHA-256 of every published rule file. A published file is never edited: what an
earlier visitor was told must stay what its version says. A test compares each file with
its digest here, so changing one fails the build; a change is a new version (a new file
and a new line here)."""

from __future__ import annotations

PUBLISHED: dict[int, str] = {
    1: "f492a6bd824772f49d0345963593ee0e9942c93ac05945705ec40155fdc35332",
}
