"""The body chart's vocabulary: the regions a practitioner marks on the figure and the
marks they use. A chart is stored as data — a list of {"region", "mark"} — never as a
picture, so it can be read, compared, printed and searched. The figure the pages draw
(web/templates/web/care/_body_chart.svg) has one shape per region code below, front
and back views.
"""

from __future__ import annotations

# (code, label): front and back views, left and right as the patient's own.
REGIONS: tuple[tuple[str, str], ...] = (
    ("head", "Head"),
    ("face", "Face and jaw"),
    ("neck_front", "Front of neck"),
    ("neck_back", "Back of neck"),
    ("shoulder_left", "Left shoulder"),
    ("shoulder_right", "Right shoulder"),
    ("chest", "Chest"),
    ("upper_back", "Upper back"),
    ("mid_back", "Mid back"),
    ("low_back", "Low back"),
    ("abdomen", "Abdomen"),
    ("pelvis", "Pelvis and groin"),
    ("buttock_left", "Left buttock"),
    ("buttock_right", "Right buttock"),
    ("upper_arm_left", "Left upper arm"),
    ("upper_arm_right", "Right upper arm"),
    ("elbow_left", "Left elbow"),
    ("elbow_right", "Right elbow"),
    ("forearm_left", "Left forearm"),
    ("forearm_right", "Right forearm"),
    ("hand_left", "Left wrist and hand"),
    ("hand_right", "Right wrist and hand"),
    ("hip_left", "Left hip"),
    ("hip_right", "Right hip"),
    ("thigh_front_left", "Front of left thigh"),
    ("thigh_front_right", "Front of right thigh"),
    ("thigh_back_left", "Back of left thigh"),
    ("thigh_back_right", "Back of right thigh"),
    ("knee_left", "Left knee"),
    ("knee_right", "Right knee"),
    ("calf_left", "Left calf and shin"),
    ("calf_right", "Right calf and shin"),
    ("ankle_left", "Left ankle and foot"),
    ("ankle_right", "Right ankle and foot"),
)

# (code, label): what a mark on a region says.
MARKS: tuple[tuple[str, str], ...] = (
    ("pain", "Pain"),
    ("ache", "Ache"),
    ("numbness", "Numbness"),
    ("tingling", "Pins and needles"),
    ("stiffness", "Stiffness"),
    ("treated", "Treated"),
)

REGION_CODES = frozenset(code for code, _ in REGIONS)
MARK_CODES = frozenset(code for code, _ in MARKS)
REGION_NAMES = dict(REGIONS)
MARK_NAMES = dict(MARKS)
MAX_MARKS = 2 * len(REGIONS) * len(MARKS)


def describe(marks: list[dict[str, str]]) -> str:
    """A chart in words, for the printed copy and screen readers: "Pain: Low back, Left
    hip; Treated: Low back"."""
    by_mark: dict[str, list[str]] = {}
    for entry in marks:
        by_mark.setdefault(entry["mark"], []).append(REGION_NAMES[entry["region"]])
    return "; ".join(
        f"{MARK_NAMES[mark]}: {', '.join(regions)}"
        for mark, _ in MARKS
        if (regions := by_mark.get(mark))
    )
