"""The treatment modalities alerts speak of (the rule set's vocabulary, contract of
issue 21), with the words the practitioner's pages use."""

from __future__ import annotations

from rehabdesk.guidance import rules

MODALITIES: dict[str, str] = {
    "massage": "Massage",
    "deep_pressure": "Deep pressure",
    "manual_therapy": "Manual therapy",
    "spinal_manipulation": "Spinal manipulation",
    "exercise": "Exercise",
    "electrotherapy": "Electrotherapy",
    "heat": "Heat",
    "needling": "Needling (acupuncture, dry needling)",
    "internal_pelvic": "Internal pelvic examination or treatment",
    "bracing": "Bracing",
}
# What a red flag holds until a clinician has looked: everything done with the hands
# or through the skin (domain reference §2.1, design note 1) — the rule set's own.
HANDS_ON = frozenset(str(modality) for modality in rules.HANDS_ON)
assert set(MODALITIES) == {str(modality) for modality in rules.Modality}


def modality_names(codes: list[str]) -> str:
    return ", ".join(MODALITIES.get(code, code) for code in codes)
