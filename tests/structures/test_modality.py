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


@pytest.mark.parametrize('modality', ['bone', 'motion'])
def test_2d_scores_are_averaged_as_mmaction2_does(modality):
    """(x, y, score) COCO-17 input: bone and motion equal MMAction2's
    JointToBone / ToMotion on the same array, score channel included."""
    from mmaction.datasets.transforms import JointToBone, ToMotion
    rng = np.random.default_rng(0)
    keypoint = rng.normal(size=(2, 6, 17, 3)).astype(np.float32)
    keypoint[..., 2] = rng.uniform(size=(2, 6, 17))  # scores in [0, 1]
    if modality == 'bone':
        ref = JointToBone(dataset='coco').transform(
            dict(keypoint=keypoint.copy()))['keypoint']
    else:
        ref = ToMotion(dataset='coco').transform(
            dict(keypoint=keypoint.copy()))['motion']
    from usdrl_mm.structures import get_layout
    parents = get_layout('coco').parents
    ours = derive_modality(keypoint, modality, parents, coord_channels=2)
    np.testing.assert_allclose(ours, ref, atol=1e-6)
    torch_ours = derive_modality(
        torch.from_numpy(keypoint), modality, parents, coord_channels=2)
    np.testing.assert_allclose(torch_ours.numpy(), ref, atol=1e-6)
    # without the declaration the score is differenced like a coordinate
    plain = derive_modality(keypoint, modality, parents)
    assert not np.allclose(plain[..., 2], ref[..., 2])
    np.testing.assert_allclose(plain[..., :2], ref[..., :2], atol=1e-6)


def test_the_2d_configs_declare_the_score_channel():
    import os.path as osp

    from mmaction.registry import MODELS
    from mmengine.config import Config

    import usdrl_mm  # noqa: F401
    repo = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    for name in ('usdrl/mgfd_dste_2xb178-joint-451e_ntu60-xsub-keypoint-2d',
                 'usdrl/benchmarks/'
                 'dste-linear_1xb512-joint-160e_ntu60-xsub-keypoint-2d'):
        cfg = Config.fromfile(osp.join(repo, 'configs', f'{name}.py'))
        pre = cfg.model.data_preprocessor
        built = MODELS.build(dict(pre, modality='bone'))
        x = torch.rand(2, 1, 2, 4, 17, 3)
        out = built.model_inputs(x)
        parents = list(built.layout.parents)
        expected = (x[..., 2] + x[..., parents, 2]) / 2
        torch.testing.assert_close(out[..., 2], expected)


@pytest.mark.parametrize('modality', ['bone', 'motion'])
def test_a_2d_score_spec_keeps_the_score_by_construction(modality):
    """A (x, y, score) skeleton spec gives the modality code its coordinate
    channels: bone and motion average the score as MMAction2 does, with no
    separate coord_channels setting anywhere."""
    from mmaction.datasets.transforms import JointToBone, ToMotion

    from usdrl_mm.models import SkeletonDataPreprocessor
    from usdrl_mm.structures import SkeletonSpec
    rng = np.random.default_rng(1)
    keypoint = rng.normal(size=(2, 6, 17, 3)).astype(np.float32)
    keypoint[..., 2] = rng.uniform(size=(2, 6, 17))
    if modality == 'bone':
        ref = JointToBone(dataset='coco').transform(
            dict(keypoint=keypoint.copy()))['keypoint']
    else:
        ref = ToMotion(dataset='coco').transform(
            dict(keypoint=keypoint.copy()))['motion']
    spec = SkeletonSpec('coco', coord_dims=2, with_score=True)
    ours = derive_modality(keypoint, modality, spec.parents,
                           spec.coord_channels)
    np.testing.assert_allclose(ours, ref, atol=1e-6)
    pre = SkeletonDataPreprocessor(modality=modality, skeleton=spec)
    assert pre.coord_channels == 2 and pre.layout.name == 'coco'
    # (M, T, V, C) -> (N=1, K=1, M, T, V, C)
    out = pre.model_inputs(torch.from_numpy(keypoint)[None, None])
    np.testing.assert_allclose(out[0, 0].numpy(), ref, atol=1e-6)
    # the score channel is a mean of scores, never a difference
    assert (out[..., 2] >= 0).all()
    # a 3D spec differences every channel, as without a declaration
    xyz = SkeletonSpec('coco')
    assert np.allclose(
        derive_modality(keypoint, modality, xyz.parents, xyz.coord_channels),
        derive_modality(keypoint, modality, xyz.parents))
