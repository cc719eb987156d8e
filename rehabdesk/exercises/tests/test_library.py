"""The shipped exercise library: at least 40 exercises, in every region the clinic
treats, each with a stable unique code, steps, what to feel and when to stop, and a
default dosage a prescription accepts — loaded whole by the data migration, and never
edited once published (its SHA-256 is pinned: a change is a new file)."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

import pytest

from rehabdesk.exercises import services
from rehabdesk.exercises.choices import BodyRegion
from rehabdesk.exercises.models import Exercise

LIBRARY = Path(__file__).resolve().parent.parent / "library" / "v1.toml"
PUBLISHED_SHA256 = "c74650cabdfc060a687eed93e2fa847cd835f8d7510dd0fefc199de4a593d6e6"
REGIONS_REQUIRED = {
    BodyRegion.NECK,
    BodyRegion.SHOULDER,
    BodyRegion.ELBOW_WRIST_HAND,
    BodyRegion.UPPER_BACK,
    BodyRegion.LOWER_BACK,
    BodyRegion.CORE,
    BodyRegion.HIP,
    BodyRegion.KNEE,
    BodyRegion.ANKLE_FOOT,
    BodyRegion.BALANCE,
    BodyRegion.PELVIC_FLOOR,
}


def entries() -> list[dict]:
    return tomllib.loads(LIBRARY.read_text("utf-8"))["exercise"]


def test_it_ships_at_least_40_exercises_with_unique_codes_in_every_region():
    library = entries()
    codes = [entry["code"] for entry in library]
    assert len(library) >= 40
    assert len(codes) == len(set(codes)), "codes are unique"
    assert {entry["region"] for entry in library} <= set(BodyRegion.values)
    assert {entry["region"] for entry in library} >= REGIONS_REQUIRED


@pytest.mark.parametrize("entry", entries(), ids=lambda entry: entry["code"])
def test_each_exercise_is_complete_and_dosed_within_a_prescription_s_bounds(entry):
    assert entry["code"] == entry["code"].lower()
    assert " " not in entry["code"]
    assert entry["name"].strip()
    assert len(entry["name"]) <= 120
    assert len(entry["steps"]) >= 2
    assert all(step.strip() for step in entry["steps"])
    assert entry["feel"].strip()
    assert entry["stop"].strip()
    low, high = services.SETS
    assert low <= entry["sets"] <= high
    assert "reps" in entry or "hold" in entry
    if "reps" in entry:
        assert services.REPS[0] <= entry["reps"] <= services.REPS[1]
    if "hold" in entry:
        assert services.HOLD_SECONDS[0] <= entry["hold"] <= services.HOLD_SECONDS[1]


def test_the_published_file_never_changes():
    assert hashlib.sha256(LIBRARY.read_bytes()).hexdigest() == PUBLISHED_SHA256


@pytest.mark.django_db
def test_the_migration_loaded_every_exercise_with_numbered_steps_feel_and_stop():
    library = entries()
    loaded = {e.code: e for e in Exercise.objects.all()}
    assert set(loaded) == {entry["code"] for entry in library}
    bridge = loaded["hip-bridge"]
    assert bridge.body_region == BodyRegion.HIP
    assert bridge.active
    assert (bridge.default_sets, bridge.default_reps, bridge.default_hold_seconds) == (3, 10, 3)
    assert bridge.instructions.startswith("1. Lie on your back")
    assert "\n2. Squeeze" in bridge.instructions
    assert "What you should feel: Your buttocks" in bridge.instructions
    assert "When to stop: Stop if you get cramps" in bridge.instructions
    assert loaded["whole-body-walk"].default_dosage == "1 time, 10 min each"
    assert bridge.default_dosage == "3 sets of 10 reps, hold 3 s"
    for exercise in loaded.values():
        services.exercise_check(exercise=exercise)
