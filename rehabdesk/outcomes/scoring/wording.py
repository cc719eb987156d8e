"""Our own words for the instruments whose wording Rehabdesk ships: NPRS, PSFS, GROC.

Written here in plain language (a grade-6 reader, a phone screen), not copied from any
published form. ODI, NDI, LEFS and QuickDASH ship no words at all: the clinic enters its
licensed wording (outcomes.models.InstrumentWording).
"""

from __future__ import annotations

from rehabdesk.outcomes.scoring.types import Anchor, Context, ItemWording

NPRS_INSTRUCTIONS = "Pick the number that best matches your pain."
NPRS_CONTEXTS = (
    Context("now", "Right now", "How much pain do you have right now?"),
    Context(
        "24h_average",
        "On average, last 24 hours",
        "Over the last 24 hours, how much pain have you had on average?",
    ),
    Context(
        "24h_worst",
        "At its worst, last 24 hours",
        "Over the last 24 hours, how bad was your pain at its worst?",
    ),
    Context(
        "24h_least",
        "At its least, last 24 hours",
        "Over the last 24 hours, how mild was your pain at its least?",
    ),
)
NPRS_WORDING = (
    ItemWording(
        "1",
        NPRS_CONTEXTS[0].question,
        (Anchor(0, "No pain"), Anchor(10, "The worst pain you can imagine")),
    ),
)

PSFS_INSTRUCTIONS = (
    "Name up to five everyday things your problem makes hard to do, such as climbing "
    "stairs or lifting a child. For each one, pick how well you can do it today: 0 if you "
    "cannot do it at all, 10 if you can do it as well as before the problem began. Next "
    "time we will ask about the same things again."
)
PSFS_QUESTION = "How well can you do this today?"
PSFS_ANCHORS = (Anchor(0, "Cannot do it at all"), Anchor(10, "As well as before the problem"))
PSFS_WORDING = tuple(ItemWording(str(n), PSFS_QUESTION, PSFS_ANCHORS) for n in range(1, 6))

GROC_INSTRUCTIONS = "Think about your condition as a whole, not just today."
GROC_CONTEXTS = (
    Context(
        "since_first_visit",
        "Since the first visit",
        "Since your first visit, how has your condition changed overall?",
    ),
    Context(
        "since_last_visit",
        "Since the last visit",
        "Since your last visit, how has your condition changed overall?",
    ),
)
GROC_WORDING = (
    ItemWording(
        "1",
        GROC_CONTEXTS[0].question,
        (
            Anchor(-7, "Far, far worse"),
            Anchor(-6, "Much worse"),
            Anchor(-5, "Quite a lot worse"),
            Anchor(-4, "Clearly worse"),
            Anchor(-3, "Somewhat worse"),
            Anchor(-2, "A little worse"),
            Anchor(-1, "Barely worse"),
            Anchor(0, "No change"),
            Anchor(1, "Barely better"),
            Anchor(2, "A little better"),
            Anchor(3, "Somewhat better"),
            Anchor(4, "Clearly better"),
            Anchor(5, "Quite a lot better"),
            Anchor(6, "Much better"),
            Anchor(7, "Far, far better"),
        ),
    ),
)
