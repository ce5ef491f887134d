"""Loading original USDRL checkpoints.

Original files are built here from the documented key layout
(design.md §18) with random tensors, and a small
reference forward of the ORIGINAL models is computed directly from the
original-named tensors, following design.md §3-§5 (input in the original
``(N, C, T, V, M)`` layout, the original token orderings, CA / DSA / DST,
post-norm transformer layers, max pooling, the 64-slot adaptive average of
the dense path). ``tests/tools/test_convert_original_checkpoint.py`` reuses
the builders.
"""
import math
from collections import OrderedDict
from typing import Dict, Optional, Tuple

import pytest
import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from torch import Tensor

from usdrl_mm.models.utils.original_checkpoint import (
    convert_original_checkpoint, extract_state_dict, infer_original_config,
    original_model_config)

GAP, ALPHA = 4, 0.5  # the original's fixed DSA gap and CA weight
# original layer prefix -> usdrl_mm, most specific first
LAYER_RENAMES = [
    ('t_tr1.', 'temporal_layers.1.'),
    ('s_tr1.', 'spatial_layers.1.'),
    ('t_tr.layers.', 'temporal_layers.'),
    ('s_tr.layers.', 'spatial_layers.'),
    ('t_tr.', 'temporal_layers.0.'),
    ('s_tr.', 'spatial_layers.0.'),
]


def sinusoid(rows: int, d: int) -> Tensor:
    """The original (1, rows, D) temporal PE buffer, by its formula."""
    pos = torch.arange(rows, dtype=torch.float64)[:, None]
    freq = torch.exp(
        torch.arange(0, d, 2, dtype=torch.float64) * (-math.log(1e4) / d))
    pe = torch.zeros(1, rows, d, dtype=torch.float64)
    pe[0, :, 0::2] = torch.sin(pos * freq)
    pe[0, :, 1::2] = torch.cos(pos * freq)
    return pe.float()


def original_state(arch: str = 'dste',
                   kind: str = 'pretrain',
                   d: int = 16,
                   t: int = 16,
                   v: int = 25,
                   m: int = 2,
                   c: int = 3,
                   layers: int = 2,
                   ffn: Optional[int] = None,
                   classes: int = 7,
                   pe_rows: int = 200,
                   seed: int = 0) -> 'OrderedDict[str, Tensor]':
    """An original state dict (no ``module.`` prefix) with random tensors.

    ``kind`` is 'pretrain' (projectors), 'downstream' (``fc``) or
    'encoder'. DSTE always has the four layers t_tr, t_tr1, s_tr, s_tr1.
    """
    gen = torch.Generator().manual_seed(seed)
    s: 'OrderedDict[str, Tensor]' = OrderedDict()

    def rand(*shape: int, scale: float = 1.) -> Tensor:
        return torch.randn(*shape, generator=gen) * scale

    def linear(prefix: str, out: int, inp: int) -> None:
        s[prefix + 'weight'] = rand(out, inp, scale=inp**-0.5)
        s[prefix + 'bias'] = rand(out, scale=0.1)

    def norm(prefix: str, width: int) -> None:
        s[prefix + 'weight'] = 1 + rand(width, scale=0.1)
        s[prefix + 'bias'] = rand(width, scale=0.1)

    mv = m * v
    s['backbone.spe'] = rand(1, mv, d, scale=0.02)
    for stream, inp in (('t', mv * c), ('s', t * c)):
        emb = f'backbone.ske_emb.{stream}_embedding.'
        linear(emb + '0.', d, inp)
        norm(emb + '1.', d)
        linear(emb + '3.', d, d)
    s['backbone.tpe.pe'] = sinusoid(pe_rows, d)
    if arch == 'dste':
        layers_and_lengths = [('t_tr', t), ('s_tr', mv), ('t_tr1', t),
                              ('s_tr1', mv)]
        for name, seq in layers_and_lengths:
            attn = dict(
                in_proj_weight=rand(3 * d, d, scale=d**-0.5),
                in_proj_bias=rand(3 * d, scale=0.1),
                **{
                    'out_proj.weight': rand(d, d, scale=d**-0.5),
                    'out_proj.bias': rand(d, scale=0.1)
                })
            for sub in ('CA', 'DSA'):
                p = f'backbone.{name}.{sub}.'
                for key, value in attn.items():  # one tensor, two names
                    s[f'{p}attn.{key}'] = value
                if sub == 'CA':
                    s[p + 'conv1.weight'] = rand(d, d, 1, scale=d**-0.5)
                    s[p + 'conv1.bias'] = rand(d, scale=0.1)
                else:
                    linear(p + 'wt1.', seq, seq)
                    linear(p + 'wt2.', seq, seq)
                norm(p + 'norm1.', d)
                norm(p + 'norm2.', d)
                linear(p + 'mlp.fc1.', 2 * d, d)
                linear(p + 'mlp.fc2.', d, 2 * d)
    else:
        ffn = ffn or d
        for name in ('t_tr', 's_tr'):
            for i in range(layers):
                p = f'backbone.{name}.layers.{i}.'
                s[p + 'self_attn.in_proj_weight'] = rand(
                    3 * d, d, scale=d**-0.5)
                s[p + 'self_attn.in_proj_bias'] = rand(3 * d, scale=0.1)
                linear(p + 'self_attn.out_proj.', d, d)
                linear(p + 'linear1.', ffn, d)
                linear(p + 'linear2.', d, ffn)
                norm(p + 'norm1.', d)
                norm(p + 'norm2.', d)
    if kind == 'pretrain':
        for name, inp, out in (('i_proj', 2 * d, 4 * d), ('s_proj', d, 2 * d),
                               ('t_proj', d, 2 * d)):
            hid = 2 * d
            linear(f'{name}.0.', hid, inp)
            linear(f'{name}.3.', hid, hid)
            linear(f'{name}.6.', out, hid)
            for bn in (1, 4):
                norm(f'{name}.{bn}.', hid)
                s[f'{name}.{bn}.running_mean'] = rand(hid, scale=0.1)
                s[f'{name}.{bn}.running_var'] = 0.5 + torch.rand(
                    hid, generator=gen)
                s[f'{name}.{bn}.num_batches_tracked'] = torch.tensor(451)
    elif kind == 'downstream':
        linear('fc.', classes, 2 * d)
    return s


def training_file(state: Dict[str, Tensor]) -> dict:
    """What the original ``pretrain.py`` saves: DataParallel names."""
    return dict(
        epoch=451,
        state_dict=OrderedDict(('module.' + k, v) for k, v in state.items()),
        optimizer=dict(
            state={0: dict(step=torch.tensor(3.))},
            param_groups=[dict(lr=5e-4, betas=(0.9, 0.999), params=[0])]))


# ---- reference forward of the original models -----------------------------


def _ln(s: Dict[str, Tensor], p: str, x: Tensor) -> Tensor:
    return F.layer_norm(x, x.shape[-1:], s[p + 'weight'], s[p + 'bias'])


def _lin(s: Dict[str, Tensor], p: str, x: Tensor) -> Tensor:
    return F.linear(x, s[p + 'weight'], s[p + 'bias'])


def _attention(s: Dict[str, Tensor], p: str, x: Tensor, heads: int) -> Tensor:
    """Scaled dot-product self-attention from in_proj / out_proj tensors."""
    n, length, d = x.shape
    qkv = F.linear(x, s[p + 'in_proj_weight'], s[p + 'in_proj_bias'])
    # (N, L, 3D) -> 3 x (N, heads, L, D/heads)
    q, k, v = (
        z.reshape(n, length, heads, d // heads).transpose(1, 2)
        for z in qkv.chunk(3, dim=-1))
    weights = (q @ k.transpose(-1, -2) / math.sqrt(d // heads)).softmax(-1)
    out = (weights @ v).transpose(1, 2).reshape(n, length, d)
    return _lin(s, p + 'out_proj.', out)


def _mlp(s: Dict[str, Tensor], p: str, x: Tensor) -> Tensor:
    return _lin(s, p + 'fc2.', F.gelu(_lin(s, p + 'fc1.', x)))


def _dst_layer(s: Dict[str, Tensor], p: str, x: Tensor, heads: int) -> Tensor:
    """alpha * CA(x) + (1 - alpha) * DSA(x), design.md §4.4."""
    ca, dsa = p + 'CA.', p + 'DSA.'
    conv = F.conv1d(
        x.transpose(1, 2), s[ca + 'conv1.weight'],
        s[ca + 'conv1.bias']).transpose(1, 2)
    f = x + F.relu(conv)
    g = x + _attention(s, ca + 'attn.', _ln(s, ca + 'norm1.', f), heads)
    ca_out = _mlp(s, ca + 'mlp.', _ln(s, ca + 'norm2.', g))

    xt = x.transpose(1, 2)  # (N, L, D) -> (N, D, L): mix along tokens
    h = _lin(s, dsa + 'wt2.', F.relu(_lin(s, dsa + 'wt1.', xt))) + xt
    h[:, :, ::GAP] = xt[:, :, ::GAP]
    h = h.transpose(1, 2)

    def branch(y: Tensor) -> Tensor:
        y = y + _attention(s, dsa + 'attn.', _ln(s, dsa + 'norm1.', y), heads)
        return y + _mlp(s, dsa + 'mlp.', _ln(s, dsa + 'norm2.', y))

    return ALPHA * ca_out + (1 - ALPHA) * (branch(h) + branch(x)) / 2


def _sttr_layer(s: Dict[str, Tensor], p: str, x: Tensor, heads: int) -> Tensor:
    """Post-norm transformer layer with a ReLU feed-forward."""
    x = _ln(s, p + 'norm1.', x + _attention(s, p + 'self_attn.', x, heads))
    ffn = _lin(s, p + 'linear2.', F.relu(_lin(s, p + 'linear1.', x)))
    return _ln(s, p + 'norm2.', x + ffn)


def _embed(s: Dict[str, Tensor], p: str, x: Tensor) -> Tensor:
    return _lin(s, p + '3.', F.relu(_ln(s, p + '1.', _lin(s, p + '0.', x))))


def reference_backbone(s: Dict[str, Tensor],
                       x: Tensor,
                       arch: str,
                       heads: int = 1) -> Tuple[Tensor, Tensor]:
    """Original encoder on ``x`` in the original layout (N, C, T, V, M)."""
    n, c, t, v, m = x.shape
    # the original's modality_generation for joints
    xt = x.permute(0, 2, 4, 3, 1).reshape(n, t, m * v * c)
    xs = x.permute(0, 4, 3, 2, 1).reshape(n, m * v, t * c)
    et = _embed(s, 'backbone.ske_emb.t_embedding.', xt)
    es = _embed(s, 'backbone.ske_emb.s_embedding.', xs)
    tpe, spe = s['backbone.tpe.pe'][:, :t], s['backbone.spe']
    if arch == 'dste':  # PEs re-added before each of the two layers
        yt = _dst_layer(s, 'backbone.t_tr.', et + tpe, heads)
        yt = _dst_layer(s, 'backbone.t_tr1.', yt + tpe, heads)
        ys = _dst_layer(s, 'backbone.s_tr.', es + spe, heads)
        ys = _dst_layer(s, 'backbone.s_tr1.', ys + spe, heads)
        return yt, ys
    yt, ys = et + tpe, es + spe  # added once
    i = 0
    while f'backbone.t_tr.layers.{i}.norm1.weight' in s:
        yt = _sttr_layer(s, f'backbone.t_tr.layers.{i}.', yt, heads)
        ys = _sttr_layer(s, f'backbone.s_tr.layers.{i}.', ys, heads)
        i += 1
    return yt, ys


def reference_dense(ys: Tensor, slots: int) -> Tensor:
    """Adaptive average of (N, L, D) tokens into ``slots`` positions: slot
    i averages tokens [floor(i*L/slots), ceil((i+1)*L/slots))."""
    length = ys.shape[1]
    return torch.stack([
        ys[:, (i * length) // slots:-(-(i + 1) * length // slots)].mean(1)
        for i in range(slots)
    ], 1)


def reference_projector(s: Dict[str, Tensor], name: str, x: Tensor) -> Tensor:
    """Linear-BN-ReLU x2, Linear; BN with running statistics (eval)."""
    for i in (0, 3):
        x = _lin(s, f'{name}.{i}.', x)
        bn = f'{name}.{i + 1}.'
        x = F.batch_norm(x, s[bn + 'running_mean'], s[bn + 'running_var'],
                         s[bn + 'weight'], s[bn + 'bias'])
        x = F.relu(x)
    return _lin(s, f'{name}.6.', x)


# ---- helpers ---------------------------------------------------------------


def build_pretrain_model(info, state):
    model = MODELS.build(
        dict(
            type='MGFD',
            backbone=info.backbone_cfg(),
            projector=info.projector_cfg()))
    model.load_state_dict(state, strict=True)
    return model.eval()


def build_downstream(info, state, dense: bool = False):
    backbone = MODELS.build(info.backbone_cfg())
    head_type = 'DenseFrameHead' if dense else 'USDRLClsHead'
    head = MODELS.build(
        dict(
            type=head_type,
            num_classes=info.num_classes,
            in_channels=2 * info.hidden_dim))
    backbone.load_state_dict(
        {
            k[len('backbone.'):]: v
            for k, v in state.items() if k.startswith('backbone.')
        },
        strict=True)
    head.load_state_dict(
        {
            k[len('cls_head.'):]: v
            for k, v in state.items() if k.startswith('cls_head.')
        },
        strict=True)
    return backbone.eval(), head.eval()


def mm_input(n: int = 3, t: int = 16, v: int = 25, m: int = 2, c: int = 3):
    """(N, M, T, V, C) input and its original-layout (N, C, T, V, M) copy."""
    x = torch.randn(n, m, t, v, c, generator=torch.Generator().manual_seed(1))
    return x, x.permute(0, 4, 2, 3, 1)


# ---- tests -----------------------------------------------------------------


@pytest.mark.parametrize('arch', ['dste', 'sttr'])
@pytest.mark.parametrize('kind', ['pretrain', 'downstream', 'encoder'])
def test_layout_and_architecture_are_detected(arch, kind):
    state = original_state(arch, kind)
    wrapped = training_file(state) if kind == 'pretrain' else state
    converted, info = convert_original_checkpoint(wrapped)
    assert (info.arch, info.kind) == (arch, kind)
    assert any(k.startswith('projector.') for k in converted) == (
        kind == 'pretrain')
    assert ('cls_head.fc.weight' in converted) == (kind == 'downstream')
    assert all(
        k.startswith(('backbone.', 'projector.', 'cls_head.'))
        for k in converted)
    assert info.num_classes == (7 if kind == 'downstream' else None)


@pytest.mark.parametrize(
    'arch,d,t,v,m,c,layers,ffn',
    [
        ('dste', 16, 16, 25, 2, 3, 2, None),  # NTU 3D
        ('dste', 8, 12, 17, 2, 3, 2, None),  # NTU 2D / UAV: 34 tokens (D2)
        ('sttr', 16, 16, 25, 2, 3, 3, 24),
        ('sttr', 8, 8, 17, 1, 2, 1, None),
    ])
def test_geometry_is_read_from_tensor_shapes(arch, d, t, v, m, c, layers, ffn):
    state = original_state(arch, 'encoder', d, t, v, m, c, layers, ffn)
    info = infer_original_config(state, num_persons=m)
    assert (info.hidden_dim, info.clip_len, info.num_joints, info.num_persons,
            info.in_channels) == (d, t, v, m, c)
    assert info.num_layers == (layers if arch == 'sttr' else 2)
    if arch == 'sttr':
        assert info.ffn_dim == (ffn or d)
    else:
        assert (info.mlp_ratio, info.kernel_size) == (2.0, 1)
    assert info.pe_rows == 200
    # the model built from the inferred arguments takes the weights
    converted, _ = convert_original_checkpoint(state, num_persons=m)
    MODELS.build(info.backbone_cfg()).load_state_dict(
        {
            k[len('backbone.'):]: v
            for k, v in converted.items()
        }, strict=True)


@pytest.mark.parametrize('arch', ['dste', 'sttr'])
def test_every_tensor_lands_where_it_belongs(arch):
    state = original_state(arch, 'pretrain')
    converted, info = convert_original_checkpoint(training_file(state))
    model = build_pretrain_model(info, converted)
    loaded = model.state_dict()
    checked = 0
    for key, value in state.items():
        if key == 'backbone.tpe.pe':
            continue
        name = key.replace('backbone.spe', 'backbone.spatial_pos')
        name = name.replace('ske_emb.t_embedding', 'temporal_embed')
        name = name.replace('ske_emb.s_embedding', 'spatial_embed')
        for old, new in LAYER_RENAMES:
            name = name.replace('backbone.' + old, 'backbone.' + new)
        name = name.replace('.CA.', '.ca.').replace('.DSA.', '.dsa.')
        if name.startswith(('t_proj', 's_proj', 'i_proj')):
            name = 'projector.' + name
        assert torch.equal(loaded[name], value), key
        checked += 1
    assert checked == len(state) - 1
    # the temporal PE is regenerated and equals the dropped buffer's rows
    assert torch.allclose(model.backbone.temporal_pos,
                          state['backbone.tpe.pe'][:, :16])
    if arch == 'dste':  # one shared attention, holding the stored tensor
        for layers in (model.backbone.temporal_layers,
                       model.backbone.spatial_layers):
            for layer in layers:
                assert layer.ca.attn is layer.dsa.attn
        attn = model.backbone.spatial_layers[1].attn
        assert torch.equal(attn.in_proj_weight,
                           state['backbone.s_tr1.DSA.attn.in_proj_weight'])


@pytest.mark.parametrize('arch', ['dste', 'sttr'])
@pytest.mark.parametrize('heads', [1, 2])
def test_features_match_the_original_reference(arch, heads):
    state = original_state(arch, 'downstream', seed=3)
    converted, info = convert_original_checkpoint(state, num_heads=heads)
    backbone, head = build_downstream(info, converted)
    _, dense_head = build_downstream(info, converted, dense=True)
    x, x_orig = mm_input()
    with torch.no_grad():
        yt, ys = backbone(x)
        logits = head(backbone(x))
        frame_logits = dense_head((yt, ys))
        ref_t, ref_s = reference_backbone(state, x_orig, arch, heads)
    assert torch.allclose(yt, ref_t, atol=1e-5, rtol=1e-4)
    assert torch.allclose(ys, ref_s, atol=1e-5, rtol=1e-4)
    # linear evaluation: fc on the max-pooled 2D feature
    ref_logits = _lin(state, 'fc.',
                      torch.cat([ref_t.amax(1), ref_s.amax(1)], -1))
    assert torch.allclose(logits, ref_logits, atol=1e-5, rtol=1e-4)
    # dense path: 50 spatial tokens averaged into the 16 frame slots
    ref_frames = _lin(state, 'fc.',
                      torch.cat([ref_t, reference_dense(ref_s, 16)], -1))
    assert frame_logits.shape == (3, 16, 7)
    assert torch.allclose(frame_logits, ref_frames, atol=1e-5, rtol=1e-4)
    # the check is sensitive: another head count gives other features
    other, _ = build_downstream(
        infer_original_config(state, num_heads=3 - heads), converted)
    assert not torch.allclose(other(x)[0], ref_t, atol=1e-3)


@pytest.mark.parametrize('arch', ['dste', 'sttr'])
def test_projectors_match_the_original_reference(arch):
    state = original_state(arch, 'pretrain', seed=5)
    converted, info = convert_original_checkpoint(training_file(state))
    model = build_pretrain_model(info, converted)
    x, x_orig = mm_input(n=4)
    with torch.no_grad():
        embeds = model.projector(model.extract_feat(x))
        ref_t, ref_s = reference_backbone(state, x_orig, arch)
    gt, gs = ref_t.amax(1), ref_s.amax(1)
    ref = dict(
        t=reference_projector(state, 't_proj', gt),
        s=reference_projector(state, 's_proj', gs),
        i=reference_projector(state, 'i_proj', torch.cat([gt, gs], -1)))
    for grain in 'tsi':
        assert torch.allclose(
            embeds[grain], ref[grain], atol=1e-4, rtol=1e-4), grain


def test_only_a_leading_module_prefix_is_stripped():
    state = extract_state_dict(
        dict(
            state_dict={
                'module.backbone.spe': torch.zeros(1),
                'fc.module.weight': torch.zeros(1)
            }))
    assert list(state) == ['backbone.spe', 'fc.module.weight']
    with pytest.raises(ValueError, match='non-tensor entries: backbone.a'):
        extract_state_dict({'backbone.a': 3, 'backbone.b': torch.zeros(1)})
    with pytest.raises(ValueError, match='is a dict'):
        extract_state_dict([torch.zeros(1)])


def _refused(state, match, **kwargs):
    with pytest.raises(ValueError, match=match):
        convert_original_checkpoint(state, **kwargs)


@pytest.mark.parametrize('arch', ['dste', 'sttr'])
def test_mismatching_files_are_refused_naming_the_keys(arch):
    base = original_state(arch, 'pretrain')
    layer = 'backbone.s_tr1.' if arch == 'dste' else 'backbone.s_tr.layers.1.'
    norm = layer + ('CA.norm2.bias' if arch == 'dste' else 'norm2.bias')

    state = OrderedDict(base)
    del state[norm]
    _refused(state, f'missing keys: {norm}')

    state = OrderedDict(base, **{'backbone.extra.weight': torch.zeros(2)})
    _refused(state, r'unexpected keys: backbone\.extra\.weight')

    state = OrderedDict(base)
    state['i_proj.6.bias'] = torch.zeros(5)
    _refused(state, r'wrong shapes: i_proj\.6\.bias \(5,\) != \(64,\)')

    state = OrderedDict(base)
    state['backbone.tpe.pe'] = state['backbone.tpe.pe'] + 0.01
    _refused(state, r'backbone\.tpe\.pe is not the standard sinusoidal')

    other = 'sttr' if arch == 'dste' else 'dste'
    _refused(base, f'--arch {other} was requested', arch=other)
    state = OrderedDict(base, **{'fc.weight': torch.zeros(3, 32)})
    _refused(state, 'both projectors and a classifier')


def test_untied_attention_is_refused():
    state = original_state('dste', 'encoder')
    key = 'backbone.t_tr1.DSA.attn.out_proj.weight'
    state[key] = state[key].clone()  # equal values in another tensor: fine
    convert_original_checkpoint(state)
    state[key][0, 0] += 1
    _refused(
        state, r'differs between its two copies in '
        r'backbone\.t_tr1\.\{CA,DSA\}\.attn\.out_proj\.weight')


def test_temporal_pe_must_cover_the_clip():
    state = original_state('sttr', 'encoder', t=16, pe_rows=12)
    _refused(state, 'has 12 rows but the weights need clip_len=16')
    # longer buffers are cropped: only the first rows matter
    converted, info = convert_original_checkpoint(
        original_state('sttr', 'encoder', t=16, pe_rows=300))
    assert info.pe_rows == 300 and 'backbone.tpe.pe' not in converted


def test_token_count_literal_that_cannot_run_is_refused():
    # FoundSkelModel's 34-row spatial PE with 3D NTU data (150 features per
    # frame, 50 tokens): the original itself fails on this (design.md §17 D2)
    state = original_state('dste', 'encoder')
    state['backbone.spe'] = torch.zeros(1, 34, 16)
    _refused(state, r'M\*V\*C.*backbone\.spe \(1, 34, 16\).*D2')


def test_foreign_files_are_refused():
    model = MODELS.build(dict(type='DSTE', hidden_dim=16, clip_len=16))
    _refused({'state_dict': model.state_dict()},
             'not an original USDRL checkpoint.*load directly')
    state = original_state('dste', 'encoder')
    state.update(original_state('sttr', 'encoder'))
    _refused(state, 'found both')


@pytest.mark.parametrize('kind', ['pretrain', 'downstream', 'encoder'])
def test_config_lines_build_models_that_take_the_weights(kind, tmp_path):
    state = original_state('sttr', kind, layers=3)
    converted, info = convert_original_checkpoint(state)
    text = original_model_config(info, str(tmp_path / 'x.pth'))
    assert "type='STTR'" in text and 'num_layers=3' in text
    namespace = {}
    exec(text, namespace)  # the lines are valid Python config code
    backbone = namespace['model']['backbone']
    assert backbone['init_cfg'] == dict(
        type='Pretrained',
        checkpoint=str(tmp_path / 'x.pth'),
        prefix='backbone.')
    backbone = MODELS.build(dict(backbone, init_cfg=None))
    backbone.load_state_dict(
        {
            k[len('backbone.'):]: v
            for k, v in converted.items() if k.startswith('backbone.')
        },
        strict=True)
    if kind == 'downstream':
        head = MODELS.build(namespace['model']['cls_head'])
        head.load_state_dict(
            {
                'fc.weight': converted['cls_head.fc.weight'],
                'fc.bias': converted['cls_head.fc.bias']
            },
            strict=True)
        assert head.num_classes == 7
