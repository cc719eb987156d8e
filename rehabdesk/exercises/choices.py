from __future__ import annotations

from django.db import models


class BodyRegion(models.TextChoices):
    NECK = "neck", "Neck"
    SHOULDER = "shoulder", "Shoulder"
    ELBOW_WRIST_HAND = "elbow_wrist_hand", "Elbow, wrist and hand"
    UPPER_BACK = "upper_back", "Upper back"
    LOWER_BACK = "lower_back", "Lower back"
    HIP = "hip", "Hip"
    KNEE = "knee", "Knee"
    ANKLE_FOOT = "ankle_foot", "Ankle and foot"
    CORE = "core", "Core"
    BALANCE = "balance", "Balance"
    PELVIC_FLOOR = "pelvic_floor", "Pelvic floor"
    WHOLE_BODY = "whole_body", "Whole body"
