from typing import Optional, Tuple

import torch
from mmengine.model import BaseModule
from mmengine.model.weight_init import trunc_normal_
from torch import Tensor, nn

from ..layers import SkeletonEmbedding, sinusoidal_positions
from ..utils import init_usdrl_weights, to_spatial_tokens, to_temporal_tokens


class SkeletonTokenEncoder(BaseModule):
    """What DSTE and STTR share (design.md §3-§5): the two token streams of a
    ``(N, M, T, V, C)`` clip, their skeleton embeddings and positional
    encodings, the input check, the original initialisation and freezing.

    A subclass builds its ``temporal_layers`` and ``spatial_layers``, then
    calls :meth:`finish_init`; its ``forward`` starts from :meth:`embed`.
    The temporal encoding is sinusoidal and generated for ``clip_len``
    (not stored in checkpoints); the spatial one is learned, one row per
    person-joint token.

    Args:
        in_channels, num_joints, num_persons, clip_len, hidden_dim, frozen,
            causal, init_cfg, frozen_train_mode: as :class:`DSTE`.
    """

    def __init__(self,
                 in_channels: int,
                 num_joints: int,
                 num_persons: int,
                 clip_len: int,
                 hidden_dim: int,
                 frozen: bool = False,
                 causal: bool = False,
                 init_cfg: Optional[dict] = None,
                 frozen_train_mode: bool = False) -> None:
        super().__init__(init_cfg=init_cfg)
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
        """Width of one stream's tokens (the pooled clip feature is 2x)."""
        return self.hidden_dim

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

    def check_input(self, x: Tensor) -> None:
        expected = (self.num_persons, self.clip_len, self.num_joints,
                    self.in_channels)
        if x.dim() != 5 or tuple(x.shape[1:]) != expected:
            raise ValueError(
                f'{type(self).__name__} expects skeletons in the MMAction2 '
                'GCN layout (N, M, T, V, C) = '
                f'(N, {", ".join(map(str, expected))}), got '
                f'{tuple(x.shape)}. Check clip_len, num_persons, num_joints '
                'and in_channels against the pipeline (FormatGCNInput pads '
                'persons; the crop/resize transform sets T).')

    def embed(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        """Checked input -> embedded tokens, no positional encoding:
        ``(N, M, T, V, C) -> ((N, T, D), (N, M*V, D))``."""
        self.check_input(x)
        return (self.temporal_embed(to_temporal_tokens(x)),
                self.spatial_embed(to_spatial_tokens(x)))
