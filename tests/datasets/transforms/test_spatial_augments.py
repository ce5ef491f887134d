import numpy as np
import pytest
from mmaction.registry import TRANSFORMS

from usdrl_mm.datasets.transforms import (RandomJointLinearMap,
                                          RandomJointMask, RandomSkeletonShear)
from usdrl_mm.datasets.transforms.spatial_augments import (linear_map_joints,
                                                           mask_joints,
                                                           shear_matrix)


def sample(score=False):
    kp = np.random.default_rng(0).normal(size=(2, 8, 25, 3)).astype(np.float32)
    kp[1] = 0  # an absent second person
    out = dict(keypoint=kp)
    if score:
        out['keypoint_score'] = np.ones((2, 8, 25), np.float32)
    return out


def test_mask_zeroes_the_same_joints_everywhere():
    np.random.seed(0)
    s = sample(score=True)
    out = RandomJointMask(num_joints=15)(dict(s))
    zero = ~out['keypoint'][0].any(axis=(0, 2))
    assert zero.sum() == 15
    assert not out['keypoint_score'][:, :, zero].any()
    assert np.array_equal(out['keypoint'][0][:, ~zero],
                          s['keypoint'][0][:, ~zero])


def test_linear_map_changes_exactly_the_chosen_joints():
    np.random.seed(1)
    s = sample()
    out = RandomJointLinearMap(num_joints=15)(dict(s))
    changed = ~np.isclose(out['keypoint'][0],
                          s['keypoint'][0]).all(axis=(0, 2))
    assert changed.sum() == 15
    # one matrix for all chosen joints: solve it from one joint, check others
    idx = np.flatnonzero(changed)
    a = s['keypoint'][0][:, idx[0]]
    r = np.linalg.lstsq(a, out['keypoint'][0][:, idx[0]], rcond=None)[0]
    assert np.allclose(
        s['keypoint'][0][:, idx[1]] @ r,
        out['keypoint'][0][:, idx[1]],
        atol=1e-4)


def test_shear_keeps_the_diagonal():
    np.random.seed(2)
    s = sample()
    out = RandomSkeletonShear(magnitude=1.0)(dict(s))
    x, y = s['keypoint'][0].reshape(-1, 3), out['keypoint'][0].reshape(-1, 3)
    sh = np.linalg.lstsq(x, y, rcond=None)[0].T  # y = S x
    assert np.allclose(np.diag(sh), 1, atol=1e-4)
    assert np.abs(sh - np.eye(3)).max() <= 1 + 1e-4


@pytest.mark.parametrize(
    'transform',
    [RandomJointMask(15),
     RandomJointLinearMap(15),
     RandomSkeletonShear(1.0)])
def test_absent_persons_stay_zero(transform):
    np.random.seed(3)
    assert not transform(sample())['keypoint'][1].any()


def test_random_choice_config_follows_the_probabilities():
    choice = TRANSFORMS.build(
        dict(
            type='RandomChoice',
            transforms=[[dict(type='RandomJointMask', num_joints=15)],
                        [dict(type='RandomJointLinearMap', num_joints=15)],
                        [dict(type='RandomSkeletonShear', magnitude=1.0)]],
            prob=[0.25, 0.25, 0.5]))
    np.random.seed(0)
    masked = 0
    for _ in range(400):
        out = choice(sample())
        masked += (~out['keypoint'][0].any(axis=(0, 2))).sum() == 15
    assert 60 < masked < 140  # about a quarter


def test_too_many_joints_is_an_error():
    with pytest.raises(ValueError, match='num_joints'):
        RandomJointMask(num_joints=30)(sample())


@pytest.mark.parametrize('transform', [RandomJointMask, RandomJointLinearMap])
def test_augmenting_every_joint_is_refused(transform):
    """15 joints of a 15-joint mocap layout with the inherited
    num_joints=15: the mask would blank the whole skeleton silently."""
    clip = dict(keypoint=np.ones((1, 8, 15, 3), np.float32))
    with pytest.raises(ValueError, match='every one of the 15 joints') as err:
        transform(num_joints=15)(clip)
    assert '9 here' in str(err.value)  # 60 % of the layout's joints
    out = transform(num_joints=9)(dict(keypoint=np.ones((1, 8, 15, 3))))
    assert out['keypoint'].shape == (1, 8, 15, 3)


def test_the_batched_views_refuse_it_too():
    import torch

    from usdrl_mm.models.utils import batch_augments as ops
    with pytest.raises(ValueError, match='every one of the 15 joints'):
        ops.draw_joint_subsets(4, 15, 15, generator=torch.Generator())


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


@pytest.mark.parametrize('num_total,expected', [(25, 15), (17, 10), (13, 8),
                                                (15, 9), (33, 20)])
def test_a_fraction_is_a_share_of_the_clips_joints(num_total, expected):
    """0.6 of NTU's 25 joints is USDRL's 15; the same config line fits
    other layouts."""
    from usdrl_mm.datasets.transforms.spatial_augments import \
        resolve_augmented_joints
    assert resolve_augmented_joints(0.6, num_total) == expected
    rng = np.random.default_rng(0)
    kp = rng.normal(size=(2, 8, num_total, 3)).astype(np.float32)
    np.random.seed(0)
    masked = RandomJointMask(num_augmented_joints=0.6)(dict(keypoint=kp))
    assert (~masked['keypoint'][0].any(axis=(0, 2))).sum() == expected
    mapped = RandomJointLinearMap(0.6)(dict(keypoint=kp))
    changed = ~np.isclose(mapped['keypoint'][0], kp[0]).all(axis=(0, 2))
    assert changed.sum() == expected


def test_counts_fractions_and_their_limits():
    from usdrl_mm.datasets.transforms.spatial_augments import \
        resolve_augmented_joints
    assert resolve_augmented_joints(15, 25) == 15
    assert resolve_augmented_joints(0.5, 25) == 13  # halves round up
    assert resolve_augmented_joints(0.01, 25) == 1  # at least one joint
    with pytest.raises(ValueError, match=r'0\.99 \(25 of 25\) would augment'):
        resolve_augmented_joints(0.99, 25)
    for bad in (1.0, 1.5, 0.0, -1, True, '15'):
        with pytest.raises(ValueError, match='num_augmented_joints'):
            RandomJointMask(bad)
    assert repr(RandomJointMask(0.6)) == \
        'RandomJointMask(num_augmented_joints=0.6)'
    assert repr(RandomJointLinearMap(15, 0.5)) == \
        'RandomJointLinearMap(num_augmented_joints=15, magnitude=0.5)'
    # a fraction that leaves too few or all joints fails at the clip
    with pytest.raises(ValueError, match='formerly num_joints'):
        RandomJointMask(30)(sample())


@pytest.mark.parametrize('transform',
                         ['RandomJointMask', 'RandomJointLinearMap'])
def test_num_joints_still_works_with_a_deprecation_warning(transform):
    with pytest.warns(DeprecationWarning, match='use num_augmented_joints'):
        old = TRANSFORMS.build(dict(type=transform, num_joints=15))
    new = TRANSFORMS.build(dict(type=transform, num_augmented_joints=15))
    assert old.num_augmented_joints == old.num_joints == 15
    np.random.seed(5)
    a = old(sample())['keypoint']
    np.random.seed(5)
    b = new(sample())['keypoint']
    assert np.array_equal(a, b)
    with pytest.raises(TypeError, match='deprecated name'):
        TRANSFORMS.build(
            dict(type=transform, num_joints=15, num_augmented_joints=15))


def test_the_batched_views_take_the_same_counts():
    import torch

    from usdrl_mm.models import BatchMultiViewPreprocessor
    from usdrl_mm.models.utils import batch_augments as ops
    g = torch.Generator().manual_seed(0)
    assert ops.draw_joint_subsets(4, 25, 0.6, generator=g).shape == (4, 15)
    assert ops.draw_joint_subsets(4, 13, 0.6, generator=g).shape == (4, 8)
    assert ops.draw_linear_map(3, 17, generator=g).joints.shape == (3, 10)
    with pytest.warns(DeprecationWarning, match='num_chosen'):
        assert ops.draw_joint_subsets(
            4, 25, num_chosen=15, generator=g).shape == (4, 15)
    with pytest.warns(DeprecationWarning, match='num_chosen'):
        ops.draw_linear_map(2, 25, num_chosen=15, generator=g)
    pre = BatchMultiViewPreprocessor(num_augmented_joints=0.6)
    valid = torch.tensor([100, 120])
    assert pre.draw_views(valid, 25, 3).joints.shape == (8, 15)
    assert pre.draw_views(valid, 17, 3).joints.shape == (8, 10)
    with pytest.warns(DeprecationWarning, match='use num_augmented_joints'):
        old = BatchMultiViewPreprocessor(num_joints=15)
    assert old.num_augmented_joints == old.num_joints == 15
    torch.manual_seed(1)
    a = old.draw_views(valid, 25, 3)
    torch.manual_seed(1)
    b = BatchMultiViewPreprocessor(num_augmented_joints=15).draw_views(
        valid, 25, 3)
    assert torch.equal(a.joints, b.joints) and torch.equal(a.matrix, b.matrix)
