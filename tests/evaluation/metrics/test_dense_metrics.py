import numpy as np
import pytest
import torch

from usdrl_mm.evaluation import PKUDetectionMetric, SegmentationMetric


def windows(pred_labels,
            gt_labels,
            segments,
            video='v',
            size=8,
            num_classes=3):
    """Cut a sequence into windows of packed data samples (dicts)."""
    t = len(gt_labels)
    out = []
    for start in range(0, t, size):
        pred = np.eye(num_classes)[pred_labels[start:start + size]]
        out.append(
            dict(
                frame_dir=video,
                window_start=start,
                frame_interval=1,
                video_frames=t,
                gt_segments=np.asarray(segments),
                pred_frame_scores=torch.tensor(pred, dtype=torch.float32),
                gt_frame_labels=torch.tensor(gt_labels[start:start + size])))
    return out


GT = [0] * 8 + [1] * 16 + [0] * 8 + [2] * 8 + [0] * 8
SEGMENTS = [[0, 8, 24], [1, 32, 40]]  # 0-based actions in annotations


def test_perfect_detection_gives_one(tmp_path):
    metric = PKUDetectionMetric(
        num_classes=2,
        proposal=dict(method='activity', smooth=1, threshold=0.5),
        plot_dir=str(tmp_path))
    metric.process(None, windows(GT, GT, SEGMENTS))
    out = metric.compute_metrics(metric.results)
    assert out == pytest.approx({
        'mAP_a@0.1': 1.0,
        'mAP_a_present@0.1': 1.0,
        'mAP_a@0.3': 1.0,
        'mAP_a_present@0.3': 1.0,
        'mAP_a@0.5': 1.0,
        'mAP_a_present@0.5': 1.0,
        'mAP_v@0.5': 1.0
    })
    assert (tmp_path / 'timeline_v.png').exists()


def test_shifted_detection_depends_on_the_threshold():
    # action 1 predicted on [16, 30) instead of [8, 24); action 2 exact
    pred = [0] * 16 + [1] * 14 + [0] * 2 + [2] * 8 + [0] * 8
    metric = PKUDetectionMetric(
        num_classes=2,
        proposal=dict(method='activity', smooth=1, threshold=0.5))
    metric.process(None, windows(pred, GT, SEGMENTS))
    out = metric.compute_metrics(metric.results)
    # class 1: tIoU of [16, 30) with [8, 24) is 8 / 22
    assert out['mAP_a@0.3'] == pytest.approx(1.0)
    assert out['mAP_a@0.5'] == pytest.approx(0.5)  # only class 2 found


def test_segmentation_metric_by_hand():
    metric = SegmentationMetric(background=0)
    metric.process(None, windows(GT, GT, SEGMENTS))
    assert metric.compute_metrics(metric.results) == pytest.approx(
        {
            'acc': 1.0,
            'edit': 1.0,
            'f1@10': 1.0,
            'f1@25': 1.0,
            'f1@50': 1.0
        },
        abs=1e-6)
    pred = list(GT)
    pred[12:14] = [2, 2]  # over-segment the first action
    metric = SegmentationMetric(background=0)
    metric.process(None, windows(pred, GT, SEGMENTS))
    out = metric.compute_metrics(metric.results)
    assert out['acc'] == pytest.approx(46 / 48)
    # [1, 2] vs [1, 2, 1, 2]: distance 2 of 4
    assert out['edit'] == pytest.approx(0.5)


def test_segmentation_smoothing_removes_a_flicker():
    pred = list(GT)
    pred[12] = 2  # a one-frame flicker inside the first action
    raw = SegmentationMetric(background=0)
    raw.process(None, windows(pred, GT, SEGMENTS))
    smoothed = SegmentationMetric(background=0, smooth=5)
    smoothed.process(None, windows(pred, GT, SEGMENTS))
    # [1, 2, 1, 2] vs [1, 2] raw; the 5-frame mean filter outvotes frame 12
    assert raw.compute_metrics(raw.results)['edit'] == pytest.approx(0.5)
    assert smoothed.compute_metrics(
        smoothed.results)['edit'] == pytest.approx(1.0)
    with pytest.raises(ValueError, match='smooth'):
        SegmentationMetric(smooth=0)


def test_segmentation_reports_the_other_background_convention():
    # prediction flickers into class 0 inside an action: with class 0 as a
    # segment that is two extra segments, without it a split action
    gt = [0] * 8 + [1] * 16 + [0] * 8 + [2] * 8 + [0] * 8
    pred = [0] * 8 + [1] * 6 + [0] * 2 + [1] * 8 + [0] * 8 + [2] * 8 + [0] * 8
    metric = SegmentationMetric(background=None, extra_backgrounds=(0, ))
    metric.process(None, windows(pred, gt, SEGMENTS))
    out = metric.compute_metrics(metric.results)
    # no background: 7 vs 5 runs, distance 2 -> 1 - 2/7
    assert out['edit'] == pytest.approx(1 - 2 / 7)
    # class 0 excluded: [1, 1, 2] vs [1, 2], distance 1 -> 1 - 1/3
    assert out['edit_bg0'] == pytest.approx(1 - 1 / 3)
    assert 'acc_bg0' not in out and {'f1@10_bg0', 'f1@50'} <= set(out)
