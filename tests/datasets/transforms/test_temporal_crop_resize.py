import numpy as np
import pytest
import torch
import torch.nn.functional as F

from usdrl_mm.datasets.transforms import TemporalCropResize
from usdrl_mm.datasets.transforms.temporal_crop_resize import (center_window,
                                                               crop_floor,
                                                               crop_resize,
                                                               crop_window)


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


def test_short_clip_crop_crops_a_short_clip_by_its_scale():
    t = TemporalCropResize(clip_len=64, short_clip='crop')
    windows = set()
    for seed in range(30):
        np.random.seed(seed)
        scale = np.random.uniform(0.1, 1.0)  # the draws of the transform
        start_fraction = np.random.rand()
        np.random.seed(seed)
        out = t(sample(t=60, valid=40))  # NaN after frame 40
        start, length = out['crop_window']
        assert length == max(int(np.floor(40 * scale)), 1)
        assert start == int(np.floor(start_fraction * (40 - length + 1)))
        assert start + length <= 40 and np.isfinite(out['keypoint']).all()
        assert out['keypoint'].shape == (2, 64, 25, 3)
        windows.add((start, length))
        # the default uses the short clip whole for the same draws
        np.random.seed(seed)
        assert TemporalCropResize(clip_len=64)(sample(
            t=60, valid=40))['crop_window'] == (0, 40)
    assert len(windows) > 20  # views of one short clip get own windows


@pytest.mark.parametrize('valid', [64, 65, 300])
def test_short_clip_mode_leaves_clips_at_the_floor_and_longer_alone(valid):
    for seed in range(10):
        outs = []
        for short_clip in ('whole', 'crop'):
            np.random.seed(seed)
            outs.append(
                TemporalCropResize(short_clip=short_clip)(sample(
                    t=300, valid=valid)))
        assert outs[0]['crop_window'] == outs[1]['crop_window']
        assert outs[1]['crop_window'][1] >= 64
        assert np.array_equal(outs[0]['keypoint'], outs[1]['keypoint'])


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
    with pytest.raises(ValueError, match="short_clip must be one of"):
        TemporalCropResize(short_clip='pad')
    assert "short_clip='crop'" in repr(TemporalCropResize(short_clip='crop'))


@pytest.mark.parametrize('length,out_len', [(7, 64), (64, 64), (150, 64),
                                            (1, 5), (65, 64), (300, 17)])
def test_resize_matches_torch_linear_interpolation(length, out_len):
    x = np.random.default_rng(length).normal(size=(2, length, 4,
                                                   3)).astype(np.float32)
    ours = crop_resize(x, 0, length, out_len, axis=1)
    # (M, T, V, C) -> (1, M*V*C, T): interpolate along time
    t = torch.from_numpy(x).permute(0, 2, 3, 1).reshape(1, -1, length)
    ref = F.interpolate(t, size=out_len, mode='linear', align_corners=False)
    ref = ref.reshape(2, 4, 3, out_len).permute(0, 3, 1, 2).numpy()
    assert np.allclose(ours, ref, atol=1e-4)


def test_crop_takes_the_window():
    x = np.arange(10, dtype=np.float32).reshape(1, 10, 1, 1)
    assert np.allclose(crop_resize(x, 3, 4, 4, axis=1).ravel(), [3, 4, 5, 6])


def test_crop_window_floor_and_bounds():
    assert crop_window(300, 0.1, 64, 0.0) == (0, 64)  # the 64-frame floor
    assert crop_window(40, 0.5, 64, 0.99) == (0, 40)  # short clips whole
    start, length = crop_window(300, 0.5, 64, 0.999)
    assert length == 150 and start + length <= 300 and start == 150
    for frac in np.linspace(0, 0.999, 20):
        s, n = crop_window(137, 0.37, 16, frac)
        assert 0 <= s and s + n <= 137 and n == 50
    with pytest.raises(ValueError):
        crop_window(0, 0.5, 64)


def test_center_window():
    assert center_window(100, 1.0) == (0, 100)
    assert center_window(100, 0.5) == (25, 50)


def test_crop_floor():
    # 'whole': one floor; 'crop': the floor from min_len frames on, else 1
    assert crop_floor(40, 64) == 64
    assert crop_floor(40, 64, 'crop') == 1
    assert crop_floor(64, 64, 'crop') == 64
    n = np.array([1, 63, 64, 300])
    assert crop_floor(n, 64, 'crop').tolist() == [1, 1, 64, 64]
    with pytest.raises(ValueError, match='short_clip must be one of'):
        crop_floor(40, 64, 'pad')
