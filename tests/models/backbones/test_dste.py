import pytest
import torch

from usdrl_mm.models import DSTE
from usdrl_mm.models.utils import to_spatial_tokens, to_temporal_tokens


def small_dste(**kwargs) -> DSTE:
    cfg = dict(hidden_dim=32, clip_len=16, drop_path=0.1)
    cfg.update(kwargs)
    model = DSTE(**cfg)
    model.init_weights()
    return model


@pytest.mark.parametrize('channels,joints,persons', [(3, 25, 2), (3, 25, 1),
                                                     (2, 17, 2), (3, 17, 1)])
def test_output_shapes(channels, joints, persons):
    model = small_dste(
        in_channels=channels, num_joints=joints, num_persons=persons)
    yt, ys = model(torch.randn(3, persons, 16, joints, channels))
    assert yt.shape == (3, 16, 32)
    assert ys.shape == (3, persons * joints, 32)


@pytest.mark.parametrize('hidden,layers,heads', [(16, 1, 1), (32, 3, 2),
                                                 (64, 2, 4)])
def test_depth_width_and_heads_are_honoured(hidden, layers, heads):
    model = small_dste(hidden_dim=hidden, num_layers=layers, num_heads=heads)
    assert len(model.temporal_layers) == layers
    assert len(model.spatial_layers) == layers
    assert model.temporal_layers[0].attn.num_heads == heads
    yt, ys = model(torch.randn(2, 2, 16, 25, 3))
    assert yt.shape[-1] == ys.shape[-1] == hidden


def test_default_size_matches_the_original():
    # design.md §4.7: 57,137,368 parameters for the 3D NTU geometry
    model = DSTE()
    assert sum(p.numel() for p in model.parameters()) == 57_137_368


def test_every_parameter_gets_a_gradient():
    torch.manual_seed(0)  # a fixed draw: with some, a ReLU unit is dead
    model = small_dste()
    model.train()
    yt, ys = model(torch.randn(4, 2, 16, 25, 3))
    (yt.pow(2).mean() + ys.pow(2).mean()).backward()
    for name, p in model.named_parameters():
        assert p.grad is not None, name
        assert torch.isfinite(p.grad).all(), name
        assert p.grad.abs().sum() > 0, name


def test_token_orderings_on_a_hand_built_input():
    n, m, t, v, c = 1, 2, 4, 3, 3
    # value encodes its own (m, t, v, c) index
    x = torch.zeros(n, m, t, v, c)
    for mi in range(m):
        for ti in range(t):
            for vi in range(v):
                for ci in range(c):
                    x[0, mi, ti, vi, ci] = 1000 * mi + 100 * ti + 10 * vi + ci
    xt = to_temporal_tokens(x)
    xs = to_spatial_tokens(x)
    assert xt.shape == (1, t, m * v * c) and xs.shape == (1, m * v, t * c)
    # temporal token = frame, features ordered (m, v, c)
    assert xt[0, 2, 1 * v * c + 2 * c + 1] == 1000 + 200 + 20 + 1
    # spatial token m*V + v, features ordered (t, c)
    assert xs[0, 1 * v + 2, 3 * c + 1] == 1000 + 300 + 20 + 1
    # the original builds them from (N, C, T, V, M)
    orig = x.permute(0, 4, 2, 3, 1)
    ref_t = orig.permute(0, 2, 4, 3, 1).reshape(n, t, m * v * c)
    ref_s = orig.permute(0, 4, 3, 2, 1).reshape(n, m * v, t * c)
    assert torch.equal(xt, ref_t) and torch.equal(xs, ref_s)


def test_positional_encodings_are_re_added_before_every_layer():
    model = small_dste(num_layers=2).eval()
    x = torch.randn(2, 2, 16, 25, 3)
    seen = []
    for layer in list(model.temporal_layers) + list(model.spatial_layers):
        layer.register_forward_pre_hook(lambda mod, args: seen.append(args[0]))
    yt, ys = model(x)
    emb_t = model.temporal_embed(to_temporal_tokens(x))
    assert torch.allclose(seen[0], emb_t + model.temporal_pos)
    layer0_out = model.temporal_layers[0](seen[0])
    assert torch.allclose(seen[1], layer0_out + model.temporal_pos, atol=1e-6)
    emb_s = model.spatial_embed(to_spatial_tokens(x))
    assert torch.allclose(seen[2], emb_s + model.spatial_pos)


def test_wrong_shapes_give_a_clear_error():
    model = small_dste()
    with pytest.raises(ValueError, match=r'\(N, M, T, V, C\)'):
        model(torch.randn(2, 16, 25, 3))  # person axis missing
    with pytest.raises(ValueError, match='clip_len'):
        model(torch.randn(2, 2, 20, 25, 3))  # wrong number of frames
    with pytest.raises(ValueError, match='in_channels'):
        model(torch.randn(2, 2, 16, 25, 2))


def test_frozen_encoder_stays_in_eval_mode_without_gradients():
    model = small_dste(frozen=True)
    model.train()
    assert not model.training
    assert all(not m.training for m in model.modules())
    assert not any(p.requires_grad for p in model.parameters())
    x = torch.randn(2, 2, 16, 25, 3)
    a, b = model(x)[0], model(x)[0]
    assert torch.equal(a, b)  # no DropPath draws


def test_dropout_path_is_active_in_training():
    model = small_dste(drop_path=0.5).train()
    x = torch.randn(8, 2, 16, 25, 3)
    torch.manual_seed(0)
    a = model(x)[0]
    torch.manual_seed(1)
    b = model(x)[0]
    assert not torch.allclose(a, b)


def test_tiny_encoder_can_fit_two_classes():
    torch.manual_seed(0)
    model = small_dste(hidden_dim=16, drop_path=0.)
    head = torch.nn.Linear(32, 2)
    x = torch.randn(8, 2, 16, 25, 3)
    y = torch.tensor([0, 1] * 4)
    opt = torch.optim.Adam(
        list(model.parameters()) + list(head.parameters()), lr=1e-3)
    for _ in range(60):
        yt, ys = model(x)
        logits = head(torch.cat([yt.amax(1), ys.amax(1)], -1))
        loss = torch.nn.functional.cross_entropy(logits, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.item() < 0.05


def test_causal_temporal_stream_ignores_later_frames():
    for causal in (True, False):
        torch.manual_seed(0)
        model = small_dste(causal=causal).eval()
        x = torch.randn(2, 2, 16, 25, 3)
        later = x.clone()
        later[:, :, 10:] += torch.randn_like(later[:, :, 10:])
        a, b = model(x)[0], model(later)[0]
        same_past = torch.allclose(a[:, :10], b[:, :10], atol=1e-5)
        assert same_past == causal
        assert not torch.allclose(a[:, 10:], b[:, 10:])


def test_causal_layers_need_a_pointwise_conv():
    with pytest.raises(ValueError, match='kernel_size=1'):
        small_dste(causal=True, kernel_size=3)


def test_frozen_train_mode_keeps_drop_path_while_probing():
    """The TPAMI code's probe: frozen weights, DropPath still drawn."""
    model = small_dste(frozen=True, frozen_train_mode=True, drop_path=0.5)
    model.train()
    assert model.training
    assert not any(p.requires_grad for p in model.parameters())
    x = torch.randn(4, 2, 16, 25, 3)
    torch.manual_seed(0)
    a = model(x)[0]
    torch.manual_seed(1)
    assert not torch.equal(a, model(x)[0])
    model.eval()
    assert torch.equal(model(x)[0], model(x)[0])


# a skeleton spec and the loose numbers it stands for
SPECS = [
    (dict(layout='nturgb+d'),
     dict(in_channels=3, num_joints=25, num_persons=2)),
    (dict(layout='coco', num_person=1, coord_dims=2,
          with_score=True), dict(in_channels=3, num_joints=17, num_persons=1)),
    (dict(layout='coco',
          coord_dims=2), dict(in_channels=2, num_joints=17, num_persons=2)),
    (dict(layout='mediapipe-33',
          num_person=1), dict(in_channels=3, num_joints=33, num_persons=1)),
]


@pytest.mark.parametrize('arch', ['DSTE', 'STTR'])
@pytest.mark.parametrize('skeleton,loose', SPECS)
def test_a_spec_builds_the_backbone_of_its_numbers(arch, skeleton, loose):
    from usdrl_mm.models import STTR
    from usdrl_mm.structures import SkeletonSpec
    cls = dict(DSTE=DSTE, STTR=STTR)[arch]
    built = {}
    for key, geometry in (('spec', dict(skeleton=skeleton)), ('loose', loose),
                          ('both', dict(loose, skeleton=skeleton))):
        torch.manual_seed(0)
        built[key] = cls(hidden_dim=16, clip_len=8, **geometry)
        built[key].init_weights()
    shapes = {
        k: [(name, tuple(v.shape)) for name, v in m.state_dict().items()]
        for k, m in built.items()
    }
    # same parameter names, order and shapes: checkpoints load either way
    assert shapes['spec'] == shapes['loose'] == shapes['both']
    assert built['spec'].skeleton == SkeletonSpec.build(skeleton)
    assert built['loose'].skeleton is None
    for key, value in loose.items():
        assert getattr(built['spec'], key) == value
    # built from the same seed, the two compute the same features
    x = torch.randn(2, loose['num_persons'], 8, loose['num_joints'],
                    loose['in_channels'])
    for a, b in zip(built['spec'].eval()(x), built['loose'].eval()(x)):
        assert torch.equal(a, b)


def test_a_spec_and_a_disagreeing_number_are_refused():
    with pytest.raises(ValueError) as err:
        DSTE(
            hidden_dim=16,
            clip_len=8,
            skeleton=dict(layout='coco', coord_dims=2, with_score=True),
            num_joints=25,
            in_channels=2)
    message = str(err.value)
    assert 'num_joints=25 but the spec gives 17' in message
    assert 'in_channels=2 but the spec gives 3' in message
    assert 'model.backbone.skeleton' in message
    with pytest.raises(ValueError, match='num_persons=2 but the spec gives 1'):
        DSTE(
            hidden_dim=16,
            clip_len=8,
            skeleton=dict(layout='coco', num_person=1),
            num_persons=2)


def test_the_defaults_and_stacked_modalities():
    plain = small_dste()
    assert (plain.in_channels, plain.num_joints, plain.num_persons) == (3, 25,
                                                                        2)
    assert plain.skeleton is None
    # the J+B+M input of MPCT: three times the spec's channels
    jmb = small_dste(skeleton='nturgb+d', num_modalities=3)
    assert jmb.in_channels == 9
    assert jmb.temporal_embed[0].in_features == 2 * 25 * 9
    assert small_dste(
        skeleton='nturgb+d', num_modalities=3, in_channels=9).in_channels == 9
    with pytest.raises(ValueError, match='in_channels=3 but the spec gives 9'):
        small_dste(skeleton='nturgb+d', num_modalities=3, in_channels=3)
    with pytest.raises(ValueError, match='needs a skeleton spec'):
        small_dste(num_modalities=3)
    with pytest.raises(ValueError, match='num_modalities must be >= 1'):
        small_dste(skeleton='nturgb+d', num_modalities=0)
    with pytest.raises(TypeError, match='num_person'):
        small_dste(skeleton=dict(layout='nturgb+d', num_persons=2))


def test_the_widths_the_projector_and_heads_take():
    from usdrl_mm.models.heads.dense_frame_head import dense_tokens
    from usdrl_mm.models.necks import USDRLPoolNeck
    model = small_dste(hidden_dim=24)
    yt, ys = model(torch.randn(2, 2, 16, 25, 3))
    assert model.out_channels == yt.shape[-1] == ys.shape[-1] == 24
    assert model.pooled_channels == USDRLPoolNeck()((yt, ys)).shape[-1] == 48
    assert model.dense_channels == dense_tokens(yt, ys).shape[-1] == 48


def test_clip_shape_is_the_shape_the_encoder_checks():
    model = DSTE(
        in_channels=2,
        num_joints=17,
        num_persons=1,
        clip_len=16,
        hidden_dim=16)
    assert model.clip_shape == (1, 16, 17, 2)
    model.check_input(torch.zeros(3, *model.clip_shape))
    with pytest.raises(ValueError, match='num_joints'):
        model.check_input(torch.zeros(3, 1, 16, 25, 2))
