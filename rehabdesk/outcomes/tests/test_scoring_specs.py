"""The instruments' specs hold together (bands cover the scale, our wording covers our
instruments and no licensed one, thresholds are cited) and
docs/algorithms/outcome-measures.md names every version, band and threshold. No database."""

from __future__ import annotations

from pathlib import Path

import pytest

from rehabdesk.outcomes.models import MeasureResult
from rehabdesk.outcomes.scoring import SPECS, Instrument, NoScoreCode, Verdict

DOC = Path(__file__).resolve().parents[3] / "docs" / "algorithms" / "outcome-measures.md"
SPEC_TEXT = DOC.read_text()
ALL = pytest.mark.parametrize("spec", list(SPECS.values()), ids=[str(i) for i in SPECS])
LICENSED = {Instrument.ODI, Instrument.NDI, Instrument.LEFS, Instrument.QUICKDASH}


@ALL
def test_each_instruments_bands_cover_its_scale_in_order(spec):
    uppers = [band.upper for band in spec.bands]
    assert uppers == sorted(set(uppers))
    if spec.bands:
        assert spec.bands[-1].upper == spec.score_max
        assert all(band.label and band.source_label for band in spec.bands)


@ALL
def test_only_the_licensed_instruments_leave_their_words_to_the_clinic(spec):
    assert spec.licensed_wording is (spec.instrument in LICENSED)
    if spec.licensed_wording:
        assert (spec.wording, spec.instructions, spec.contexts) == ((), "", ())
        return
    assert [wording.key for wording in spec.wording] == list(spec.items)
    assert spec.instructions
    for wording in spec.wording:
        assert wording.question.endswith("?")
        values = [anchor.value for anchor in wording.anchors]
        assert {spec.low, spec.high} <= set(values) <= set(range(spec.low, spec.high + 1))


def test_the_rating_scales_ask_for_a_context_and_their_first_is_the_default():
    for instrument in (Instrument.NPRS, Instrument.GROC):
        spec = SPECS[instrument]
        assert spec.contexts[0].question == spec.wording[0].question
        codes = [context.code for context in spec.contexts]
        assert len(set(codes)) == len(codes)
        assert max(map(len, codes)) <= MeasureResult._meta.get_field("context").max_length


@ALL
def test_each_threshold_has_its_source(spec):
    assert all((spec.mcid_citation, spec.mdc_citation, spec.bands_citation))
    for threshold in (spec.mcid, spec.mdc):
        assert threshold is None or threshold > 0
    assert (spec.mcid_percent is not None) is (spec.instrument in {Instrument.ODI, Instrument.NPRS})


def test_each_version_is_its_own_and_fits_the_result():
    versions = [spec.version for spec in SPECS.values()]
    assert len(set(versions)) == len(versions)
    assert max(map(len, versions)) <= MeasureResult._meta.get_field("scoring_version").max_length


@ALL
def test_the_spec_names_each_instruments_version_bands_and_thresholds(spec):
    assert f"`{spec.instrument}`" in SPEC_TEXT
    assert f"`{spec.version}`" in SPEC_TEXT
    for band in spec.bands:
        assert f"`{band.code}`" in SPEC_TEXT
    for threshold in (spec.mcid, spec.mdc):
        assert threshold is None or str(threshold) in SPEC_TEXT


def test_the_spec_names_each_reason_and_verdict():
    for code in [*NoScoreCode, *Verdict]:
        assert f"`{code}`" in SPEC_TEXT
