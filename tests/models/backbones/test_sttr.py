import pytest
import torch
from mmaction.registry import MODELS
from mmengine.optim import OptimWrapper
from torch import nn

from usdrl_mm.models import STTR
from usdrl_mm.models.heads.dense_frame_head import dense_tokens
from usdrl_mm.models.utils import to_spatial_tokens, to_temporal_tokens


def small_sttr(**kwargs) -> STTR:
    cfg = dict(hidden_dim=32, clip_len=16)
    cfg.update(kwargs)
    model = STTR(**cfg)
    model.init_weights()
    return model


@pytest.mark.parametrize('channels,joints,persons', [(3, 25, 2), (3, 25, 1),
                                                     (2, 17, 2), (3, 17, 1)])
def test_output_shapes(channels, joints, persons):
    model = small_sttr(
        in_channels=channels, num_joints=joints, num_persons=persons)
    yt, ys = model(torch.randn(3, persons, 16, joints, channels))
    assert yt.shape == (3, 16, 32)
    assert ys.shape == (3, persons * joints, 32)
    # the dense path of DenseFrameHead accepts it as it accepts DSTE's
    assert dense_tokens(yt, ys).shape == (3, 16, 64)


def test_registered_and_interchangeable_with_dste_in_mgfd():
    cfg = dict(
        type='MGFD',
        backbone=dict(type='STTR', hidden_dim=16, clip_len=16),
        projector=dict(type='MGFDProjector', in_channels=16))
    model = MODELS.build(cfg)
    assert isinstance(model.backbone, STTR)
    assert model.backbone.out_channels == 16
    feats = model(torch.randn(4, 2, 2, 16, 25, 3), mode='tensor')
    assert feats.shape == (4, 2, 32)


@pytest.mark.parametrize('hidden,layers,heads,ffn', [(16, 1, 1, None),
                                                     (32, 3, 2, 48),
                                                     (64, 2, 4, None)])
def test_depth_width_heads_and_ffn_are_honoured(hidden, layers, heads, ffn):
    model = small_sttr(
        hidden_dim=hidden, num_layers=layers, num_heads=heads, ffn_dim=ffn)
    assert len(model.temporal_layers) == len(model.spatial_layers) == layers
    layer = model.temporal_layers[0]
    assert layer.self_attn.num_heads == heads
    assert layer.linear1.out_features == (ffn or hidden)
    assert not layer.norm_first  # post-norm, as the original
    assert layer.activation_relu_or_gelu == 1  # ReLU
    yt, ys = model(torch.randn(2, 2, 16, 25, 3))
    assert yt.shape[-1] == ys.shape[-1] == hidden


def test_default_size_matches_the_original():
    # design.md §4.7: STTR backbone 27,713,536 parameters (3D NTU geometry)
    model = STTR()
    assert sum(p.numel() for p in model.parameters()) == 27_713_536
    assert model.temporal_layers[0].linear1.out_features == 1024
    assert model.temporal_layers[0].dropout.p == 0


def test_original_initialisation():
    torch.manual_seed(0)
    model = STTR(hidden_dim=64, clip_len=16)
    model.init_weights()
    layer = model.temporal_layers[0]
    for linear in (layer.linear1, layer.linear2, layer.self_attn.out_proj,
                   model.temporal_embed[0]):
        assert linear.weight.std().item() == pytest.approx(0.02, rel=0.1)
        assert linear.weight.abs().max() <= 2.0
        assert torch.all(linear.bias == 0)
    assert torch.all(layer.norm1.weight == 1)
    # the attention input projection keeps torch's xavier init
    bound = (6 / (64 + 3 * 64))**0.5
    in_proj = layer.self_attn.in_proj_weight
    assert in_proj.abs().max() <= bound and in_proj.std() > 0.05
    # independent layers, not deep copies of one
    assert not torch.equal(in_proj,
                           model.temporal_layers[1].self_attn.in_proj_weight)
    assert model.spatial_pos.std().item() == pytest.approx(0.02, rel=0.1)


def test_every_parameter_gets_a_gradient():
    model = small_sttr().train()
    yt, ys = model(torch.randn(4, 2, 16, 25, 3))
    (yt.pow(2).mean() + ys.pow(2).mean()).backward()
    for name, p in model.named_parameters():
        assert p.grad is not None, name
        assert torch.isfinite(p.grad).all(), name
        assert p.grad.abs().sum() > 0, name


def test_positional_encodings_are_added_once_before_the_stack():
    model = small_sttr(num_layers=2).eval()
    x = torch.randn(2, 2, 16, 25, 3)
    seen = []
    for layer in list(model.temporal_layers) + list(model.spatial_layers):
        layer.register_forward_pre_hook(lambda mod, args: seen.append(args[0]))
    yt, ys = model(x)
    emb_t = model.temporal_embed(to_temporal_tokens(x))
    emb_s = model.spatial_embed(to_spatial_tokens(x))
    assert torch.allclose(seen[0], emb_t + model.temporal_pos)
    # the second layer sees the first layer's output, with no PE re-added
    assert torch.allclose(seen[1], model.temporal_layers[0](seen[0]))
    assert torch.allclose(seen[2], emb_s + model.spatial_pos)
    assert torch.allclose(seen[3], model.spatial_layers[0](seen[2]))
    assert torch.allclose(yt, model.temporal_layers[1](seen[1]), atol=1e-6)


def test_wrong_shapes_give_a_clear_error():
    model = small_sttr()
    with pytest.raises(ValueError, match=r'STTR .*\(N, M, T, V, C\)'):
        model(torch.randn(2, 16, 25, 3))  # person axis missing
    with pytest.raises(ValueError, match='clip_len'):
        model(torch.randn(2, 2, 20, 25, 3))  # wrong number of frames
    with pytest.raises(ValueError, match='in_channels'):
        model(torch.randn(2, 2, 16, 25, 2))
    with pytest.raises(ValueError, match='num_layers'):
        STTR(num_layers=0)
    with pytest.raises(ValueError, match='divisible'):
        STTR(hidden_dim=30, num_heads=4)


def test_frozen_encoder_stays_in_eval_mode_without_gradients():
    model = small_sttr(frozen=True, dropout=0.5)
    model.train()
    assert not model.training
    assert all(not m.training for m in model.modules())
    assert not any(p.requires_grad for p in model.parameters())
    x = torch.randn(2, 2, 16, 25, 3)
    a, b = model(x)[0], model(x)[0]
    assert torch.equal(a, b)  # dropout inactive


def test_dropout_is_active_in_training_when_asked():
    model = small_sttr(dropout=0.5).train()
    x = torch.randn(4, 2, 16, 25, 3)
    assert not torch.allclose(model(x)[0], model(x)[0])
    model = small_sttr().train()  # default dropout 0: deterministic
    assert torch.equal(model(x)[0], model(x)[0])


@pytest.mark.parametrize('causal', [True, False])
def test_causal_temporal_stream_ignores_later_frames(causal):
    torch.manual_seed(0)
    model = small_sttr(causal=causal).eval()
    x = torch.randn(2, 2, 16, 25, 3)
    later = x.clone()
    later[:, :, 10:] += torch.randn_like(later[:, :, 10:])
    a, b = model(x)[0], model(later)[0]
    assert torch.allclose(a[:, :10], b[:, :10], atol=1e-5) == causal
    assert not torch.allclose(a[:, 10:], b[:, 10:])
    # the mask convention of DSTE and torch: True = may not attend
    mask = model.causal_mask(4, torch.device('cpu'))
    assert mask[0, 1] and not mask[1, 0] and not mask.diagonal().any()


def test_causal_mask_also_applies_when_training():
    model = small_sttr(causal=True).train()
    x = torch.randn(2, 2, 16, 25, 3, requires_grad=True)
    yt = model(x)[0]
    # a random readout: the post-norm output has a constant sum and norm
    (yt[:, 5] * torch.randn(32)).sum().backward()
    # frame 5 of the temporal stream has no gradient path to later frames
    assert x.grad[:, :, 6:].abs().sum() == 0
    assert x.grad[:, :, :6].abs().sum() > 0


def test_tiny_encoder_can_fit_two_classes():
    torch.manual_seed(0)
    model = small_sttr(hidden_dim=16)
    head = nn.Linear(32, 2)
    x = torch.randn(8, 2, 16, 25, 3)
    y = torch.tensor([0, 1] * 4)
    opt = torch.optim.Adam(
        list(model.parameters()) + list(head.parameters()), lr=1e-3)
    for _ in range(60):
        yt, ys = model(x)
        logits = head(torch.cat([yt.amax(1), ys.amax(1)], -1))
        loss = nn.functional.cross_entropy(logits, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.item() < 0.05


def test_mgfd_train_steps_with_sttr_reduce_the_loss():
    torch.manual_seed(0)
    model = MODELS.build(
        dict(
            type='MGFD',
            backbone=dict(type='STTR', hidden_dim=16, clip_len=16),
            projector=dict(type='MGFDProjector', in_channels=16)))
    model.init_weights()
    wrapper = OptimWrapper(torch.optim.Adam(model.parameters(), lr=1e-3))
    data = dict(inputs=[torch.randn(4, 2, 16, 25, 3) for _ in range(16)])
    first = model.train_step(data, wrapper)['loss']
    for _ in range(20):
        last = model.train_step(data, wrapper)['loss']
    assert torch.isfinite(last) and last < 0.85 * first


def test_tiny_sttr_config_takes_a_train_step(repo_root):
    from mmengine.config import Config
    cfg = Config.fromfile(
        f'{repo_root}/configs/usdrl/'
        'mgfd_sttr-tiny_1xb64-joint-24e_synthetic-xsub-keypoint-3d.py')
    model = MODELS.build(cfg.model)
    model.init_weights()
    assert isinstance(model.backbone, STTR)
    wrapper = OptimWrapper(torch.optim.Adam(model.parameters(), lr=1e-3))
    data = dict(inputs=[torch.randn(4, 2, 64, 25, 3) for _ in range(4)])
    losses = model.train_step(data, wrapper)
    assert torch.isfinite(losses['loss'])


def test_torch_default_init_leaves_the_layers_as_built():
    torch.manual_seed(0)
    built = small_sttr(torch_default_init=True)
    state = {k: v.clone() for k, v in built.state_dict().items()}
    built.init_weights()
    assert all(torch.equal(v, state[k]) for k, v in built.state_dict().items())
    assert not built.spatial_pos.any()
    torch.manual_seed(0)
    usdrl = small_sttr()
    usdrl.init_weights()  # trunc-normal Linear layers and position table
    assert usdrl.spatial_pos.any()
    changed = [
        k for k, v in usdrl.state_dict().items()
        if not torch.equal(v, state[k])
    ]
    assert any('linear' in k for k in changed)


@pytest.mark.parametrize('name', [
    'mgfd_sttr-tiny_1xb64-joint-24e_synthetic-xsub-keypoint-3d.py',
    'mgfd_sttr_2xb178-joint-451e_ntu60-xsub-keypoint-3d.py'
])
def test_the_sttr_configs_spec_is_the_old_geometry(repo_root, name):
    """The STTR configs give the geometry as a skeleton spec; the model is
    the one the loose in_channels / num_joints / num_persons built."""
    from mmengine.config import Config
    cfg = Config.fromfile(f'{repo_root}/configs/usdrl/{name}')
    backbone = cfg.model.backbone
    assert backbone.skeleton == dict(
        layout='nturgb+d', num_person=2, coord_dims=3)
    assert not {'in_channels', 'num_joints', 'num_persons'} & set(backbone)
    loose = dict(backbone, in_channels=3, num_joints=25, num_persons=2)
    del loose['skeleton']
    shapes = []
    for geometry in (backbone, loose):
        with torch.device('meta'):
            model = MODELS.build(dict(cfg.model, backbone=geometry))
        shapes.append([(k, tuple(v.shape))
                       for k, v in model.state_dict().items()])
    assert shapes[0] == shapes[1]
