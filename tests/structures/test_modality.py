import numpy as np
import pytest
import torch

from usdrl_mm.structures import (bones_from_joints, derive_modality,
                                 get_layout, motion_from_joints)


def test_numpy_and_torch_agree():
    x = np.random.default_rng(0).normal(size=(2, 3, 6, 25,
                                              3)).astype(np.float32)
    parents = get_layout('nturgb+d').parents
    for modality in ('joint', 'bone', 'motion'):
        a = derive_modality(x, modality, parents)
        b = derive_modality(torch.from_numpy(x), modality, parents)
        assert isinstance(a, np.ndarray) and isinstance(b, torch.Tensor)
        assert np.allclose(a, b.numpy())


def test_motion_is_a_forward_difference_with_zero_last_frame():
    x = np.cumsum(np.ones((1, 4, 2, 3), np.float32), axis=1)  # +1 per frame
    m = motion_from_joints(x)
    assert np.array_equal(m[:, :3], np.ones((1, 3, 2, 3)))
    assert not m[:, 3].any()


def test_bone_loop_free_and_checked():
    x = torch.randn(4, 25, 3, requires_grad=True)
    bones_from_joints(x, get_layout('nturgb+d').parents).sum().backward()
    assert x.grad is not None
    with pytest.raises(ValueError, match='parents'):
        bones_from_joints(np.zeros((4, 17, 3)), get_layout('nturgb+d').parents)
    with pytest.raises(ValueError, match='modality'):
        derive_modality(np.zeros((4, 25, 3)), 'depth', ())
