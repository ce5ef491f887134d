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


COCO_2D = dict(layout='coco', num_person=2, coord_dims=2, with_score=True)


@pytest.mark.parametrize('modality', ['bone', 'motion', ('joint', 'bone')])
def test_a_spec_replaces_layout_and_coord_channels(modality):
    old = SkeletonDataPreprocessor(
        modality=modality, layout='coco', coord_channels=2)
    new = SkeletonDataPreprocessor(modality=modality, skeleton=COCO_2D)
    assert new.layout is get_layout('coco') and new.coord_channels == 2
    assert old.skeleton is None and new.skeleton.in_channels == 3
    x = torch.rand(2, 1, 2, 8, 17, 3)
    assert torch.equal(old.model_inputs(x), new.model_inputs(x))
    # agreeing values beside the spec are fine
    SkeletonDataPreprocessor(skeleton=COCO_2D, layout='coco', coord_channels=2)


def test_the_default_layout_is_ntus():
    assert SkeletonDataPreprocessor().layout.name == 'nturgb+d'
    assert SkeletonDataPreprocessor().coord_channels is None
    assert SkeletonDataPreprocessor(skeleton='nturgb+d').coord_channels == 3


def test_a_spec_refuses_disagreeing_settings_and_batches():
    with pytest.raises(
            ValueError,
            match="layout='nturgb\\+d' and "
            'coord_channels=3 disagree'):
        SkeletonDataPreprocessor(
            skeleton=COCO_2D, layout='nturgb+d', coord_channels=3)
    pre = SkeletonDataPreprocessor(skeleton=COCO_2D)
    with pytest.raises(ValueError) as err:
        pre(dict(inputs=[torch.zeros(1, 2, 8, 17, 2)]))  # no score channel
    message = str(err.value)
    assert 'does not fit the skeleton spec' in message
    assert '2 channels but the skeleton spec gives 3' in message
    with pytest.raises(ValueError, match='FormatGCNInput\\(num_person=2\\)'):
        pre(dict(inputs=[torch.zeros(1, 1, 8, 17, 3)]))
    with pytest.raises(ValueError, match='25 joints'):
        pre(dict(inputs=[torch.zeros(1, 2, 8, 25, 3)]))


def test_the_batched_views_read_the_spec():
    from usdrl_mm.models import BatchMultiViewPreprocessor
    pre = BatchMultiViewPreprocessor(
        skeleton=COCO_2D, branch_probs=(0, 1, 0), clip_len=16, min_len=16)
    assert pre.coord_channels == 2 and pre.layout.name == 'coco'
    clips = [torch.rand(2, 40, 17, 3) for _ in range(3)]
    torch.manual_seed(0)
    views = pre(dict(inputs=clips))['inputs']  # (N, K, M, T, V, C)
    assert views.shape == (3, 4, 2, 16, 17, 3)
    # every view is a random linear map of 10 joints' (x, y): the scores
    # are only resampled in time, so they stay in [0, 1]
    assert views[..., 2].min() >= 0 and views[..., 2].max() <= 1
    with pytest.raises(ValueError, match='does not fit the skeleton spec'):
        pre(dict(inputs=[torch.rand(2, 40, 25, 3)]))
