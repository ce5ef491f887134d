from typing import Optional, Tuple

import torch
from mmengine.model import BaseModule
from mmengine.model.weight_init import trunc_normal_
from torch import Tensor, nn

from usdrl_mm.structures import SkeletonSpec, SpecLike, build_skeleton_spec
from ..layers import SkeletonEmbedding, sinusoidal_positions
from ..utils import init_usdrl_weights, to_spatial_tokens, to_temporal_tokens

#: The geometry when neither a spec nor a number is given: NTU RGB+D 3D.
DEFAULT_GEOMETRY = dict(in_channels=3, num_joints=25, num_persons=2)


def resolve_geometry(
    skeleton: Optional[SpecLike],
    in_channels: Optional[int],
    num_joints: Optional[int],
    num_persons: Optional[int],
    num_modalities: int = 1,
    owner: str = 'the encoder'
) -> Tuple[Optional[SkeletonSpec], int, int, int]:
    """``(spec, C, V, M)`` of an encoder from a skeleton spec and / or the
    loose numbers.

    Without a spec the loose numbers are used, each defaulting to NTU's
    (3 channels, 25 joints, 2 persons). With one, the spec gives
    ``C = spec.in_channels * num_modalities`` (stacked modalities, the
    J+B+M input of MPCT), ``V = spec.num_joints`` and
    ``M = spec.num_person``; a loose number given as well must equal the
    spec's, else a ``ValueError`` names both and the fix.
    """
    if num_modalities < 1:
        raise ValueError(f'num_modalities must be >= 1, got {num_modalities}')
    spec = build_skeleton_spec(skeleton)
    if spec is None:
        if num_modalities != 1:
            raise ValueError(
                f'{owner}: num_modalities={num_modalities} needs a skeleton '
                'spec to multiply; without one give the stacked channel count '
                'as in_channels')
        given = dict(
            in_channels=in_channels,
            num_joints=num_joints,
            num_persons=num_persons)
        c, v, m = (DEFAULT_GEOMETRY[k] if x is None else int(x)
                   for k, x in given.items())
        return None, c, v, m
    derived = dict(
        in_channels=spec.in_channels * num_modalities,
        num_joints=spec.num_joints,
        num_persons=spec.num_person)
    given = dict(
        in_channels=in_channels,
        num_joints=num_joints,
        num_persons=num_persons)
    clashes = [
        f'{key}={given[key]} but the spec gives {value}'
        for key, value in derived.items()
        if given[key] is not None and int(given[key]) != value
    ]
    if clashes:
        raise ValueError(
            f'{owner}: the skeleton spec ({spec}) and the loose geometry '
            f'disagree: {"; ".join(clashes)}. Give the geometry once: change '
            'the spec (model.backbone.skeleton) or drop it and keep '
            'in_channels / num_joints / num_persons')
    return (spec, derived['in_channels'], derived['num_joints'],
            derived['num_persons'])


class SkeletonTokenEncoder(BaseModule):
    """What DSTE and STTR share (design.md §3-§5): the two token streams of a
    ``(N, M, T, V, C)`` clip, their skeleton embeddings and positional
    encodings, the input check, the original initialisation and freezing.

    A subclass builds its ``temporal_layers`` and ``spatial_layers``, then
    calls :meth:`finish_init`; its ``forward`` starts from :meth:`embed`.
    The temporal encoding is sinusoidal and generated for ``clip_len``
    (not stored in checkpoints); the spatial one is learned, one row per
    person-joint token.

    The geometry comes from a skeleton spec or from the loose numbers
    (:func:`resolve_geometry`); either way the module has the attributes
    ``in_channels``, ``num_joints`` and ``num_persons`` (and ``skeleton``,
    the spec or None). Widths for the modules after it:
    :attr:`out_channels` (one stream's tokens, the projector input),
    :attr:`pooled_channels` (the pooled clip feature) and
    :attr:`dense_channels` (the per-frame dense feature).

    The arguments below are the ones every encoder takes; a subclass's own
    arguments (its layers) come first and these reach this class as keyword
    arguments, so each is declared and documented once, here.

    Args:
        in_channels (int, optional): Channels per joint C: 3 for 3D, 2 for
            2D, or 3 for 2D with the score channel. Defaults to 3, or the
            spec's.
        num_joints (int, optional): Joints per person V. Defaults to 25, or
            the spec layout's.
        num_persons (int, optional): Persons M. Defaults to 2, or the spec's
            ``num_person``. The spec spells it ``num_person`` as MMAction2's
            ``FormatGCNInput`` does; this argument and the attribute keep the
            plural for the configs, saved checkpoint configs, tools and
            ``--cfg-options model.backbone.num_persons=...`` that use it.
        clip_len (int): Frames T. Defaults to 64.
        hidden_dim (int): Token width D. Defaults to 1024.
        frozen (bool): Freeze every parameter and keep the module in eval mode
            (linear probing, kNN). Defaults to False.
        causal (bool): Make the temporal stream causal: frame t sees frames
            <= t only (design.md §14). Spatial tokens embed the whole clip,
            so the encoder as a whole only sees the past when it is given a
            prefix (``ObservePrefix``). Defaults to False.
        init_cfg (dict, optional): mmengine init config, e.g.
            ``dict(type='Pretrained', checkpoint=..., prefix='backbone.')``.
            Without one, the original USDRL initialisation is used.
        frozen_train_mode (bool): A frozen encoder follows the model's
            train / eval mode instead of staying in eval mode, so DropPath
            (and dropout) act while probing: the TPAMI code's linear
            evaluation. Defaults to False (the AAAI code's).
        skeleton (SkeletonSpec | dict | str, optional): The skeleton spec
            the geometry comes from (a layout name alone means 3D, 2
            persons, no score).
        num_modalities (int): Modalities stacked along C (3 for the J+B+M
            input of MPCT): ``in_channels`` is ``num_modalities`` times the
            spec's. Needs ``skeleton``. Defaults to 1.
    """

    def __init__(self,
                 *,
                 in_channels: Optional[int] = None,
                 num_joints: Optional[int] = None,
                 num_persons: Optional[int] = None,
                 clip_len: int = 64,
                 hidden_dim: int = 1024,
                 frozen: bool = False,
                 causal: bool = False,
                 init_cfg: Optional[dict] = None,
                 frozen_train_mode: bool = False,
                 skeleton: Optional[SpecLike] = None,
                 num_modalities: int = 1) -> None:
        super().__init__(init_cfg=init_cfg)
        spec, in_channels, num_joints, num_persons = resolve_geometry(
            skeleton, in_channels, num_joints, num_persons, num_modalities,
            type(self).__name__)
        self.skeleton = spec
        self.frozen_train_mode = frozen_train_mode
        self.in_channels = in_channels
        self.num_joints = num_joints
        self.num_persons = num_persons
        self.clip_len = clip_len
        self.hidden_dim = hidden_dim
        self.frozen = frozen
        self.causal = causal
        self.num_tokens = num_persons * num_joints  # 50 NTU-25, 34 COCO-17
        self.temporal_embed = SkeletonEmbedding(
            num_persons * num_joints * in_channels, hidden_dim)
        self.spatial_embed = SkeletonEmbedding(clip_len * in_channels,
                                               hidden_dim)
        self.register_buffer(
            'temporal_pos',
            sinusoidal_positions(clip_len, hidden_dim)[None],
            persistent=False)
        self.spatial_pos = nn.Parameter(
            torch.zeros(1, self.num_tokens, hidden_dim))

    def finish_init(self) -> None:
        """Freeze now, before ``init_weights`` (which may load a checkpoint),
        so a frozen encoder never has trainable parameters."""
        if self.frozen:
            for p in self.parameters():
                p.requires_grad_(False)

    @property
    def out_channels(self) -> int:
        """Width D of one stream's tokens: what ``forward`` returns per
        token, and the ``in_channels`` of ``MGFDProjector``."""
        return self.hidden_dim

    @property
    def pooled_channels(self) -> int:
        """Width 2D of the pooled clip feature (``USDRLPoolNeck``: the two
        streams' maxima, concatenated), the ``in_channels`` of
        ``USDRLClsHead``."""
        return 2 * self.hidden_dim

    @property
    def dense_channels(self) -> int:
        """Width 2D of the per-frame dense feature (``dense_tokens``: the
        temporal tokens beside the resampled spatial ones), the
        ``in_channels`` of ``DenseFrameHead``."""
        return 2 * self.hidden_dim

    def init_weights(self) -> None:
        if self.init_cfg is not None:
            super().init_weights()  # e.g. Pretrained
            return
        # trunc-normal Linear, LayerNorm 1 / 0; attention input projections
        # keep torch's xavier init (design.md §4.6)
        init_usdrl_weights(self)
        trunc_normal_(self.spatial_pos, std=.02)
        self._is_init = True

    def train(self, mode: bool = True) -> 'SkeletonTokenEncoder':
        # a frozen encoder stays in eval mode: no dropout or DropPath while
        # probing, unless frozen_train_mode (the TPAMI code's probe)
        return super().train(
            mode and (not self.frozen or self.frozen_train_mode))

    @property
    def clip_shape(self) -> Tuple[int, int, int, int]:
        """``(M, T, V, C)``: the shape of one clip the encoder takes (the
        MMAction2 GCN layout without the batch)."""
        return (self.num_persons, self.clip_len, self.num_joints,
                self.in_channels)

    def check_input(self, x: Tensor) -> None:
        expected = self.clip_shape
        if x.dim() != 5 or tuple(x.shape[1:]) != expected:
            raise ValueError(
                f'{type(self).__name__} expects skeletons in the MMAction2 '
                'GCN layout (N, M, T, V, C) = '
                f'(N, {", ".join(map(str, expected))}), got '
                f'{tuple(x.shape)}. Check clip_len, num_persons, num_joints '
                'and in_channels (or the skeleton spec) against the pipeline '
                '(FormatGCNInput pads persons; the crop/resize transform sets '
                'T).')

    def embed(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        """Checked input -> embedded tokens, no positional encoding:
        ``(N, M, T, V, C) -> ((N, T, D), (N, M*V, D))``."""
        self.check_input(x)
        return (self.temporal_embed(to_temporal_tokens(x)),
                self.spatial_embed(to_spatial_tokens(x)))
