"""usdrl_mm.benchmarks.speed.rates: the one definition of the rates."""
import statistics

import pytest

from usdrl_mm.benchmarks.speed.rates import (clips_per_s, rates, samples_per_s,
                                             speed_summary, step_statistics)


@pytest.mark.parametrize('batch, clips, step', [(32, 4, 2.948), (4, 1, 0.5),
                                                (64, 4, 0.0123)])
def test_rates_follow_their_definitions(batch, clips, step):
    assert samples_per_s(batch, step) == pytest.approx(batch / step, rel=1e-12)
    assert clips_per_s(batch, clips, step) == pytest.approx(
        samples_per_s(batch, step) * clips, rel=1e-12)
    named = rates(batch, clips, step, 'x_')
    assert set(named) == {'x_samples_per_s', 'x_clips_per_s'}
    assert named['x_clips_per_s'] / named['x_samples_per_s'] == \
        pytest.approx(clips)


def test_the_pretraining_paths_figure_is_samples_per_second():
    # BENCHMARKS.md: batch 32 at 2.948 s per step is 10.9 samples/s, i.e.
    # 43.4 clips/s at 4 views
    assert round(samples_per_s(32, 2.948), 1) == 10.9
    assert round(clips_per_s(32, 4, 2.948), 1) == 43.4


def test_summary_rates_use_the_median_step():
    times = [0.1, 0.2, 0.9]  # mean 0.4, median 0.2
    summary = speed_summary(times, 8, 4)
    assert summary['step_s'] == summary['step_s_median'] == 0.2
    assert summary['step_s_mean'] == pytest.approx(statistics.fmean(times))
    assert summary['step_s_std'] == pytest.approx(statistics.pstdev(times))
    assert summary['samples_per_s'] == pytest.approx(8 / 0.2, rel=1e-9)
    assert summary['clips_per_s'] == pytest.approx(8 * 4 / 0.2, rel=1e-9)
    assert summary['clips_per_sample'] == 4
    prefixed = step_statistics(times, 'loader_')
    assert prefixed['loader_step_s'] == 0.2


@pytest.mark.parametrize('call', [
    lambda: samples_per_s(4, 0),
    lambda: samples_per_s(0, 1.0),
    lambda: clips_per_s(4, 0, 1.0),
    lambda: clips_per_s(4, 4, -1.0),
    lambda: step_statistics([]),
])
def test_invalid_inputs_are_refused(call):
    with pytest.raises(ValueError):
        call()
