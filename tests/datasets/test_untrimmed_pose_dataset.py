import pickle

import numpy as np
import pytest

from usdrl_mm.datasets import (AnnotationError, UntrimmedPoseDataset,
                               frame_labels_from_segments, window_starts)


def test_frame_labels_shift_actions_past_background():
    labels = frame_labels_from_segments(np.array([[2, 3, 6], [0, 8, 9]]), 10)
    assert labels.tolist() == [0, 0, 0, 3, 3, 3, 0, 0, 1, 0]


def test_windows_cover_the_whole_sequence():
    assert window_starts(100, 32, 16) == [0, 16, 32, 48, 64, 68]
    assert window_starts(20, 32, 16) == [0]  # one padded window
    for n in (1, 63, 64, 65, 300):
        starts = window_starts(n, 64, 32)
        covered = np.zeros(n, bool)
        for s in starts:
            covered[s:s + 64] = True
        assert covered.all()


def write(tmp_path, segments=((1, 10, 30), (0, 40, 70))):
    t = 90
    kp = np.arange(
        t, dtype=np.float32)[None, :, None, None] * np.ones(
            (1, t, 25, 3), np.float32)
    anno = dict(
        frame_dir='seq1',
        keypoint=kp,
        total_frames=t,
        segments=np.array(segments, dtype=np.int64))
    path = tmp_path / 'untrimmed.pkl'
    with open(path, 'wb') as f:
        pickle.dump(dict(annotations=[anno], split=dict(val=['seq1'])), f)
    return str(path)


def test_windows_carry_frames_labels_and_their_place(tmp_path):
    ds = UntrimmedPoseDataset(
        write(tmp_path),
        pipeline=[],
        split='val',
        num_classes=2,
        clip_len=16,
        frame_interval=2,
        stride=40)
    # span 32 frames every 40: starts 0, 40 and a last one at 58
    assert [ds.get_data_info(i)['window_start']
            for i in range(len(ds))] == [0, 40, 58]
    w = ds.get_data_info(1)
    assert w['keypoint'].shape == (1, 16, 25, 3)
    # sample i is frame 40 + 2 i
    assert w['keypoint'][0, 3, 0, 0] == 46
    assert w['frame_labels'][:16].tolist() == [1] * 15 + [0]
    assert w['video_frames'] == 90 and w['frame_interval'] == 2
    assert w['gt_segments'].tolist() == [[1, 10, 30], [0, 40, 70]]


def test_padding_past_the_end_is_ignored(tmp_path):
    ds = UntrimmedPoseDataset(
        write(tmp_path),
        pipeline=[],
        split='val',
        num_classes=2,
        clip_len=64,
        stride=64)
    last = ds.get_data_info(len(ds) - 1)
    assert last['window_start'] == 26
    full = UntrimmedPoseDataset(
        write(tmp_path), pipeline=[], split='val', num_classes=2, clip_len=100)
    w = full.get_data_info(0)
    assert (w['frame_labels'][90:] == -1).all()
    assert not w['keypoint'][:, 90:].any()


@pytest.mark.parametrize('segments,message', [
    (((1, 30, 10), ), 'ends before it starts'),
    (((5, 10, 20), ), 'out of range'),
])
def test_bad_segments_are_reported(tmp_path, segments, message):
    with pytest.raises(AnnotationError, match=message):
        UntrimmedPoseDataset(
            write(tmp_path, segments), pipeline=[], split='val', num_classes=2)


def test_sequences_are_checked_against_a_skeleton_spec(tmp_path):
    path = write(tmp_path)  # 25 joints, x y z
    ds = UntrimmedPoseDataset(
        path, pipeline=[], split='val', clip_len=16, skeleton='nturgb+d')
    assert ds.skeleton.num_joints == 25 and len(ds) > 0
    with pytest.raises(AnnotationError) as err:
        UntrimmedPoseDataset(
            path,
            pipeline=[],
            split='val',
            clip_len=16,
            skeleton=dict(layout='coco', coord_dims=2, with_score=True))
    message = str(err.value)
    assert path in message and "'seq1'" in message
    assert 'the skeleton layout has 17' in message
    assert '3 channels but the skeleton spec declares 2' in message
