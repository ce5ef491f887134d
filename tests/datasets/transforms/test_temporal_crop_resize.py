import numpy as np
import pytest

from usdrl_mm.datasets.transforms import TemporalCropResize


def sample(t=100, valid=None, m=2, v=25, c=3, score=False):
    rng = np.random.default_rng(0)
    kp = rng.normal(size=(m, t, v, c)).astype(np.float16)
    valid = t if valid is None else valid
    kp[:, valid:] = np.nan  # never read beyond total_frames
    out = dict(keypoint=kp, total_frames=valid, frame_dir='S001')
    if score:
        out['keypoint_score'] = rng.uniform(size=(m, t, v)).astype(np.float32)
    return out


def test_shapes_dtype_and_keys():
    out = TemporalCropResize(clip_len=64)(sample(score=True))
    assert out['keypoint'].shape == (2, 64, 25, 3)
    assert out['keypoint'].dtype == np.float32
    assert out['keypoint_score'].shape == (2, 64, 25)
    assert out['total_frames'] == 64
    start, length = out['crop_window']
    assert 64 <= length <= 100 and start + length <= 100


def test_only_valid_frames_are_used():
    for seed in range(20):
        np.random.seed(seed)
        out = TemporalCropResize(clip_len=64)(sample(t=300, valid=120))
        assert np.isfinite(out['keypoint']).all()
        start, length = out['crop_window']
        assert start + length <= 120


def test_short_clips_are_used_whole():
    np.random.seed(0)
    out = TemporalCropResize(clip_len=64)(sample(t=40))
    assert out['crop_window'] == (0, 40)


def test_centre_mode_is_deterministic():
    t = TemporalCropResize(clip_len=32, ratio=0.5, mode='center')
    a, b = t(sample()), t(sample())
    assert a['crop_window'] == (25, 50)
    assert np.array_equal(a['keypoint'], b['keypoint'])
    whole = TemporalCropResize(clip_len=100, ratio=1.0, mode='center')
    s = sample()
    assert np.allclose(whole(dict(s))['keypoint'], s['keypoint'], atol=1e-3)


def test_seeds_reproduce():
    t = TemporalCropResize(clip_len=64)
    np.random.seed(3)
    a = t(sample(t=300))
    np.random.seed(3)
    b = t(sample(t=300))
    np.random.seed(4)
    c = t(sample(t=300))
    assert np.array_equal(a['keypoint'], b['keypoint'])
    assert a['crop_window'] != c['crop_window']


def test_errors():
    with pytest.raises(ValueError, match='no valid frames'):
        TemporalCropResize()(sample(valid=0))
    with pytest.raises(ValueError, match='low <= high'):
        TemporalCropResize(ratio=(0.8, 0.2))
    with pytest.raises(ValueError, match='mode'):
        TemporalCropResize(mode='uniform')
