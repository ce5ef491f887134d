import pytest

from usdrl_mm.evaluation.functional.pku_mmd_ap import (Segment,
                                                       match_proposals,
                                                       pku_mmd_ap, pku_mmd_map,
                                                       temporal_iou)


def seg(label, start, end, score=1.0, video='v1'):
    return Segment(label, start, end, score, video)


def test_temporal_iou_is_continuous_and_label_aware():
    assert temporal_iou(seg(1, 0, 100), seg(1, 50,
                                            150)) == pytest.approx(50 / 150)
    assert temporal_iou(seg(1, 0, 10), seg(1, 20, 30)) == pytest.approx(
        -10 / 30)  # disjoint segments give a negative value
    assert temporal_iou(seg(1, 0, 100), seg(2, 0, 100)) == 0
    assert temporal_iou(seg(1, 0, 100), seg(1, 0, 100, video='v2')) == 0


def test_perfect_proposals_give_one():
    gts = [seg(1, 0, 100), seg(2, 120, 200), seg(1, 300, 350)]
    props = [g._replace(score=s) for g, s in zip(gts, (0.9, 0.5, 0.7))]
    assert pku_mmd_ap(props, gts) == pytest.approx(1.0)
    out = pku_mmd_map(props, gts, num_classes=2)
    assert out == pytest.approx(dict(mAP_a=1.0, mAP_a_present=1.0, mAP_v=1.0))


@pytest.mark.parametrize('theta,expected', [(0.1, 1.0), (0.3, 1.0),
                                            (0.5, 0.0)])
def test_a_shifted_segment_depends_on_the_threshold(theta, expected):
    # tIoU of [50, 150) with [0, 100) is 1/3
    assert pku_mmd_ap([seg(1, 50, 150)], [seg(1, 0, 100)], theta) == expected


def test_false_positive_halves_the_ap_by_hand():
    # positive 1 of 2 proposals: p_max starts at 0.5; removing the match
    # drops recall 1 -> 0: AP = 0.5 whatever the false positive's score
    gts = [seg(1, 0, 100)]
    for fp_score in (0.9, 0.1):
        props = [seg(1, 0, 100, 0.5), seg(1, 400, 500, fp_score)]
        assert pku_mmd_ap(props, gts) == pytest.approx(0.5)


def test_duplicates_of_a_hit_do_not_lower_the_ap():
    gts = [seg(1, 0, 100)]
    props = [seg(1, 0, 100, 0.9), seg(1, 5, 100, 0.2)]
    assign, counts = match_proposals(props, gts, 0.5)
    assert assign == [0, 0] and counts == [2]
    assert pku_mmd_ap(props, gts) == pytest.approx(1.0)


def test_missed_ground_truth_halves_recall_by_hand():
    # one of two ground truths found: P = 1, R = 0.5 -> AP = 0.5
    gts = [seg(1, 0, 100), seg(1, 200, 300)]
    assert pku_mmd_ap([seg(1, 0, 100)], gts) == pytest.approx(0.5)


def test_classes_without_ground_truth_count_as_zero():
    gts = [seg(1, 0, 100)]
    props = [seg(1, 0, 100)]
    assert pku_mmd_map(props, gts, num_classes=4)['mAP_a'] == \
        pytest.approx(0.25)


def test_ties_take_the_later_ground_truth():
    gts = [seg(1, 0, 100), seg(1, 0, 100)]
    assign, _ = match_proposals([seg(1, 0, 100)], gts, 0.5)
    assert assign == [1]


def test_map_v_counts_a_video_without_proposals_as_zero():
    # the official evaluate.py averages over every ground-truth file
    gts = [seg(1, 0, 100, video='v1'), seg(1, 0, 100, video='v2')]
    props = [seg(1, 0, 100, 0.9, video='v1')]  # nothing for v2
    out = pku_mmd_map(props, gts, num_classes=1)
    assert out['mAP_v'] == pytest.approx(0.5)
    # a video with proposals but no ground truth is not one of them
    stray = props + [seg(1, 0, 50, 0.3, video='v3')]
    assert pku_mmd_map(stray, gts, num_classes=1)['mAP_v'] == pytest.approx(
        0.5)


def test_map_a_present_averages_the_classes_with_ground_truth():
    gts = [seg(1, 0, 100), seg(2, 200, 300)]
    props = [seg(1, 0, 100, 0.9)]
    out = pku_mmd_map(props, gts, num_classes=4)
    assert out['mAP_a'] == pytest.approx(1 / 4)  # official: 4 classes
    assert out['mAP_a_present'] == pytest.approx(1 / 2)  # classes 1, 2
