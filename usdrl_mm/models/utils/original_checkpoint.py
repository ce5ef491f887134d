"""Read checkpoints of the original USDRL code into ``usdrl_mm`` names.

The original code (USDRL repo ``model/DSTE.py``, ``model/STTR.py``; key
layout in design.md §18) writes two kinds of files:

- **pretraining**, ``checkpoint_XXXX.pth.tar``: ``{'epoch', 'state_dict',
  'optimizer'}`` with every key prefixed ``module.`` (DataParallel), holding
  ``backbone.*`` and the projectors ``t_proj.*``, ``s_proj.*``, ``i_proj.*``;
- **downstream** (linear evaluation, detection): ``backbone.*`` plus the
  classifier ``fc.*``, with or without the ``state_dict`` wrapper and the
  ``module.`` prefix.

A file that holds ``backbone.*`` only is read as a bare **encoder**.

Everything here is a pure function of tensors and shapes. Conversion
infers the architecture and geometry from tensor shapes, checks every key
and shape against the full expected layout, checks that the DSTE attention
stored under both ``CA.attn`` and ``DSA.attn`` is one tensor, checks and
drops the 200-row temporal PE buffer (design.md §17 D8) and renames the rest:

- ``backbone.spe`` -> ``backbone.spatial_pos``;
- ``backbone.ske_emb.{t,s}_embedding`` ->
  ``backbone.{temporal,spatial}_embed``;
- ``backbone.tpe.pe`` -> dropped (regenerated at any length);
- DSTE ``backbone.t_tr`` / ``t_tr1`` / ``s_tr`` / ``s_tr1`` ->
  ``backbone.temporal_layers.0`` / ``.1``, ``backbone.spatial_layers.0`` /
  ``.1``, with ``CA`` / ``DSA`` -> ``ca`` / ``dsa``;
- STTR ``backbone.{t,s}_tr.layers.{i}`` ->
  ``backbone.{temporal,spatial}_layers.{i}``;
- ``{t,s,i}_proj`` -> ``projector.{t,s,i}_proj`` (``MGFD``);
- ``fc`` -> ``cls_head.fc`` (``USDRLClsHead`` and ``DenseFrameHead``).

The behaviour the original weights depend on (design.md §17, "load") needs no
model switch: the token-count literals (D2, 50 or 34) become
``num_joints * num_persons`` read from the weights, depth 2 (D1) becomes
``num_layers=2``, CA without MLP residual and the shared attention
(D5, D6) are how :class:`DSTE` is built, and the dense path's adaptive
average resampling of the spatial tokens (D7) is
:func:`~usdrl_mm.models.heads.dense_frame_head.dense_tokens`.
"""
import re
from collections import OrderedDict
from dataclasses import asdict, dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import torch
from torch import Tensor

from ..layers import sinusoidal_positions

StateDict = Dict[str, Tensor]
Shape = Tuple[int, ...]

ARCHS = ('dste', 'sttr')
PROJECTORS = ('t_proj', 's_proj', 'i_proj')
# original DSTE layer attribute -> (usdrl_mm stream, layer index); the
# original always builds exactly these four (design.md §17 D1)
DSTE_LAYERS = {
    't_tr': ('temporal_layers', 0),
    't_tr1': ('temporal_layers', 1),
    's_tr': ('spatial_layers', 0),
    's_tr1': ('spatial_layers', 1),
}
STTR_STREAMS = {'t_tr': 'temporal_layers', 's_tr': 'spatial_layers'}
ATTN_PARAMS = ('in_proj_weight', 'in_proj_bias', 'out_proj.weight',
               'out_proj.bias')
PE_KEY = 'backbone.tpe.pe'
# the PE buffer is regenerated here; float32 rounding differs by ~1e-6
PE_ATOL = 1e-4
MAX_LISTED_KEYS = 8


@dataclass
class OriginalCheckpointInfo:
    """What a checkpoint's tensor shapes say about the model behind it.

    Attributes:
        arch (str): ``'dste'`` or ``'sttr'``.
        kind (str): ``'pretrain'`` (projectors), ``'downstream'``
            (classifier ``fc``) or ``'encoder'`` (backbone only).
        in_channels, num_joints, num_persons, clip_len, hidden_dim,
        num_layers, num_heads: the backbone's constructor arguments.
            ``num_persons`` and ``num_heads`` are not in the shapes and come
            from the caller (the original used 2 and 1).
        mlp_ratio, kernel_size (DSTE): MLP width over D, CA conv kernel.
        ffn_dim (STTR): feed-forward width.
        pe_rows (int, optional): Rows of the stored temporal PE buffer.
        num_classes (int, optional): Classifier outputs (downstream).
        proj_hid_channels, proj_out_channels, proj_instance_out_channels
            (pretrain): projector widths.
    """
    arch: str
    kind: str
    in_channels: int
    num_joints: int
    num_persons: int
    clip_len: int
    hidden_dim: int
    num_layers: int
    num_heads: int
    mlp_ratio: Optional[float] = None
    kernel_size: Optional[int] = None
    ffn_dim: Optional[int] = None
    pe_rows: Optional[int] = None
    num_classes: Optional[int] = None
    proj_hid_channels: Optional[int] = None
    proj_out_channels: Optional[int] = None
    proj_instance_out_channels: Optional[int] = None

    @property
    def num_tokens(self) -> int:
        """Spatial tokens M*V."""
        return self.num_persons * self.num_joints

    def backbone_cfg(self) -> Dict[str, Any]:
        """Constructor arguments of the matching :class:`DSTE` /
        :class:`STTR`."""
        cfg: Dict[str, Any] = dict(
            type=self.arch.upper(),
            in_channels=self.in_channels,
            num_joints=self.num_joints,
            num_persons=self.num_persons,
            clip_len=self.clip_len,
            hidden_dim=self.hidden_dim,
            num_heads=self.num_heads,
            num_layers=self.num_layers)
        if self.arch == 'dste':
            cfg.update(mlp_ratio=self.mlp_ratio, kernel_size=self.kernel_size)
        else:
            cfg.update(ffn_dim=self.ffn_dim)
        return cfg

    def projector_cfg(self) -> Dict[str, Any]:
        """Constructor arguments of the matching :class:`MGFDProjector`."""
        return dict(
            type='MGFDProjector',
            in_channels=self.hidden_dim,
            hid_channels=self.proj_hid_channels,
            out_channels=self.proj_out_channels,
            instance_out_channels=self.proj_instance_out_channels)

    def to_dict(self) -> Dict[str, Any]:
        """Plain dict (safe for ``torch.load(weights_only=True)``)."""
        return asdict(self)


def _list_keys(keys: Sequence[str]) -> str:
    """A short, sorted listing of offending keys for an error message."""
    keys = sorted(keys)
    shown = ', '.join(keys[:MAX_LISTED_KEYS])
    more = len(keys) - MAX_LISTED_KEYS
    return shown + (f' (+{more} more)' if more > 0 else '')


def extract_state_dict(checkpoint: Any) -> StateDict:
    """The tensors of a loaded original file, without the ``module.``
    prefix.

    Accepts the training dict ``{'epoch', 'state_dict', 'optimizer'}``, a
    ``{'state_dict': ...}`` dict, or a bare state dict. Only a *leading*
    ``module.`` is stripped (the original splits on it anywhere, design.md §17
    D25).
    """
    if not isinstance(checkpoint, Mapping):
        raise ValueError('an original USDRL checkpoint is a dict, got '
                         f'{type(checkpoint).__name__}')
    state = checkpoint.get('state_dict', checkpoint)
    if not isinstance(state, Mapping):
        raise ValueError('the checkpoint\'s "state_dict" entry is a '
                         f'{type(state).__name__}, not a dict of tensors')
    not_tensors = [k for k, v in state.items() if not isinstance(v, Tensor)]
    if not_tensors:
        raise ValueError('the state dict holds non-tensor entries: '
                         f'{_list_keys(not_tensors)}')
    out: StateDict = OrderedDict()
    for key, value in state.items():
        new = key[len('module.'):] if key.startswith('module.') else key
        if new in out:
            raise ValueError(f'{key!r} and another key both name {new!r}')
        out[new] = value
    return out


def detect_arch(state: Mapping[str, Tensor]) -> str:
    """``'dste'`` or ``'sttr'`` from the layer names of the backbone."""
    if not any(k.startswith('backbone.ske_emb.') for k in state):
        raise ValueError(
            'not an original USDRL checkpoint: no backbone.ske_emb.* keys '
            f'(found e.g. {_list_keys(list(state)[:MAX_LISTED_KEYS])}). '
            'usdrl_mm checkpoints load directly, without conversion.')
    dste = any(
        k.startswith(('backbone.t_tr.CA.', 'backbone.t_tr.DSA.'))
        for k in state)
    sttr = any(k.startswith('backbone.t_tr.layers.') for k in state)
    if dste == sttr:
        raise ValueError(
            'cannot tell DSTE from STTR: expected backbone.t_tr.CA.* / '
            'backbone.t_tr.DSA.* (DSTE) or backbone.t_tr.layers.* (STTR), '
            f'found {"both" if dste else "neither"}')
    return 'dste' if dste else 'sttr'


def _shape(state: Mapping[str, Tensor], key: str, arch: str) -> Shape:
    if key not in state:
        raise ValueError(f'key {key!r} is missing: the file does not match '
                         f'the original {arch.upper()} layout')
    return tuple(state[key].shape)


def _exact_div(total: int, part: int, what: str) -> int:
    if part <= 0 or total % part:
        raise ValueError(f'{what}: {total} is not a multiple of {part}')
    return total // part


def _sttr_layer_count(state: Mapping[str, Tensor], stream: str) -> int:
    pattern = re.compile(rf'^backbone\.{stream}\.layers\.(\d+)\.')
    found = {int(m.group(1)) for m in map(pattern.match, state) if m}
    if found != set(range(len(found))):
        raise ValueError(f'backbone.{stream}.layers.* are not numbered '
                         f'0..n-1: {sorted(found)}')
    return len(found)


def infer_original_config(state: Mapping[str, Tensor],
                          arch: str = 'auto',
                          num_persons: int = 2,
                          num_heads: int = 1) -> OriginalCheckpointInfo:
    """Infer architecture, kind and geometry from tensor shapes.

    - hidden D and spatial tokens M*V from ``backbone.spe`` (1, M*V, D);
    - C from the temporal embedding's input M*V*C, T from the spatial
      embedding's input T*C; V = M*V / ``num_persons``;
    - DSTE: MLP ratio and CA kernel from ``t_tr.CA``; always 2 layers;
    - STTR: feed-forward width and the number of ``layers.{i}``;
    - the classifier's K from ``fc.weight``, projector widths from
      ``{t,s,i}_proj``.

    Args:
        state (dict): Original names, ``module.`` already stripped.
        arch (str): ``'auto'``, ``'dste'`` or ``'sttr'``.
        num_persons (int): M, not recoverable from shapes (M*V is).
        num_heads (int): Attention heads, not recoverable from shapes.
    """
    found = detect_arch(state)
    if arch not in ('auto', *ARCHS):
        raise ValueError(f'arch must be auto, dste or sttr, got {arch!r}')
    if arch != 'auto' and arch != found:
        raise ValueError(f'--arch {arch} was requested but the file holds '
                         f'an original {found.upper()} backbone')
    arch = found
    spe = _shape(state, 'backbone.spe', arch)
    if len(spe) != 3 or spe[0] != 1:
        raise ValueError(f'backbone.spe should be (1, M*V, D), got {spe}')
    _, tokens, hidden = spe  # (1, M*V, D)
    t_in = _shape(state, 'backbone.ske_emb.t_embedding.0.weight', arch)[1]
    s_in = _shape(state, 'backbone.ske_emb.s_embedding.0.weight', arch)[1]
    in_channels = _exact_div(
        t_in, tokens, 'temporal embedding input (M*V*C) over the spatial '
        f'PE rows (M*V) of backbone.spe {tuple(state["backbone.spe"].shape)}'
        ' (design.md §17 D2: a 34-token literal with 50-token data cannot '
        'run)')
    clip_len = _exact_div(s_in, in_channels,
                          'spatial embedding input (T*C) over C')
    num_joints = _exact_div(tokens, num_persons,
                            'spatial tokens M*V over num_persons (M)')
    info = OriginalCheckpointInfo(
        arch=arch,
        kind='encoder',
        in_channels=in_channels,
        num_joints=num_joints,
        num_persons=num_persons,
        clip_len=clip_len,
        hidden_dim=hidden,
        num_layers=2,
        num_heads=num_heads)
    if hidden % num_heads:
        raise ValueError(f'hidden dim {hidden} is not divisible by '
                         f'num_heads={num_heads}')
    if arch == 'dste':
        fc1 = _shape(state, 'backbone.t_tr.CA.mlp.fc1.weight', arch)[0]
        info.mlp_ratio = fc1 / hidden
        info.kernel_size = _shape(state, 'backbone.t_tr.CA.conv1.weight',
                                  arch)[-1]
    else:
        info.num_layers = _sttr_layer_count(state, 't_tr')
        info.ffn_dim = _shape(state, 'backbone.t_tr.layers.0.linear1.weight',
                              arch)[0]
    if PE_KEY in state:
        info.pe_rows = _shape(state, PE_KEY, arch)[1]

    has_proj = [k for k in state if k.split('.')[0] in PROJECTORS]
    has_fc = [k for k in state if k.startswith('fc.')]
    if has_proj and has_fc:
        raise ValueError('the file holds both projectors and a classifier: '
                         f'{_list_keys(has_proj[:2] + has_fc)}')
    if has_proj:
        info.kind = 'pretrain'
        info.proj_hid_channels = _shape(state, 't_proj.0.weight', arch)[0]
        info.proj_out_channels = _shape(state, 't_proj.6.weight', arch)[0]
        info.proj_instance_out_channels = _shape(state, 'i_proj.6.weight',
                                                 arch)[0]
    elif has_fc:
        info.kind = 'downstream'
        info.num_classes = _shape(state, 'fc.weight', arch)[0]
    return info


def _attn_shapes(prefix: str, d: int) -> Dict[str, Shape]:
    return {
        f'{prefix}in_proj_weight': (3 * d, d),
        f'{prefix}in_proj_bias': (3 * d, ),
        f'{prefix}out_proj.weight': (d, d),
        f'{prefix}out_proj.bias': (d, ),
    }


def _linear_shapes(prefix: str, out: int, inp: int) -> Dict[str, Shape]:
    return {f'{prefix}weight': (out, inp), f'{prefix}bias': (out, )}


def _norm_shapes(prefix: str, width: int) -> Dict[str, Shape]:
    return {f'{prefix}weight': (width, ), f'{prefix}bias': (width, )}


def _projector_shapes(name: str, inp: int, hid: int,
                      out: int) -> Dict[str, Shape]:
    shapes = {}
    shapes.update(_linear_shapes(f'{name}.0.', hid, inp))
    shapes.update(_linear_shapes(f'{name}.3.', hid, hid))
    shapes.update(_linear_shapes(f'{name}.6.', out, hid))
    for bn in (1, 4):
        for stat in ('weight', 'bias', 'running_mean', 'running_var'):
            shapes[f'{name}.{bn}.{stat}'] = (hid, )
        shapes[f'{name}.{bn}.num_batches_tracked'] = ()
    return shapes


def expected_original_shapes(info: OriginalCheckpointInfo) -> Dict[str, Shape]:
    """Every key (``module.`` stripped) and shape an original file of this
    architecture, kind and geometry holds (design.md §18).

    The temporal PE buffer is listed when ``info.pe_rows`` is set.
    """
    d, t, c, mv = (info.hidden_dim, info.clip_len, info.in_channels,
                   info.num_tokens)
    shapes: Dict[str, Shape] = {'backbone.spe': (1, mv, d)}
    for stream, inp in (('t', mv * c), ('s', t * c)):
        emb = f'backbone.ske_emb.{stream}_embedding.'
        shapes.update(_linear_shapes(f'{emb}0.', d, inp))
        shapes.update(_norm_shapes(f'{emb}1.', d))
        shapes.update(_linear_shapes(f'{emb}3.', d, d))
    if info.pe_rows is not None:
        shapes[PE_KEY] = (1, info.pe_rows, d)
    if info.arch == 'dste':
        hid = int(round(d * info.mlp_ratio))
        for name, (stream, _) in DSTE_LAYERS.items():
            seq = t if stream == 'temporal_layers' else mv
            for sub in ('CA', 'DSA'):
                p = f'backbone.{name}.{sub}.'
                shapes.update(_attn_shapes(f'{p}attn.', d))
                shapes.update(_norm_shapes(f'{p}norm1.', d))
                shapes.update(_norm_shapes(f'{p}norm2.', d))
                shapes.update(_linear_shapes(f'{p}mlp.fc1.', hid, d))
                shapes.update(_linear_shapes(f'{p}mlp.fc2.', d, hid))
            shapes[f'backbone.{name}.CA.conv1.weight'] = (d, d,
                                                          info.kernel_size)
            shapes[f'backbone.{name}.CA.conv1.bias'] = (d, )
            for wt in ('wt1', 'wt2'):
                shapes.update(
                    _linear_shapes(f'backbone.{name}.DSA.{wt}.', seq, seq))
    else:
        for name in STTR_STREAMS:
            for i in range(info.num_layers):
                p = f'backbone.{name}.layers.{i}.'
                shapes.update(_attn_shapes(f'{p}self_attn.', d))
                shapes.update(_linear_shapes(f'{p}linear1.', info.ffn_dim, d))
                shapes.update(_linear_shapes(f'{p}linear2.', d, info.ffn_dim))
                shapes.update(_norm_shapes(f'{p}norm1.', d))
                shapes.update(_norm_shapes(f'{p}norm2.', d))
    if info.kind == 'pretrain':
        hid, out = info.proj_hid_channels, info.proj_out_channels
        shapes.update(_projector_shapes('t_proj', d, hid, out))
        shapes.update(_projector_shapes('s_proj', d, hid, out))
        shapes.update(
            _projector_shapes('i_proj', 2 * d, hid,
                              info.proj_instance_out_channels))
    elif info.kind == 'downstream':
        shapes.update(_linear_shapes('fc.', info.num_classes, 2 * d))
    return shapes


def check_original_layout(state: Mapping[str, Tensor],
                          info: OriginalCheckpointInfo) -> None:
    """Refuse a file whose keys or shapes differ from the expected layout;
    the message names every missing, unexpected and mis-shaped key."""
    expected = expected_original_shapes(info)
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    wrong = [
        f'{k} {tuple(state[k].shape)} != {expected[k]}' for k in expected
        if k in state and tuple(state[k].shape) != expected[k]
    ]
    problems = []
    if missing:
        problems.append(f'missing keys: {_list_keys(missing)}')
    if unexpected:
        problems.append(f'unexpected keys: {_list_keys(unexpected)}')
    if wrong:
        problems.append(f'wrong shapes: {_list_keys(wrong)}')
    if problems:
        raise ValueError(
            f'the file does not match the original {info.arch.upper()} '
            f'{info.kind} layout inferred from its shapes ({_describe(info)})'
            ': ' + '; '.join(problems))


def check_tied_attention(state: Mapping[str, Tensor]) -> None:
    """DSTE stores each layer's one attention module under ``CA.attn`` and
    ``DSA.attn`` (design.md §17 D6); both copies must be equal."""
    untied = []
    for name in DSTE_LAYERS:
        for param in ATTN_PARAMS:
            ca = state[f'backbone.{name}.CA.attn.{param}']
            dsa = state[f'backbone.{name}.DSA.attn.{param}']
            if not torch.equal(ca, dsa):
                untied.append(f'backbone.{name}.{{CA,DSA}}.attn.{param}')
    if untied:
        raise ValueError(
            'the attention shared by CA and DSA differs between its two '
            f'copies in {_list_keys(untied)}; the file was not written by '
            'the original DSTE (or was edited), so it cannot load into one '
            'shared module')


def check_temporal_pe(pe: Tensor, clip_len: int) -> None:
    """The stored sinusoidal buffer (1, rows, D) must cover ``clip_len``
    and equal the regenerated table (design.md §17 D8)."""
    rows, dim = pe.shape[1], pe.shape[2]
    if rows < clip_len:
        raise ValueError(f'{PE_KEY} has {rows} rows but the weights need '
                         f'clip_len={clip_len}; the original could not run '
                         'this geometry')
    table = sinusoidal_positions(rows, dim)
    error = (pe[0].float() - table).abs().max().item()
    if not error <= PE_ATOL:
        raise ValueError(f'{PE_KEY} is not the standard sinusoidal table '
                         f'(max deviation {error:.2e}); usdrl_mm regenerates'
                         ' that table, so these weights would not give the '
                         'original features')


def original_to_usdrl_key(key: str, arch: str) -> Optional[str]:
    """The ``usdrl_mm`` name of one original key; None for the dropped
    temporal PE buffer. Raises ValueError for a key with no counterpart."""
    if key == PE_KEY:
        return None
    renames = (
        ('backbone.spe', 'backbone.spatial_pos'),
        ('backbone.ske_emb.t_embedding.', 'backbone.temporal_embed.'),
        ('backbone.ske_emb.s_embedding.', 'backbone.spatial_embed.'),
        ('fc.', 'cls_head.fc.'),
    ) + tuple((f'{p}.', f'projector.{p}.') for p in PROJECTORS)
    for old, new in renames:
        if key == old or (old.endswith('.') and key.startswith(old)):
            return new + key[len(old):]
    if arch == 'dste':
        match = re.match(r'^backbone\.([ts]_tr1?)\.(CA|DSA)\.(.+)$', key)
        if match and match.group(1) in DSTE_LAYERS:
            stream, index = DSTE_LAYERS[match.group(1)]
            sub = match.group(2).lower()
            return f'backbone.{stream}.{index}.{sub}.{match.group(3)}'
    else:
        match = re.match(r'^backbone\.([ts]_tr)\.layers\.(\d+)\.(.+)$', key)
        if match:
            stream = STTR_STREAMS[match.group(1)]
            return f'backbone.{stream}.{match.group(2)}.{match.group(3)}'
    raise ValueError(f'no usdrl_mm counterpart for the original key {key!r}')


def convert_original_state_dict(
        state: Mapping[str, Tensor],
        info: OriginalCheckpointInfo) -> 'OrderedDict[str, Tensor]':
    """Check ``state`` against ``info`` and rename it to ``usdrl_mm``
    names.

    The shared DSTE attention is written once per name under which the
    ``usdrl_mm`` state dict lists it (``ca.attn`` and ``dsa.attn``), from
    the CA copy, after checking that both copies are equal.
    """
    check_original_layout(state, info)
    if info.arch == 'dste':
        check_tied_attention(state)
    if PE_KEY in state:
        check_temporal_pe(state[PE_KEY], info.clip_len)
    out: 'OrderedDict[str, Tensor]' = OrderedDict()
    for key, value in state.items():
        if info.arch == 'dste' and '.DSA.attn.' in key:
            value = state[key.replace('.DSA.attn.', '.CA.attn.')]
        new = original_to_usdrl_key(key, info.arch)
        if new is not None:
            out[new] = value
    return out


def convert_original_checkpoint(
    checkpoint: Any,
    arch: str = 'auto',
    num_persons: int = 2,
    num_heads: int = 1
) -> Tuple['OrderedDict[str, Tensor]', OriginalCheckpointInfo]:
    """Loaded original file -> (``usdrl_mm`` state dict, inferred info)."""
    state = extract_state_dict(checkpoint)
    info = infer_original_config(
        state, arch=arch, num_persons=num_persons, num_heads=num_heads)
    return convert_original_state_dict(state, info), info


def _describe(info: OriginalCheckpointInfo) -> str:
    parts = [
        f'{info.arch.upper()} {info.kind}', f'D={info.hidden_dim}',
        f'layers={info.num_layers}', f'T={info.clip_len}',
        f'M*V={info.num_persons}*{info.num_joints}', f'C={info.in_channels}'
    ]
    if info.num_classes is not None:
        parts.append(f'K={info.num_classes}')
    return ', '.join(parts)


def describe_original_checkpoint(info: OriginalCheckpointInfo) -> List[str]:
    """Human-readable lines on what was inferred and what was assumed."""
    lines = [f'inferred: {_describe(info)}']
    if info.arch == 'dste':
        lines.append(f'  DSTE: mlp_ratio={info.mlp_ratio:g}, '
                     f'kernel_size={info.kernel_size}; alpha=0.5 and gap=4 '
                     'are not stored in the weights (the original values '
                     'are assumed)')
    else:
        lines.append(f'  STTR: ffn_dim={info.ffn_dim}, post-norm, ReLU')
    lines.append(f'  assumed (not in the shapes): num_persons='
                 f'{info.num_persons}, num_heads={info.num_heads}')
    if info.pe_rows is not None:
        lines.append(f'  {PE_KEY} ({info.pe_rows} rows) matches the '
                     'regenerated table and is dropped')
    if info.kind == 'pretrain':
        lines.append(f'  projectors: hidden {info.proj_hid_channels}, '
                     f't/s out {info.proj_out_channels}, i out '
                     f'{info.proj_instance_out_channels}')
    return lines


def _format_dict(cfg: Mapping[str, Any]) -> str:
    """``dict(key=value, ...)`` in config style, nested dicts included."""
    items = (f'{k}={_format_dict(v) if isinstance(v, Mapping) else repr(v)}'
             for k, v in cfg.items())
    return 'dict(' + ', '.join(items) + ')'


def original_model_config(info: OriginalCheckpointInfo,
                          checkpoint: str) -> str:
    """Config lines for a model that loads the converted file.

    A pretraining file loads whole into ``MGFD`` (``load_from``) and its
    encoder into any downstream config through ``init_cfg``; a downstream
    file loads into a ``RecognizerGCN`` with ``tools/test.py CONFIG
    checkpoint``.
    """
    backbone = info.backbone_cfg()
    pretrained = dict(
        type='Pretrained', checkpoint=checkpoint, prefix='backbone.')
    d = info.hidden_dim
    lines = [
        f'# {info.arch.upper()} geometry read from the weights. In a config '
        'that inherits',
        '# a base with the other backbone, add _delete_=True to backbone.',
    ]
    if info.kind == 'pretrain':
        proj = dict(type='MGFDProjector', in_channels=d)
        defaults = dict(
            hid_channels=2 * d,
            out_channels=2 * d,
            instance_out_channels=4 * d)
        proj.update({
            k: v
            for k, v in info.projector_cfg().items()
            if k in defaults and v != defaults[k]
        })
        lines += [
            '# MG-FD pretraining model:',
            f'model = dict(backbone={_format_dict(backbone)},',
            f'             projector={_format_dict(proj)})',
            f'load_from = {checkpoint!r}',
            '# its encoder in a recognition, kNN or dense config:',
        ]
    with_init = _format_dict(dict(backbone, init_cfg=pretrained))
    if info.kind != 'downstream':
        return '\n'.join(lines + [f'model = dict(backbone={with_init})'])
    k = info.num_classes
    head = dict(type='USDRLClsHead', num_classes=k, in_channels=2 * d)
    dense = dict(type='DenseFrameHead', num_classes=k, in_channels=2 * d)
    return '\n'.join(lines + [
        f'model = dict(backbone={with_init},',
        f'             cls_head={_format_dict(head)})',
        f'# per-frame (detection) weights: cls_head={_format_dict(dense)}',
        f'# then: python tools/test.py CONFIG {checkpoint}',
    ])
