"""The skeleton visualizer: recognition strips, dense timelines, PNGs."""
import cv2
import numpy as np
import pytest
import torch
from matplotlib.colors import to_rgb
from mmaction.structures import ActionDataSample

from usdrl_mm.structures.action_labels import set_gt_label
from usdrl_mm.visualization import (SkeletonVisualizer, draw_timeline,
                                    layout_for, plot_timeline)
from usdrl_mm.visualization.skeleton_visualizer import HEADER_PX

SIZE = 96


@pytest.fixture(scope='module')
def visualizer():
    return SkeletonVisualizer.get_instance(
        'test_skeleton_visualizer', num_frames=3, frame_size=SIZE)


def clip(frames=20, joints=25, dims=3, seed=0):
    """(M=2, T, V, C) joints; the second person only in the first half."""
    rng = np.random.default_rng(seed)
    kp = rng.normal(size=(2, frames, joints, dims)).astype(np.float32)
    kp[1, frames // 2:] = 0
    return kp


def recognition_sample(scores, gt=None):
    sample = ActionDataSample()
    scores = torch.tensor(scores, dtype=torch.float32)
    if hasattr(sample, 'set_pred_score'):  # MMAction2 1.2
        sample.set_pred_score(scores)
    else:
        sample.set_pred_scores(scores)
    if gt is not None:
        set_gt_label(sample, gt)
    return sample


def header_has(image, color, tol=40):
    rgb = np.array(to_rgb(color)) * 255
    head = image[:HEADER_PX].astype(float)
    return (np.abs(head - rgb).max(-1) < tol).sum() > 20


def test_layout_for_joint_counts():
    assert layout_for(25).name == 'nturgb+d'
    assert layout_for(17).name == 'coco'
    assert layout_for(25, 'openpose-body25').name == 'openpose-body25'
    assert layout_for(17, 'nturgb+d').name == 'coco'  # does not fit
    odd = layout_for(7)
    assert odd.num_joints == 7 and odd.parents == tuple(range(7))


def test_strip_frames_span_the_present_frames(visualizer):
    kp = clip()
    kp[:, :4] = 0  # nobody in the first 4 frames
    np.testing.assert_array_equal(visualizer.strip_frames(kp), [4, 12, 19])


def test_recognition_strip_shape_and_colour(visualizer):
    right = visualizer.draw_recognition(clip(), 3, 0.9, gt_label=3)
    assert right.shape == (HEADER_PX + SIZE, 3 * SIZE, 3)
    assert right.dtype == np.uint8
    assert header_has(right, 'green') and not header_has(right, 'red')
    wrong = visualizer.draw_recognition(clip(), 3, 0.9, gt_label=1)
    assert header_has(wrong, 'red') and not header_has(wrong, 'green')
    # (num_clips, M, T, V, C) draws the first clip
    np.testing.assert_array_equal(
        visualizer.draw_recognition(clip()[None], 3, 0.9, gt_label=3), right)


def test_2d_keypoints_with_scores(visualizer):
    kp = clip(joints=17, dims=3)  # x, y, score as FormatGCNInput packs 2D
    image = visualizer.draw_recognition(kp, 0, 0.5, coord_dims=2)
    assert image.shape == (HEADER_PX + SIZE, 3 * SIZE, 3)
    # the score channel is not drawn as a coordinate
    kp[..., 2] = 100.
    np.testing.assert_array_equal(
        visualizer.draw_recognition(kp, 0, 0.5, coord_dims=2), image)


def test_add_datasample_writes_a_png_and_says_what_it_drew(
        visualizer, tmp_path):
    sample = recognition_sample([0.1, 0.7, 0.2], gt=2)
    out = str(tmp_path / 'a' / 'sample.png')
    record = visualizer.add_datasample(
        'sample', clip(), sample, out_file=out, class_names=['a', 'b', 'c'])
    assert record['task'] == 'recognition'
    assert record['pred_label'] == 1 and record['gt_label'] == 2
    assert record['pred_score'] == pytest.approx(0.7)
    assert record['file'] == out
    written = cv2.imread(out)
    assert list(
        written.shape) == record['shape'] == [HEADER_PX + SIZE, 3 * SIZE, 3]
    # without ground truth the label is unknown
    assert visualizer.describe(recognition_sample([1.,
                                                   0.]))['gt_label'] is None


def test_dense_window_is_a_timeline(visualizer, tmp_path):
    sample = ActionDataSample()
    scores = torch.zeros(32, 4)
    scores[:, 0] = 1
    scores[10:20, 2] = 2  # action 1 predicted on frames 10..19
    sample.set_field(scores, 'pred_frame_scores')
    gt = torch.zeros(32, dtype=torch.long)
    gt[12:22] = 2
    sample.set_field(gt, 'gt_frame_labels')
    sample.set_metainfo(dict(frame_dir='seq1', window_start=64))
    out = str(tmp_path / 'window.png')
    record = visualizer.add_datasample(
        'window', data_sample=sample, out_file=out)
    assert record['task'] == 'dense'
    assert record['video'] == 'seq1' and record['window_start'] == 64
    assert record['gt_frame_labels'] == gt.tolist()
    expected = [0] * 10 + [2] * 10 + [0] * 12
    assert record['pred_frame_labels'] == expected
    assert cv2.imread(out).shape[1] == 1000


def test_timeline_array_equals_the_saved_png(tmp_path):
    gt = np.array([0] * 5 + [1] * 10 + [0] * 5)
    pred = np.array([0] * 7 + [1] * 10 + [0] * 3)
    image = draw_timeline(gt, pred, 'seq', ['walk'])
    path = plot_timeline(gt, pred, str(tmp_path / 't.png'), 'seq', ['walk'])
    np.testing.assert_array_equal(cv2.imread(path)[..., ::-1], image)


def test_samples_without_scores_and_clips_are_explained(visualizer):
    with pytest.raises(ValueError, match='pred_score'):
        visualizer.add_datasample('x', clip(), ActionDataSample())
    with pytest.raises(ValueError, match='pass keypoint='):
        visualizer.add_datasample('x', None, recognition_sample([1., 0.]))
