"""The batched shear, linear map and joint mask against the per-sample
numpy maths of the spatial augmentations, for the same parameters."""
import numpy as np
import pytest
import torch

from usdrl_mm.datasets.transforms import spatial_augments as ref
from usdrl_mm.models.utils import batch_augments as ops


def clips(num, frames=64, persons=2, channels=3, seed=0):
    """(B, M, T, 25, C) random clips."""
    g = torch.Generator().manual_seed(seed)
    return torch.randn(num, persons, frames, 25, channels, generator=g)


def test_shear_matches_numpy():
    x = clips(6)
    shear = ops.draw_shear(
        6, 3, 1.0, generator=torch.Generator().manual_seed(2))
    assert shear.shape == (6, 3, 3)
    assert torch.equal(torch.diagonal(shear, dim1=1, dim2=2), torch.ones(6, 3))
    off = shear[:, ~torch.eye(3, dtype=torch.bool)]
    assert off.abs().max() <= 1 and off.std() > 0.3  # U(-1, 1), not 0.5
    # S x with column vectors is x S^T with row vectors, on every joint
    out = ops.map_joints(x, shear.transpose(1, 2))
    for b in range(6):
        s = ref.shear_matrix(off[b].numpy())
        assert np.allclose(s, shear[b].numpy())
        expected = ref.linear_map_joints(x[b].numpy(), s.T)
        assert np.allclose(out[b].numpy(), expected, atol=1e-5)


def test_shear_matrices_layout():
    s = ops.shear_matrices(torch.tensor([[0.1, 0.2, 0.3, 0.4, 0.5, 0.6]]))
    assert torch.allclose(
        s[0], torch.tensor([[1, .1, .2], [.3, 1, .4], [.5, .6, 1]]))
    with pytest.raises(ValueError, match='square'):
        ops.shear_matrices(torch.zeros(1, 5))


def test_linear_map_matches_numpy_on_chosen_joints_only():
    x = clips(5)
    params = ops.draw_linear_map(
        5, 25, 15, 3, 1.0, generator=torch.Generator().manual_seed(3))
    assert isinstance(params, ops.LinearMapParams)
    assert params.joints.shape == (5, 15) and params.matrix.shape == (5, 3, 3)
    out = ops.map_joints(x, params.matrix,
                         ops.joints_to_mask(params.joints, 25))
    for b in range(5):
        joints = params.joints[b].numpy()
        expected = ref.linear_map_joints(x[b].numpy(),
                                         params.matrix[b].numpy(), joints)
        assert np.allclose(out[b].numpy(), expected, atol=1e-5)
        others = np.setdiff1d(np.arange(25), joints)
        assert torch.equal(out[b][..., others, :], x[b][..., others, :])
        assert not torch.allclose(out[b][..., joints, :], x[b][..., joints, :])


def test_a_zero_map_is_the_numpy_mask():
    # BatchMultiViewPreprocessor masks with A = 0 on the chosen joints,
    # every channel included (a score too)
    x = clips(4, channels=4)
    joints = ops.draw_joint_subsets(
        4, 25, 15, generator=torch.Generator().manual_seed(4))
    out = ops.map_joints(x, torch.zeros(4, 4, 4),
                         ops.joints_to_mask(joints, 25))
    for b in range(4):
        expected = ref.mask_joints(x[b].numpy(), joints[b].numpy())
        assert np.array_equal(out[b].numpy(), expected)
    assert int((out.abs().sum((1, 2, 4)) == 0).sum()) == 4 * 15


def test_joint_subsets_are_distinct_and_uniform():
    joints = ops.draw_joint_subsets(
        4000, 25, 15, generator=torch.Generator().manual_seed(5))
    assert joints.shape == (4000, 15)
    assert all(len(set(row)) == 15 for row in joints.tolist())
    assert 0 <= joints.min() and joints.max() < 25
    # every joint is chosen with probability 15 / 25
    freq = ops.joints_to_mask(joints, 25).float().mean(0)
    assert torch.allclose(freq, torch.full((25, ), 0.6), atol=0.03)
    with pytest.raises(ValueError, match='cannot pick'):
        ops.draw_joint_subsets(2, 17, 18)


def test_matrices_act_on_the_coordinates_and_keep_a_score():
    # (x, y, score) clips: the 2x2 maps leave the score alone
    x = clips(3)
    g = torch.Generator().manual_seed(6)
    shear = ops.draw_shear(3, 2, 1.0, generator=g)
    lin = ops.draw_linear_map(3, 25, 15, 2, 1.0, generator=g)
    sheared = ops.map_joints(x, shear.transpose(1, 2))
    mapped = ops.map_joints(x, lin.matrix, ops.joints_to_mask(lin.joints, 25))
    assert torch.equal(sheared[..., 2], x[..., 2])
    assert torch.equal(mapped[..., 2], x[..., 2])
    expected = ref.linear_map_joints(x[0, ..., :2].numpy(), shear[0].numpy().T)
    assert np.allclose(sheared[0, ..., :2].numpy(), expected, atol=1e-5)
    with pytest.raises(ValueError, match='c <= C'):
        ops.map_joints(x, torch.zeros(3, 4, 4))


def test_absent_persons_stay_zero():
    x = clips(3)
    x[:, 1] = 0
    g = torch.Generator().manual_seed(7)
    lin = ops.draw_linear_map(3, 25, generator=g)
    outs = [
        ops.map_joints(x,
                       ops.draw_shear(3, generator=g).transpose(1, 2)),
        ops.map_joints(x, lin.matrix, ops.joints_to_mask(lin.joints, 25))
    ]
    for out in outs:
        assert (out[:, 1] == 0).all() and out[:, 0].abs().sum() > 0


def test_draws_are_reproducible_with_a_seeded_generator():

    def draw(seed):
        g = torch.Generator().manual_seed(seed)
        lin = ops.draw_linear_map(8, 25, generator=g)
        return ops.draw_shear(8, generator=g), lin.joints, lin.matrix

    first, again, other = draw(0), draw(0), draw(1)
    assert all(torch.equal(a, b) for a, b in zip(first, again))
    assert not any(torch.equal(a, b) for a, b in zip(first, other))


def test_in_place_map_equals_the_new_tensor_map():
    x = clips(4)
    lin = ops.draw_linear_map(
        4, 25, 15, 3, generator=torch.Generator().manual_seed(9))
    mask = ops.joints_to_mask(lin.joints, 25)
    expected = ops.map_joints(x, lin.matrix, mask)
    scratch = torch.empty(x.numel())
    y = x.clone()
    out = ops.map_joints(y, lin.matrix, mask, inplace=True, scratch=scratch)
    assert out.data_ptr() == y.data_ptr() and torch.equal(out, expected)
    every = ops.map_joints(x.clone(), lin.matrix, inplace=True)
    assert torch.allclose(every, ops.map_joints(x, lin.matrix))
    with pytest.raises(ValueError, match='contiguous float32'):
        ops.map_joints(x.double(), lin.matrix, mask, inplace=True)
    with pytest.raises(ValueError, match='scratch needs'):
        ops.map_joints(
            x.clone(), lin.matrix, mask, inplace=True, scratch=scratch[:10])
