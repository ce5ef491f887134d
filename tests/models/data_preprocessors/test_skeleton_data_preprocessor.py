import pytest
import torch

from usdrl_mm.models import SkeletonDataPreprocessor
from usdrl_mm.structures import get_layout


def batch(n=3, k=2):
    return dict(
        inputs=[torch.randn(k, 2, 8, 25, 3).half() for _ in range(n)],
        data_samples=None)


def test_joint_stacks_and_casts():
    data = batch()
    out = SkeletonDataPreprocessor()(data)
    assert out['inputs'].shape == (3, 2, 2, 8, 25, 3)
    assert out['inputs'].dtype == torch.float32
    assert torch.equal(out['inputs'][1], data['inputs'][1].float())


def test_bone_uses_the_layout_parents():
    data = batch()
    out = SkeletonDataPreprocessor(modality='bone')(data)['inputs']
    x = torch.stack(data['inputs']).float()
    parents = get_layout('nturgb+d').parents
    for v in (0, 5, 20, 24):
        assert torch.equal(out[..., v, :],
                           x[..., v, :] - x[..., parents[v], :])
    assert out[..., 20, :].abs().sum() == 0  # spine_shoulder is its own parent


def test_motion_is_the_forward_difference():
    data = batch()
    out = SkeletonDataPreprocessor(modality='motion')(data)['inputs']
    x = torch.stack(data['inputs']).float()
    assert torch.equal(out[..., :-1, :, :],
                       x[..., 1:, :, :] - x[..., :-1, :, :])
    assert out[..., -1, :, :].abs().sum() == 0


def test_errors():
    with pytest.raises(ValueError, match='modality'):
        SkeletonDataPreprocessor(modality='depth')
    with pytest.raises(KeyError, match='unknown skeleton layout'):
        SkeletonDataPreprocessor(layout='nope')
    bad = dict(
        inputs=[torch.zeros(1, 2, 8, 25, 3),
                torch.zeros(1, 2, 9, 25, 3)])
    with pytest.raises(ValueError, match='different shapes'):
        SkeletonDataPreprocessor()(bad)


def test_cpu_batches_are_not_copied_to_where_they_are():
    from mmaction.structures import ActionDataSample
    pre = SkeletonDataPreprocessor()
    samples = [ActionDataSample(metainfo=dict(i=i)) for i in range(3)]
    data = dict(inputs=batch()['inputs'], data_samples=samples)
    out = pre(data)
    assert all(a is b for a, b in zip(out['data_samples'], samples))
    # anything that is not a list of CPU clips takes mmengine's path
    moved = pre.cast_data(dict(inputs=None, data_samples=samples))
    assert all(a is not b for a, b in zip(moved['data_samples'], samples))
