import numpy as np
import pytest

from usdrl_mm.evaluation.functional import (activity_proposals,
                                            class_run_proposals,
                                            generate_proposals, stitch_windows)
from usdrl_mm.evaluation.functional.proposals import mean_filter, runs


def window(start, scores, labels, interval=1, video='v', num_frames=10):
    return dict(
        video=video,
        start=start,
        interval=interval,
        num_frames=num_frames,
        scores=np.asarray(scores, float),
        labels=np.asarray(labels))


def test_overlapping_windows_are_averaged():
    a = window(0, [[1, 0]] * 6, [0] * 6)
    b = window(4, [[0, 1]] * 6, [1] * 6)
    scores, labels = stitch_windows([a, b])['v']
    assert scores[:4, 0].tolist() == [1] * 4
    assert scores[4:6].tolist() == [[0.5, 0.5]] * 2
    assert scores[6:, 1].tolist() == [1] * 4
    assert labels.tolist() == [0] * 4 + [1] * 6


def test_interval_spreads_samples_over_frames():
    w = window(
        2, [[1, 0], [0, 1], [0, 1]], [0, 1, 1], interval=3, num_frames=9)
    scores, labels = stitch_windows([w])['v']
    assert labels.tolist() == [-1, -1, 0, 0, 0, 1, 1, 1, 1]
    assert scores[:2].sum() == 0  # frames no window covers


def test_runs_and_mean_filter():
    assert runs([0, 1, 1, 0, 1]) == [(1, 3), (4, 5)]
    x = np.arange(6, dtype=float)[:, None]
    # row t averages rows [t - 1, t + 1) for window 2
    assert mean_filter(x, 2)[:, 0].tolist() == [0, 0.5, 1.5, 2.5, 3.5, 4.5]


def test_activity_proposals_by_hand():
    scores = np.array([[1, 0, 0]] * 3 + [[0.2, 0.7, 0.1]] * 4 +
                      [[1, 0, 0]] * 3)
    (label, start, end, score), = activity_proposals(
        scores, smooth=1, threshold=0.5)
    assert (label, start, end) == (1, 3, 7) and score == pytest.approx(0.7)


def test_class_runs_cut_every_class():
    scores = np.array([[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]])
    props = class_run_proposals(scores, threshold=0.3)
    assert sorted(p[:3] for p in props) == [(1, 1, 2), (2, 2, 3)]
    with pytest.raises(ValueError, match='unknown proposal method'):
        generate_proposals(scores, 'nms')


def test_class_runs_smoothing_merges_a_broken_run():
    # class 1 dips below the threshold for one frame
    p1 = np.array([0.8, 0.8, 0.1, 0.8, 0.8])
    scores = np.stack([1 - p1, p1, np.zeros(5)], axis=1)
    assert len(class_run_proposals(scores, threshold=0.5)) == 2
    (label, start, end, _), = class_run_proposals(
        scores, threshold=0.5, smooth=4)
    assert (label, start, end) == (1, 0, 5)
