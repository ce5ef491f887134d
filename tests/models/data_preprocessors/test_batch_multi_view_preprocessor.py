import numpy as np
import pytest
import torch
from mmaction.registry import DATASETS, MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import OptimWrapper

from usdrl_mm.datasets.transforms.spatial_augments import (linear_map_joints,
                                                           mask_joints)
from usdrl_mm.datasets.transforms.temporal_crop_resize import crop_resize
from usdrl_mm.models import BatchMultiViewPreprocessor
from usdrl_mm.models.data_preprocessors.batch_multi_view_preprocessor import \
    BRANCHES
from usdrl_mm.structures import bones_from_joints, get_layout

VALID = [40, 64, 100, 300]  # the 64-frame floor, and longer clips
CONFIGS = 'configs/usdrl/mgfd_dste-tiny{}_1xb64-joint-24e_synthetic-' \
          'xsub-keypoint-3d.py'


def raw_batch(valid=VALID, frames=300, channels=3, seed=0):
    """Packed raw clips (2, frames, 25, C) with NaN after the valid frames
    (reading one would show) and one absent second person."""
    rng = np.random.default_rng(seed)
    inputs, samples = [], []
    for i, n in enumerate(valid):
        x = rng.normal(size=(2, frames, 25, channels)).astype(np.float32)
        x[:, n:] = np.nan
        if i == 0:
            x[1] = 0
        inputs.append(torch.from_numpy(x))
        samples.append(ActionDataSample(metainfo=dict(valid_len=n)))
    return dict(inputs=inputs, data_samples=samples)


def reference_view(raw, valid_len, params, b, clip_len=64):
    """View row ``b`` by the per-sample numpy ops with the drawn params."""
    x = crop_resize(raw[:, :valid_len], int(params.crop.start[b]),
                    int(params.crop.length[b]), clip_len, 1)
    branch = BRANCHES[int(params.branch[b])]
    joints = params.joints[b].numpy()
    matrix = params.matrix[b].numpy()
    c = matrix.shape[-1]
    if branch == 'mask':
        return mask_joints(x, joints)
    if branch == 'linear_map':
        x[..., :c] = linear_map_joints(x[..., :c], matrix, joints)
    else:  # S x with column vectors
        x[..., :c] = linear_map_joints(x[..., :c], matrix.T)
    return x


def test_short_clip_crop_gives_short_clips_own_windows():
    valid_len = torch.tensor(VALID)
    whole = BatchMultiViewPreprocessor()
    crop = BatchMultiViewPreprocessor(short_clip='crop')
    torch.manual_seed(0)
    a = whole.draw_views(valid_len, 25, 3).crop
    torch.manual_seed(0)
    b = crop.draw_views(valid_len, 25, 3).crop
    # view k of sample n is row n*K + k: sample 0 is the 40-frame clip
    assert a.start[:4].tolist() == [0] * 4 and a.length[:4].tolist() == [40
                                                                         ] * 4
    assert (b.length[:4] < 40).all() and (b.start[:4] + b.length[:4]
                                          <= 40).all()
    assert torch.equal(a.start[4:], b.start[4:])
    assert torch.equal(a.length[4:], b.length[4:])
    torch.manual_seed(0)
    out = crop(raw_batch())['inputs']
    assert out.shape == (4, 4, 2, 64, 25, 3) and not out.isnan().any()
    with pytest.raises(ValueError, match='short_clip must be one of'):
        BatchMultiViewPreprocessor(short_clip='pad')


def test_shapes_and_no_padding_read():
    out = BatchMultiViewPreprocessor()(raw_batch())
    assert out['inputs'].shape == (4, 4, 2, 64, 25, 3)
    assert out['inputs'].dtype == torch.float32
    assert not out['inputs'].isnan().any()
    assert (out['inputs'][0, :, 1] == 0).all()  # the absent person
    assert len(out['data_samples']) == 4


@pytest.mark.parametrize('channels,coord_channels', [(3, None), (3, 2),
                                                     (4, 3)])
def test_views_equal_the_per_sample_ops_for_the_drawn_params(
        channels, coord_channels):
    pre = BatchMultiViewPreprocessor(coord_channels=coord_channels)
    data = raw_batch(channels=channels)
    clips, valid_len = pre.collect_raw(data['inputs'], data['data_samples'])
    assert valid_len.tolist() == VALID
    torch.manual_seed(0)
    params = pre.draw_views(valid_len, 25, coord_channels or channels)
    views = pre.apply_views(clips, params)
    # forward draws the same parameters from the same global seed
    torch.manual_seed(0)
    assert torch.equal(pre(data)['inputs'], views)
    assert set(params.branch.tolist()) == {0, 1, 2}  # all three are checked
    for b in range(len(VALID) * 4):
        n, k = divmod(b, 4)
        expected = reference_view(clips[n].numpy(), VALID[n], params, b)
        assert np.allclose(views[n, k].numpy(), expected, atol=1e-5), b


def test_a_score_channel_is_kept_by_maps_and_zeroed_by_masks():
    pre = BatchMultiViewPreprocessor(coord_channels=2)
    torch.manual_seed(1)
    params = pre.draw_views(torch.tensor([300] * 16), 25, 2)
    data = raw_batch([300] * 16)
    views = pre.apply_views(pre.collect_raw(data['inputs'], None)[0], params)
    crops = BatchMultiViewPreprocessor(
        branch_probs=(0, 0, 1), shear_magnitude=0.)
    # a zero shear is the identity: the crops alone
    torch.manual_seed(1)
    plain = crops(data)['inputs']
    branch = params.branch.view(16, 4)
    mask = branch == BRANCHES.index('mask')
    assert torch.equal(views[~mask][..., 2], plain[~mask][..., 2])
    for n, k in mask.nonzero().tolist():
        joints = params.joints[n * 4 + k]
        assert (views[n, k][..., joints, :] == 0).all()


def test_branch_and_crop_frequencies():
    pre = BatchMultiViewPreprocessor()
    torch.manual_seed(0)
    valid = torch.tensor([300] * 2000)
    params = pre.draw_views(valid, 25, 3)
    freq = torch.bincount(params.branch, minlength=3).float() / 8000
    assert torch.allclose(freq, torch.tensor([0.25, 0.25, 0.5]), atol=0.02)
    length = params.crop.length.float()
    assert length.min() == 64 and length.max() <= 300
    # s ~ U(0.1, 1): L = 64 whenever 300 s < 64
    assert abs((length == 64).float().mean() - (64 / 300 - 0.1) / 0.9) < 0.02
    assert abs(length.mean() - 300 * 0.55) < 10
    shear = params.matrix[params.branch == BRANCHES.index('shear')]
    assert torch.equal(
        torch.diagonal(shear, dim1=1, dim2=2), torch.ones(len(shear), 3))
    mask = params.matrix[params.branch == BRANCHES.index('mask')]
    assert (mask == 0).all()


def test_views_differ_and_are_reproducible():
    pre = BatchMultiViewPreprocessor()
    data = raw_batch()
    torch.manual_seed(3)
    first = pre(data)['inputs']
    torch.manual_seed(3)
    again = pre(data)['inputs']
    other = pre(data)['inputs']
    assert torch.equal(first, again)
    assert not torch.allclose(first, other)
    for n in range(4):
        for k in range(1, 4):
            assert not torch.allclose(first[n, 0], first[n, k])


def test_modality_is_derived_after_the_views():
    data = raw_batch()
    torch.manual_seed(4)
    joint = BatchMultiViewPreprocessor()(data)['inputs']
    torch.manual_seed(4)
    bone = BatchMultiViewPreprocessor(modality='bone')(data)['inputs']
    parents = get_layout('nturgb+d').parents
    assert torch.allclose(bone, bones_from_joints(joint, parents))
    torch.manual_seed(4)
    jmb = BatchMultiViewPreprocessor(modality=('joint', 'motion',
                                               'bone'))(data)['inputs']
    assert jmb.shape == (4, 4, 2, 64, 25, 9)
    assert torch.equal(jmb[..., :3], joint)
    assert torch.allclose(jmb[..., 6:], bone)


def test_valid_length_defaults_to_the_clip_length_and_errors():
    pre = BatchMultiViewPreprocessor()
    clips = [torch.randn(2, 50, 25, 3), torch.randn(1, 90, 25, 3)[[0, 0]]]
    raw, valid_len = pre.collect_raw(clips, None)
    assert [x.shape[1] for x in raw] == valid_len.tolist() == [50, 90]
    assert pre(dict(inputs=clips))['inputs'].shape == (2, 4, 2, 64, 25, 3)
    # a stacked batch is read as its clips
    torch.manual_seed(5)
    stacked = pre(dict(inputs=torch.stack([clips[1], clips[1]])))['inputs']
    torch.manual_seed(5)
    listed = pre(dict(inputs=[clips[1], clips[1]]))['inputs']
    assert torch.equal(stacked, listed)
    with pytest.raises(ValueError, match='one \\(M, V, C\\)'):
        pre(dict(inputs=[clips[0], clips[0][:1]]))
    with pytest.raises(ValueError, match='valid lengths'):
        pre.collect_raw(clips,
                        [ActionDataSample(metainfo=dict(valid_len=0))] * 2)
    with pytest.raises(ValueError, match='FormatRawSkeleton'):
        pre(dict(inputs=[torch.zeros(1, 2, 64, 25, 3)]))
    with pytest.raises(ValueError, match='coord_channels'):
        BatchMultiViewPreprocessor(coord_channels=4)(dict(inputs=clips))
    with pytest.raises(ValueError, match='branch_probs'):
        BatchMultiViewPreprocessor(branch_probs=(0.5, 0.5))


def test_one_mgfd_training_step():
    model = MODELS.build(
        dict(
            type='MGFD',
            backbone=dict(type='DSTE', hidden_dim=16, clip_len=16),
            projector=dict(type='MGFDProjector', in_channels=16),
            data_preprocessor=dict(
                type='BatchMultiViewPreprocessor', clip_len=16, min_len=16)))
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    before = [p.detach().clone() for p in model.parameters()]
    torch.manual_seed(0)
    # NaN padding: a finite loss shows that no padded frame was read
    log = model.train_step(raw_batch([20, 30, 64, 300], seed=1), wrapper)
    assert {'loss', 'loss_sim', 'loss_vac', 'loss_xcorr'} <= set(log)
    assert all(torch.isfinite(v) for v in log.values())
    changed = [
        not torch.equal(a, p) for a, p in zip(before, model.parameters())
    ]
    assert sum(changed) > len(changed) // 2


def test_batched_config_matches_the_per_sample_config(synthetic_data,
                                                      repo_root):
    """The same samples through either pipeline and preprocessor give
    inputs of one shape, and the raw pipeline hands over the valid frames
    only."""
    outs = {}
    for variant in ('', '-batchaug'):
        cfg = Config.fromfile(f'{repo_root}/{CONFIGS.format(variant)}')
        ds_cfg = cfg.train_dataloader.dataset
        ds_cfg.ann_file = synthetic_data['trimmed']
        dataset = DATASETS.build(ds_cfg)
        batch = pseudo_collate([dataset[i] for i in range(3)])
        pre = MODELS.build(cfg.model.data_preprocessor)
        outs[variant] = (batch, pre(batch, True)['inputs'])
    batch, batched = outs['-batchaug']
    assert batched.shape == outs[''][1].shape == (3, 4, 2, 64, 25, 3)
    for x, sample in zip(batch['inputs'], batch['data_samples']):
        n = sample.valid_len
        assert x.shape == (2, n, 25, 3) and 1 <= n < 300
        assert x[0, n - 1].abs().sum() > 0
