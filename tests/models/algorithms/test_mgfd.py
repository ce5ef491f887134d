import pytest
import torch
from mmaction.registry import MODELS
from mmengine.optim import OptimWrapper


def tiny_mgfd(**head):
    cfg = dict(
        type='MGFD',
        backbone=dict(type='DSTE', hidden_dim=16, clip_len=16),
        projector=dict(type='MGFDProjector', in_channels=16),
        head=dict(type='MGFDHead', **head))
    model = MODELS.build(cfg)
    model.init_weights()
    return model


def views(n=8, k=4):
    torch.manual_seed(0)
    return dict(inputs=[torch.randn(k, 2, 16, 25, 3) for _ in range(n)])


def test_loss_terms_and_shapes():
    model = tiny_mgfd()
    data = model.data_preprocessor(views(), True)
    losses = model(data['inputs'], mode='loss')
    assert {'loss_sim', 'loss_vac', 'loss_xcorr'} <= set(losses)
    assert all(torch.isfinite(v) for v in losses.values())
    feats = model(data['inputs'], mode='tensor')
    assert feats.shape == (8, 4, 32)
    assert model.extract_feat(data['inputs'][:, 0]).shape == (8, 32)


def test_each_view_keeps_its_own_batch_norm_statistics():
    model = tiny_mgfd().train()
    data = model.data_preprocessor(views(k=3), True)
    model(data['inputs'], mode='loss')
    assert model.projector.t_proj[1].num_batches_tracked.item() == 3


def test_train_steps_reduce_the_loss_on_a_fixed_batch():
    model = tiny_mgfd()
    wrapper = OptimWrapper(torch.optim.Adam(model.parameters(), lr=1e-3))
    data = views(n=16)
    first = model.train_step(data, wrapper)['loss']
    for _ in range(20):
        last = model.train_step(data, wrapper)['loss']
    assert torch.isfinite(last) and last < 0.85 * first


def test_predict_mode_explains_itself():
    model = tiny_mgfd()
    with pytest.raises(RuntimeError, match='recognition config'):
        model(torch.zeros(2, 4, 2, 16, 25, 3), mode='predict')


def test_single_view_is_rejected():
    model = tiny_mgfd()
    with pytest.raises(ValueError, match='K>=2'):
        model(torch.zeros(2, 1, 2, 16, 25, 3), mode='loss')


def shapes_of(model):
    return [(k, tuple(v.shape)) for k, v in model.state_dict().items()]


@pytest.mark.parametrize('arch', ['DSTE', 'STTR'])
@pytest.mark.parametrize('algorithm', ['MGFD', 'MPCT'])
def test_the_projector_width_comes_from_the_backbone(arch, algorithm):
    """Without in_channels the projector takes backbone.out_channels: the
    same parameters as the config that spells it out."""
    backbone = dict(type=arch, hidden_dim=24, clip_len=8)
    if algorithm == 'MPCT':
        backbone['in_channels'] = 9
    built = {}
    for key, projector in (('given', dict(in_channels=24)),
                           ('none', dict(in_channels=None)), ('missing',
                                                              dict())):
        torch.manual_seed(0)
        built[key] = MODELS.build(
            dict(
                type=algorithm,
                backbone=backbone,
                projector=dict(type='MGFDProjector', **projector)))
    torch.manual_seed(0)
    built['default'] = MODELS.build(dict(type=algorithm, backbone=backbone))
    reference = shapes_of(built['given'])
    assert ('projector.t_proj.0.weight', (48, 24)) in reference
    for key, model in built.items():
        assert model.projector.in_channels == 24, key
        assert shapes_of(model) == reference, key
    data = built['missing'].data_preprocessor(
        dict(inputs=[torch.randn(2, 2, 8, 25, 3) for _ in range(4)]), True)
    losses = built['missing'](data['inputs'], mode='loss')
    assert all(torch.isfinite(v) for v in losses.values())


def test_an_explicit_projector_width_is_kept():
    model = MODELS.build(
        dict(
            type='MGFD',
            backbone=dict(type='DSTE', hidden_dim=16, clip_len=16),
            projector=dict(type='MGFDProjector', in_channels=8)))
    assert model.projector.in_channels == 8  # and fails at run time, as before
    with pytest.raises(ValueError, match='pooled features'):
        model(torch.zeros(2, 2, 2, 16, 25, 3), mode='loss')
