import numpy as np
import pytest
from mmaction.registry import TRANSFORMS


def sample(persons=1, frames=50, total=40, score=False):
    rng = np.random.default_rng(0)
    s = dict(
        keypoint=rng.normal(size=(persons, frames, 25, 3)).astype(np.float64),
        total_frames=total,
        frame_dir='x')
    if score:
        s['keypoint_score'] = rng.uniform(size=(persons, frames, 25))
    return s


def test_pads_frames_and_persons_and_records_the_valid_length():
    s = sample()
    out = TRANSFORMS.build(dict(type='FormatRawSkeleton', max_frames=300))(
        dict(s))
    x = out['keypoint']
    assert x.shape == (2, 300, 25, 3) and x.dtype == np.float32
    assert out['valid_len'] == 40
    assert np.allclose(x[0, :40], s['keypoint'][0, :40])
    # frames after total_frames and the absent person are zero
    assert not x[0, 40:].any() and not x[1].any()


def test_score_is_appended_and_extra_persons_dropped():
    s = sample(persons=3, score=True)
    out = TRANSFORMS.build(dict(type='FormatRawSkeleton'))(dict(s))
    assert out['keypoint'].shape == (2, 40, 25, 4)  # no max_frames: n frames
    assert 'keypoint_score' not in out
    assert np.allclose(out['keypoint'][1, ..., 3], s['keypoint_score'][1, :40])


def test_errors():
    with pytest.raises(ValueError, match='max_frames'):
        TRANSFORMS.build(dict(type='FormatRawSkeleton', max_frames=30))(
            sample())
    with pytest.raises(ValueError, match='num_person'):
        TRANSFORMS.build(dict(type='FormatRawSkeleton', num_person=0))
