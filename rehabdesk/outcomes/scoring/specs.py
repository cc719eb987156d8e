"""Each instrument's items, ranges, missing-item rule, bands and thresholds, with the
source of every number (keys [Sn] of the domain reference, §1; the spec,
docs/algorithms/outcome-measures.md, cites them in full).

⚠ marks a default no primary source fixes: a clinician confirms it. Each is a module
constant, and each cap is written into the instrument's version, so a score always says
which rule made it. Changing any number here that changes a score is a new revision
(r2, ...): results keep the version they were scored with.
"""

from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType

from rehabdesk.outcomes.scoring import wording
from rehabdesk.outcomes.scoring.instruments import Instrument
from rehabdesk.outcomes.scoring.types import Band, Spec

# The scoring's own revision: how scores are rounded (two decimals, half up) and read.
REVISION = "r1"

# Missing-item caps: how many main items may go unanswered and still be scored.
ODI_MAX_MISSING = 1  # ⚠ awell-score's rule (≥ 9 of 10) [S1]; Fairbank sets none found here
NDI_MAX_MISSING = 1  # ⚠ no rule from the authors [S2]; awell-score and common use: ≤ 1 [S2]
LEFS_MAX_MISSING = 0  # ⚠ no official rule [S9]: all 20 unless the clinic allows proration
QUICKDASH_MAX_MISSING = 1  # the instrument's own rule: at least 10 of 11 [S3][S3b]

# Meaningful change, in the score's own units.
NPRS_MCID = Decimal(2)  # 2 points or 30 % [S5][S16][S17]
NPRS_MDC = Decimal(2)  # LBP, SEM 1.02 [S16]
ODI_MCID = Decimal(10)  # 10 points or 30 % (Ostelo 2008 consensus) [S5]
NDI_MCID = Decimal(5)  # raw points, Vernon [S6]
NDI_MDC = Decimal("4.7")  # raw, MDC90 (Stratford 1999) [S7]
LEFS_MCID = Decimal(9)  # Binkley 1999 [S9]
LEFS_MDC = Decimal(9)  # Binkley 1999, 90 % CI [S9]
QUICKDASH_MCID = Decimal("15.91")  # Franchignoni 2014 [S11]
QUICKDASH_MDC = Decimal("12.85")  # MDC90, Franchignoni 2014 [S11]
PSFS_MCID = Decimal("2.3")  # "medium" change, Abbott & Schmitt 2014 [S15]
PSFS_MDC = Decimal(2)  # the mean of the activities, 90 % CI (Stratford 1995) [S14]
THIRTY_PERCENT = Decimal(30)  # ODI [S5] and NPRS [S17]: improvement of the baseline


def _version(base: str, max_missing: int | None = None) -> str:
    cap = "" if max_missing is None else f"-m{max_missing}"
    return f"{base}/{REVISION}{cap}"


def _keys(count: int, prefix: str = "") -> tuple[str, ...]:
    return tuple(f"{prefix}{n}" for n in range(1, count + 1))


NO_MODULES: MappingProxyType[str, tuple[str, ...]] = MappingProxyType({})

NPRS = Spec(
    instrument=Instrument.NPRS,
    version=_version("nprs-11pt"),
    items=_keys(1),
    low=0,
    high=10,
    modules=NO_MODULES,
    higher_is_better=False,
    score_min=Decimal(0),
    score_max=Decimal(10),
    unit="/10",
    max_missing=0,
    mcid=NPRS_MCID,
    mcid_citation=(
        "2 points, or 30 % of the baseline: low back pain consensus (Ostelo 2008) [S5]; "
        "chronic pain, 2 points or about 30 % matched 'much improved' (Farrar 2001) [S17]"
    ),
    mcid_percent=THIRTY_PERCENT,
    mdc=NPRS_MDC,
    mdc_citation="2 points, low back pain, SEM 1.02 (Childs, Piva & Fritz 2005) [S16]",
    bands=(),
    bands_citation="none: the reference gives no bands for the NPRS",
    licensed_wording=False,
    wording=wording.NPRS_WORDING,
    instructions=wording.NPRS_INSTRUCTIONS,
    contexts=wording.NPRS_CONTEXTS,
)

ODI = Spec(
    instrument=Instrument.ODI,
    version=_version("odi-2.1a", ODI_MAX_MISSING),
    items=_keys(10),
    low=0,
    high=5,
    modules=NO_MODULES,
    higher_is_better=False,
    score_min=Decimal(0),
    score_max=Decimal(100),
    unit="%",
    max_missing=ODI_MAX_MISSING,
    mcid=ODI_MCID,
    mcid_citation=(
        "10 points, or 30 % of the baseline: international consensus (Ostelo 2008) [S5]; "
        "-12 in a physiotherapy cohort (Abbott & Schmitt 2014) [S15]"
    ),
    mcid_percent=THIRTY_PERCENT,
    mdc=None,
    mdc_citation="⚠ none confirmed: the 10 %-points quoted on forms has no original study [S4b]",
    bands=(
        Band("minimal", "Minimal disability", Decimal(20), "Minimal disability"),
        Band("moderate", "Moderate disability", Decimal(40), "Moderate disability"),
        Band("severe", "Severe disability", Decimal(60), "Severe disability"),
        Band("very_severe", "Very severe disability", Decimal(80), "Crippled"),
        Band("extreme", "Extreme disability", Decimal(100), "Bed-bound or exaggerating"),
    ),
    bands_citation="Fairbank & Pynsent 2000 [S4]; decimals: ≤ 20, ≤ 40, ≤ 60, ≤ 80, else [S1c]",
    licensed_wording=True,
    wording=(),
)

NDI = Spec(
    instrument=Instrument.NDI,
    version=_version("ndi-raw50", NDI_MAX_MISSING),
    items=_keys(10),
    low=0,
    high=5,
    modules=NO_MODULES,
    higher_is_better=False,
    score_min=Decimal(0),
    score_max=Decimal(50),
    unit="/50",
    max_missing=NDI_MAX_MISSING,
    mcid=NDI_MCID,
    mcid_citation=(
        "5 raw points (Vernon) [S6]; 19 %-points, about 9.5 raw, in mechanical neck pain "
        "(Cleland 2008) [S8]; ⚠ 7.5 raw for cervical radiculopathy not confirmed"
    ),
    mcid_percent=None,
    mdc=NDI_MDC,
    mdc_citation="4.7 raw points, MDC90, SEM 2 (Stratford 1999, quoted in [S7])",
    bands=(
        Band("none", "No disability", Decimal(4), "None"),
        Band("mild", "Mild disability", Decimal(14), "Mild"),
        Band("moderate", "Moderate disability", Decimal(24), "Moderate"),
        Band("severe", "Severe disability", Decimal(34), "Severe"),
        Band("complete", "Very severe disability", Decimal(50), "Complete"),
    ),
    bands_citation="Vernon & Mior, on the raw score out of 50 [S6]",
    licensed_wording=True,
    wording=(),
)

LEFS = Spec(
    instrument=Instrument.LEFS,
    version=_version("lefs", LEFS_MAX_MISSING),
    items=_keys(20),
    low=0,
    high=4,
    modules=NO_MODULES,
    higher_is_better=True,
    score_min=Decimal(0),
    score_max=Decimal(80),
    unit="/80",
    max_missing=LEFS_MAX_MISSING,
    mcid=LEFS_MCID,
    mcid_citation="9 points (Binkley 1999) [S9]; 9-16 in a physiotherapy cohort [S15]",
    mcid_percent=None,
    mdc=LEFS_MDC,
    mdc_citation="9 points, 90 % CI (Binkley 1999) [S9]",
    bands=(),
    bands_citation="none: the LEFS has no published bands",
    licensed_wording=True,
    wording=(),
)

QUICKDASH = Spec(
    instrument=Instrument.QUICKDASH,
    version=_version("quickdash", QUICKDASH_MAX_MISSING),
    items=_keys(11),
    low=1,
    high=5,
    modules=MappingProxyType({"work": _keys(4, "w"), "sport": _keys(4, "s")}),
    higher_is_better=False,
    score_min=Decimal(0),
    score_max=Decimal(100),
    unit="/100",
    max_missing=QUICKDASH_MAX_MISSING,
    mcid=QUICKDASH_MCID,
    mcid_citation=(
        "15.91 (Franchignoni 2014, n = 255) [S11]; 14 for hand and wrist (Sorensen 2013) "
        "[S12]; 10.8-13.6 for the shoulder [S13]; ⚠ 8 (some US clinics) unsourced"
    ),
    mcid_percent=None,
    mdc=QUICKDASH_MDC,
    mdc_citation="12.85, MDC90 (Franchignoni 2014) [S11]",
    bands=(),
    bands_citation="none: the QuickDASH has no published bands",
    licensed_wording=True,
    wording=(),
)

PSFS = Spec(
    instrument=Instrument.PSFS,
    version=_version("psfs"),
    items=_keys(5),
    low=0,
    high=10,
    modules=NO_MODULES,
    higher_is_better=True,
    score_min=Decimal(0),
    score_max=Decimal(10),
    unit="/10",
    # Each activity is optional: the score is the mean of those rated (NO_ACTIVITIES
    # when none is), so no cap on missing ones.
    max_missing=4,
    mcid=PSFS_MCID,
    mcid_citation=(
        "2.3, a 'medium' change (Abbott & Schmitt 2014, n = 1,708) [S15]; small 1.3, large "
        "2.7 [S15]; 1.9-2.0 for shoulder pain [S13]"
    ),
    mcid_percent=None,
    mdc=PSFS_MDC,
    mdc_citation="2 points for the mean, 3 for a single activity, 90 % CI (Stratford 1995) [S14]",
    bands=(),
    bands_citation="none: the PSFS has no bands",
    licensed_wording=False,
    wording=wording.PSFS_WORDING,
    instructions=wording.PSFS_INSTRUCTIONS,
)

GROC = Spec(
    instrument=Instrument.GROC,
    version=_version("groc-15pt"),
    items=_keys(1),
    low=-7,
    high=7,
    modules=NO_MODULES,
    higher_is_better=True,
    score_min=Decimal(-7),
    score_max=Decimal(7),
    unit="",
    max_missing=0,
    mcid=None,
    mcid_citation="none: the GROC is an anchor for other measures' change, not an outcome [S18]",
    mcid_percent=None,
    mdc=None,
    mdc_citation="none",
    bands=(),
    bands_citation="⚠ none: the usual ±1-3 / ±4-5 / ±6-7 cut-offs have no primary source here",
    licensed_wording=False,
    wording=wording.GROC_WORDING,
    instructions=wording.GROC_INSTRUCTIONS,
    contexts=wording.GROC_CONTEXTS,
)

SPECS: MappingProxyType[Instrument, Spec] = MappingProxyType(
    {spec.instrument: spec for spec in (NPRS, ODI, NDI, LEFS, QUICKDASH, PSFS, GROC)}
)
