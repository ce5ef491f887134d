import math
import os.path as osp

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.optim import OptimWrapper

from usdrl_mm.models import SkeletonDataPreprocessor
from usdrl_mm.models.utils.virtual_camera import (rotate_coordinates,
                                                  rotation_about_axis)
from usdrl_mm.structures import get_layout, isolate_modality, stack_modalities

MGFD_TERMS = {'loss_sim', 'loss_vac', 'loss_xcorr'}
REPO = osp.dirname(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))


def tiny_mpct(view=5.0, modal=5.0, **kwargs):
    cfg = dict(
        type='MPCT',
        backbone=dict(type='DSTE', hidden_dim=16, clip_len=16, in_channels=9),
        projector=dict(type='MGFDProjector', in_channels=16),
        head=dict(
            type='MPCTHead',
            loss_view=dict(type='MultiViewConsistencyLoss', loss_weight=view),
            loss_modal=dict(
                type='MultiModalConsistencyLoss', loss_weight=modal)),
        **kwargs)
    model = MODELS.build(cfg)
    model.init_weights()
    return model


def views(n=8, k=4):
    g = torch.Generator().manual_seed(0)
    return dict(
        inputs=[torch.randn(k, 2, 16, 25, 3, generator=g) for _ in range(n)])


def encoder_inputs(model, inputs):
    """Run a loss pass and return what the encoder was given."""
    seen = []
    handle = model.backbone.register_forward_pre_hook(
        lambda module, args: seen.append(args[0].detach()))
    losses = model(inputs, mode='loss')
    handle.remove()
    return losses, seen[0]


def test_preprocessor_concatenates_joint_bone_motion_in_order():
    data = views(n=2, k=1)
    out = SkeletonDataPreprocessor(
        modality=['joint', 'bone', 'motion'])(data)['inputs']
    x = torch.stack(data['inputs'])
    parents = get_layout('nturgb+d').parents
    assert out.shape == (2, 1, 2, 16, 25, 9)
    assert torch.equal(out[..., :3], x)
    assert torch.equal(out[..., 3:6], x - x[..., list(parents), :])
    assert torch.equal(out[..., 6:8, :, 6:],
                       x[..., 7:9, :, :] - x[..., 6:8, :, :])
    assert out[..., -1, :, 6:].abs().sum() == 0
    with pytest.raises(ValueError, match='repeated'):
        SkeletonDataPreprocessor(modality=['joint', 'joint'])


def test_isolate_modality_keeps_one_stream():
    x = torch.arange(1., 10.).view(1, 9)
    assert isolate_modality(x, 1, 3).tolist() == [[0, 0, 0, 4, 5, 6, 0, 0, 0]]
    total = sum(isolate_modality(x, m, 3) for m in range(3))
    assert torch.equal(total, x)
    with pytest.raises(ValueError, match='stream 3'):
        isolate_modality(x, 3, 3)
    # numpy arrays (per-sample transforms) give the same numbers as tensors
    joints = torch.randn(2, 4, 25, 3)
    parents = get_layout('nturgb+d').parents
    stacked = stack_modalities(joints.numpy(), ['bone', 'motion'], parents)
    assert stacked.shape == (2, 4, 25, 6)
    assert torch.allclose(
        torch.from_numpy(stacked),
        stack_modalities(joints, ['bone', 'motion'], parents))
    assert (isolate_modality(stacked, 0, 2)[..., 3:] == 0).all()


def test_rotation_about_the_vertical_axis():
    rot = rotation_about_axis(torch.tensor([math.pi / 2, 0.]), axis=1)
    # a quarter turn about y takes +z to +x and +x to -z (right-handed)
    assert torch.allclose(
        rot[0] @ torch.tensor([0., 0., 1.]),
        torch.tensor([1., 0., 0.]),
        atol=1e-6)
    assert torch.allclose(
        rot[0] @ torch.tensor([1., 0., 0.]),
        torch.tensor([0., 0., -1.]),
        atol=1e-6)
    assert torch.equal(rot[1], torch.eye(3))


def test_virtual_camera_commutes_with_bone_and_motion():
    g = torch.Generator().manual_seed(0)
    joints = torch.randn(3, 2, 16, 25, 3, generator=g)
    rot = rotation_about_axis(torch.rand(3, generator=g) * 6, axis=1)
    parents = get_layout('nturgb+d').parents
    modalities = ('joint', 'bone', 'motion')
    rotated_input = rotate_coordinates(
        stack_modalities(joints, modalities, parents), rot)
    from_rotated_joints = stack_modalities(
        rotate_coordinates(joints, rot), modalities, parents)
    assert torch.allclose(rotated_input, from_rotated_joints, atol=1e-5)
    # heights and bone lengths do not change
    assert torch.allclose(rotated_input[..., 1::3], from_rotated_joints[...,
                                                                        1::3])
    bone = rotated_input[..., 3:6]
    assert torch.allclose(
        bone.norm(dim=-1),
        stack_modalities(joints, ['bone'], parents).norm(dim=-1),
        atol=1e-5)


def test_loss_terms_and_shapes():
    model = tiny_mpct()
    data = model.data_preprocessor(views(), True)
    assert data['inputs'].shape == (8, 4, 2, 16, 25, 9)
    losses, seen = encoder_inputs(model, data['inputs'])
    assert MGFD_TERMS | {
        'loss_mv', 'loss_mm', 'mm_joint', 'mm_bone', 'mm_motion'
    } == {k
          for k in losses if k.startswith(('loss', 'mm_'))}
    assert all(torch.isfinite(v) for v in losses.values())
    assert torch.allclose(
        losses['loss_mm'],
        (losses['mm_joint'] + losses['mm_bone'] + losses['mm_motion']) / 3)
    # one pass: 4 augmented views + 1 virtual view + 3 single-modality views
    assert seen.shape == (8 * 8, 2, 16, 25, 9)
    assert model(data['inputs'], mode='tensor').shape == (8, 4, 32)


def test_one_encoder_sees_all_three_modalities():
    model = tiny_mpct(num_virtual_views=1, num_modal_views=1)
    data = model.data_preprocessor(views(), True)
    _, seen = encoder_inputs(model, data['inputs'])
    seen = seen.view(8, 8, 2, 16, 25, 3, 3)  # (N, views, ..., G, C)
    fused, virtual, single = seen[:, :4], seen[:, 4], seen[:, 5:]
    assert (fused.abs().sum(dim=(0, 1, 2, 3, 4, 6)) > 0).all()
    for m in range(3):  # view 5 + m carries modality m alone
        energy = single[:, m].abs().sum(dim=(0, 1, 2, 3, 5))
        assert energy[m] > 0 and energy.sum() == energy[m]
    # the virtual view is a rotation of view 0: same vertical coordinate
    assert torch.allclose(virtual[..., 1], fused[:, 0, ..., 1])
    assert not torch.allclose(virtual, fused[:, 0])

    losses = model(data['inputs'], mode='loss')
    sum(v for k, v in losses.items() if k.startswith('loss')).backward()
    grad = model.backbone.temporal_embed[0].weight.grad.view(16, 50, 3, 3)
    # every modality's embedding columns learn (M*V tokens x G x C inputs)
    assert (grad.abs().sum(dim=(0, 1, 3)) > 0).all()
    for name, p in model.named_parameters():
        assert p.grad is not None, name


@pytest.mark.parametrize('view,modal,extra', [(0., 5., 3), (5., 0., 1),
                                              (0., 0., 0)])
def test_zero_weights_drop_terms_and_their_views(view, modal, extra):
    model = tiny_mpct(view=view, modal=modal)
    data = model.data_preprocessor(views(), True)
    losses, seen = encoder_inputs(model, data['inputs'])
    assert ('loss_mv' in losses) == (view > 0)
    assert ('loss_mm' in losses) == (modal > 0)
    assert ('mm_bone' in losses) == (modal > 0)
    assert seen.shape[0] == 8 * (4 + extra)


def test_zero_consistency_weights_give_mgfd_on_the_fused_input():
    mpct = tiny_mpct(view=0., modal=0.)
    mgfd = MODELS.build(
        dict(
            type='MGFD',
            data_preprocessor=dict(
                type='SkeletonDataPreprocessor',
                modality=['joint', 'bone', 'motion']),
            backbone=dict(
                type='DSTE', hidden_dim=16, clip_len=16, in_channels=9),
            projector=dict(type='MGFDProjector', in_channels=16)))
    mgfd.load_state_dict(mpct.state_dict())
    mpct.eval()  # no DropPath draws, same BN path for both
    mgfd.eval()
    data = mpct.data_preprocessor(views(), True)
    a = mpct(data['inputs'], mode='loss')
    b = mgfd(data['inputs'], mode='loss')
    assert a.keys() == b.keys()
    for key in a:
        assert torch.allclose(a[key], b[key]), key


def test_train_steps_reduce_the_loss_on_a_fixed_batch():
    torch.manual_seed(0)
    model = tiny_mpct()
    wrapper = OptimWrapper(torch.optim.Adam(model.parameters(), lr=2e-3))
    data = views(n=8)
    first = model.train_step(data, wrapper)
    for _ in range(10):
        last = model.train_step(data, wrapper)
    assert torch.isfinite(last['loss']) and last['loss'] < 0.85 * first['loss']
    assert {'loss_mv', 'loss_mm'} <= set(last)


def test_errors():
    with pytest.raises(ValueError, match='multiple'):
        MODELS.build(
            dict(
                type='MPCT',
                backbone=dict(
                    type='DSTE', hidden_dim=16, clip_len=16, in_channels=4),
                projector=dict(type='MGFDProjector', in_channels=16)))
    model = tiny_mpct()
    with pytest.raises(ValueError, match='K>=2'):
        model(torch.zeros(2, 1, 2, 16, 25, 9), mode='loss')


def load(name):
    return Config.fromfile(osp.join(REPO, 'configs/usdrl', name))


def test_paper_scale_config():
    cfg = load('mpct_dste_2xb178-jmb-451e_ntu60-xsub-keypoint-3d.py')
    base = load('mgfd_dste_2xb178-joint-451e_ntu60-xsub-keypoint-3d.py')
    assert cfg.model.type == 'MPCT'
    assert tuple(cfg.model.data_preprocessor.modality) == ('joint', 'bone',
                                                           'motion')
    assert cfg.model.backbone.in_channels == 9
    assert cfg.model.head.loss_view.loss_weight > 0
    assert cfg.model.head.loss_modal.loss_weight > 0
    # the MG-FD terms, the data and the schedule are those of MG-FD
    for key in ('loss_sim', 'loss_vac', 'loss_xcorr', 'grain_weights'):
        assert cfg.model.head[key] == base.model.head[key]
    for key in ('train_dataloader', 'optim_wrapper', 'param_scheduler',
                'train_cfg'):
        assert cfg[key] == base[key]


@pytest.mark.parametrize('variant,view,modal', [('-mgfdonly', 0, 0),
                                                ('-mv', 5, 0), ('-mm', 0, 5),
                                                ('', 5, 5)])
def test_tiny_ablation_configs_differ_only_in_the_weights(
        variant, view, modal):
    cfg = load(f'mpct_dste-tiny{variant}_1xb64-jmb-24e_'
               'synthetic-xsub-keypoint-3d.py')
    demo = load('mgfd_dste-tiny_1xb64-joint-24e_synthetic-xsub-keypoint-3d.py')
    head = cfg.model.head
    assert (head.loss_view.loss_weight, head.loss_modal.loss_weight) == (view,
                                                                         modal)
    model = MODELS.build(cfg.model)
    assert type(model).__name__ == 'MPCT'
    assert (model.head.use_view, model.head.use_modal) == (view > 0, modal > 0)
    both = load('mpct_dste-tiny_1xb64-jmb-24e_synthetic-xsub-keypoint-3d.py')
    head.loss_view.loss_weight = head.loss_modal.loss_weight = 5.0
    assert cfg.model == both.model
    for key in ('train_dataloader', 'optim_wrapper', 'param_scheduler',
                'train_cfg'):
        assert cfg[key] == demo[key]


def test_probe_configs_load_an_mpct_encoder():
    mpct = MODELS.build(
        load('mpct_dste-tiny_1xb64-jmb-24e_synthetic-xsub-keypoint-3d.py').
        model)
    for name in (
            'dste-tiny-linear_1xb64-jmb-20e_synthetic-xsub-keypoint-3d.py',
            'dste-tiny-knn_1xb128-jmb_synthetic-xsub-keypoint-3d.py'):
        cfg = load('benchmarks/' + name)
        cfg.model.backbone.init_cfg = None
        probe = MODELS.build(cfg.model)
        missing = probe.backbone.load_state_dict(
            mpct.backbone.state_dict(), strict=True)
        assert not missing.missing_keys
        clips = dict(inputs=[torch.randn(1, 2, 64, 25, 3) for _ in range(2)])
        x = probe.data_preprocessor(clips, False)['inputs']
        assert x.shape == (2, 1, 2, 64, 25, 9)
        # (N, 1, M, T, V, 9) -> (N, M, T, V, 9), as RecognizerGCN folds clips
        temporal, spatial = probe.backbone(x.flatten(0, 1))
        assert temporal.shape == (2, 64, 64) and spatial.shape == (2, 50, 64)


def test_2d_input_with_scores_is_never_rotated():
    pre = dict(
        type='SkeletonDataPreprocessor',
        modality=('joint', 'bone', 'motion'),
        layout='coco',
        coord_channels=2)
    backbone = dict(
        type='DSTE', hidden_dim=16, clip_len=16, in_channels=9, num_joints=17)
    with pytest.raises(ValueError, match='num_virtual_views=0'):
        MODELS.build(
            dict(
                type='MPCT',
                backbone=backbone,
                projector=dict(type='MGFDProjector', in_channels=16),
                data_preprocessor=pre))
    model = MODELS.build(
        dict(
            type='MPCT',
            backbone=backbone,
            projector=dict(type='MGFDProjector', in_channels=16),
            head=dict(
                type='MPCTHead',
                loss_view=dict(
                    type='MultiViewConsistencyLoss', loss_weight=0.0)),
            data_preprocessor=pre,
            num_virtual_views=0))
    model.init_weights()
    losses = model(torch.rand(2, 2, 2, 16, 17, 9), mode='loss')
    assert 'loss_mv' not in losses and 'loss_mm' in losses
    # (x, y, score) per stream without the declaration: refused at the view
    with pytest.raises(ValueError, match='3D coordinates'):
        tiny_mpct().virtual_views(torch.zeros(2, 1, 2, 16, 25, 6))


def test_a_score_after_3d_coordinates_is_not_rotated():
    """(x, y, z, score) streams, declared by the preprocessor's skeleton
    spec: the virtual camera turns the coordinates of every stream and
    keeps the scores (of the joint, and the averaged ones of bone and
    motion)."""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(2, 1, 2, 16, 25, 12, generator=g)  # J|B|M x (xyz, s)
    rot = rotation_about_axis(torch.rand(2, generator=g) * 6, axis=1)
    out = rotate_coordinates(x.flatten(0, 1), rot, stream_channels=4)
    streams = out.view(2, 2, 16, 25, 3, 4)
    inputs = x.flatten(0, 1).view(2, 2, 16, 25, 3, 4)
    assert torch.equal(streams[..., 3], inputs[..., 3])
    for s in range(3):  # each stream's xyz as a 3-channel rotation
        assert torch.allclose(
            streams[..., s, :3],
            rotate_coordinates(inputs[..., s, :3].contiguous(), rot),
            atol=1e-6)
    with pytest.raises(ValueError, match='S >= 3'):
        rotate_coordinates(x.flatten(0, 1), rot, stream_channels=2)

    spec = dict(layout='nturgb+d', coord_dims=3, with_score=True)
    model = tiny_mpct(
        data_preprocessor=dict(
            type='SkeletonDataPreprocessor',
            modality=('joint', 'bone', 'motion'),
            skeleton=spec))
    assert model.coord_channels == 3
    views = model.virtual_views(x)
    assert torch.equal(views[..., 3::4], x[..., 3::4])
    assert not torch.allclose(views[..., :3], x[..., :3])
    # the encoder takes the spec's channels times the three modalities
    encoder = MODELS.build(
        dict(
            type='DSTE',
            hidden_dim=16,
            clip_len=16,
            skeleton=spec,
            num_modalities=3))
    assert encoder.in_channels == 12
