"""The outcome measures Rehabdesk scores, by code. Pure Python: no Django.

The code is what callers pass to `score` and what the database stores with every
result; it never changes once shipped (a new scoring of an instrument is a new
`version` of it, docs/algorithms/outcome-measures.md).
"""

from __future__ import annotations

from enum import StrEnum


class Instrument(StrEnum):
    NPRS = "nprs"  # Numeric Pain Rating Scale, 0-10
    ODI = "odi"  # Oswestry Disability Index v2.1a (wording licensed: the clinic enters it)
    NDI = "ndi"  # Neck Disability Index (wording licensed: the clinic enters it)
    LEFS = "lefs"  # Lower Extremity Functional Scale
    QUICKDASH = "quickdash"  # QuickDASH (wording licensed: the clinic enters it)
    PSFS = "psfs"  # Patient-Specific Functional Scale
    GROC = "groc"  # Global Rating of Change, -7..+7

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    Instrument.NPRS: "Pain rating (NPRS)",
    Instrument.ODI: "Oswestry Disability Index (ODI)",
    Instrument.NDI: "Neck Disability Index (NDI)",
    Instrument.LEFS: "Lower Extremity Functional Scale (LEFS)",
    Instrument.QUICKDASH: "QuickDASH",
    Instrument.PSFS: "Patient-Specific Functional Scale (PSFS)",
    Instrument.GROC: "Global Rating of Change (GROC)",
}
INSTRUMENT_CHOICES = [(instrument.value, instrument.label) for instrument in Instrument]
