import numpy as np
import pytest
import torch
import torch.nn.functional as F

from usdrl_mm.structures.augment_ops import (center_window, crop_resize,
                                             crop_window, linear_map_joints,
                                             mask_joints, shear_matrix)


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


def test_shear_and_linear_map():
    s = shear_matrix([0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    assert np.allclose(np.diag(s), 1)
    assert np.allclose(s, [[1, .1, .2], [.3, 1, .4], [.5, .6, 1]])
    x = np.random.default_rng(0).normal(size=(2, 5, 25, 3)).astype(np.float32)
    # column-vector shear S x equals row-vector x S^T
    sheared = linear_map_joints(x, s.T)
    assert np.allclose(sheared[1, 2, 3], s @ x[1, 2, 3], atol=1e-6)
    r = np.random.default_rng(1).uniform(-1, 1, (3, 3)).astype(np.float32)
    out = linear_map_joints(x, r, joints=[0, 4])
    assert np.allclose(out[..., [0, 4], :], x[..., [0, 4], :] @ r, atol=1e-6)
    assert np.array_equal(out[..., 1:4, :], x[..., 1:4, :])
    masked = mask_joints(x, [2, 7])
    assert not masked[..., [2, 7], :].any()
    assert np.array_equal(masked[..., 3, :], x[..., 3, :])
    assert x[..., 2, :].any()  # the input is left alone
