import numpy as np
import pytest

from usdrl_mm.evaluation.functional.segmentation import (edit_score, f1_counts,
                                                         levenshtein,
                                                         segmentation_scores,
                                                         segments_of)

BG = 0


def test_segments_exclude_background_and_keep_the_last_end_quirk():
    labels = [0, 0, 1, 1, 1, 0, 2, 2]
    assert segments_of(labels, BG) == ([1, 2], [2, 6], [5, 7])
    # the last segment ends at T - 1 = 7, not 8
    assert segments_of([3, 3, 4], None) == ([3, 4], [0, 2], [2, 2])


def test_levenshtein_by_hand():
    assert levenshtein([1, 2, 3], [1, 3]) == 1
    assert levenshtein([], [1, 2]) == 2
    assert levenshtein([1, 2], [2, 1]) == 2


def test_perfect_prediction_scores_one():
    gt = np.array([0, 0, 1, 1, 1, 0, 2, 2, 2, 0])
    out = segmentation_scores([gt], [gt.copy()], background=BG)
    assert out == pytest.approx(
        {
            'acc': 1.0,
            'edit': 1.0,
            'f1@10': 1.0,
            'f1@25': 1.0,
            'f1@50': 1.0
        },
        abs=1e-6)


def test_over_segmentation_lowers_edit_as_computed_by_hand():
    gt = [1] * 10
    pred = [1] * 4 + [2] * 2 + [1] * 4  # one segment split in three
    # segment sequences [1] vs [1, 2, 1]: distance 2, max length 3
    assert edit_score(pred, gt) == pytest.approx(1 - 2 / 3)
    # frame accuracy only drops by the 2 wrong frames
    assert segmentation_scores([np.array(pred)],
                               [np.array(gt)])['acc'] == pytest.approx(0.8)


def test_f1_of_a_shifted_segment_by_hand():
    gt = [0] * 10 + [1] * 10 + [0] * 10
    pred = [0] * 15 + [1] * 10 + [0] * 5
    # gt segment [10, 20), pred [15, 25): IoU 5 / 15 = 1/3
    assert f1_counts(pred, gt, 0.25, BG) == (1, 0, 0)
    assert f1_counts(pred, gt, 0.5, BG) == (0, 1, 1)
    out = segmentation_scores([np.array(pred)], [np.array(gt)], background=BG)
    assert out['f1@25'] == pytest.approx(1.0, abs=1e-6)
    assert out['f1@50'] == 0.0


def test_ignored_frames_are_dropped():
    gt = np.array([1, 1, 255, 255, 2])
    pred = np.array([1, 1, 7, 7, 2])
    out = segmentation_scores([pred], [gt], ignore_index=255)
    assert out['acc'] == 1.0 and out['edit'] == 1.0


def test_mismatched_lengths_are_an_error():
    with pytest.raises(ValueError, match='length'):
        segmentation_scores([np.zeros(3)], [np.zeros(4)])
