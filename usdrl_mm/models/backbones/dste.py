from typing import Optional, Tuple

import torch
from mmaction.registry import MODELS
from mmengine.model import BaseModule
from mmengine.model.weight_init import trunc_normal_
from torch import Tensor, nn

from ..layers import DSTLayer, SkeletonEmbedding, sinusoidal_positions
from ..utils import init_usdrl_weights, to_spatial_tokens, to_temporal_tokens


@MODELS.register_module()
class DSTE(BaseModule):
    """Dense Spatio-Temporal Encoder of USDRL (SPEC §3-§4).

    Two parallel streams of :class:`DSTLayer`: a temporal stream with one
    token per frame and a spatial stream with one token per person-joint.
    The sinusoidal temporal and learned spatial positional encodings are
    re-added before every layer.

    Input is MMAction2's GCN layout ``(N, M, T, V, C)``. ``forward`` returns
    the dense token features ``(temporal (N, T, D), spatial (N, M*V, D))``;
    :class:`USDRLPoolNeck` pools them into the clip feature.

    Args:
        in_channels (int): Coordinates per joint C: 3 for 3D, 2 for 2D, or 3
            for 2D with the score channel.
        num_joints (int): Joints per person V.
        num_persons (int): Persons M.
        clip_len (int): Frames T. DSA's token mixer needs exactly T frames.
        hidden_dim (int): Token width D.
        num_heads (int): Attention heads.
        num_layers (int): DST layers per stream (honoured, unlike the
            original, which always builds 2; SPEC §17 D1).
        alpha (float): CA weight in every DST layer.
        gap (int): Dense-shift gap.
        kernel_size (int): CA conv kernel (odd).
        mlp_ratio (float): MLP hidden width over D.
        drop_path (float): DropPath rate in every branch.
        frozen (bool): Freeze every parameter and keep the module in eval mode
            (linear probing, kNN). Defaults to False.
        causal (bool): Make the temporal stream causal (frame t sees frames
            <= t in attention and token mixing), for early prediction
            (SPEC §14). Spatial tokens embed the whole clip, so the encoder
            as a whole only sees the past when it is given a prefix
            (``ObservePrefix``). Defaults to False.
        init_cfg (dict, optional): mmengine init config, e.g.
            ``dict(type='Pretrained', checkpoint=..., prefix='backbone.')``.
            Without one, the original USDRL initialisation is used.
    """

    def __init__(self,
                 in_channels: int = 3,
                 num_joints: int = 25,
                 num_persons: int = 2,
                 clip_len: int = 64,
                 hidden_dim: int = 1024,
                 num_heads: int = 1,
                 num_layers: int = 2,
                 alpha: float = 0.5,
                 gap: int = 4,
                 kernel_size: int = 1,
                 mlp_ratio: float = 2.,
                 drop_path: float = 0.1,
                 frozen: bool = False,
                 causal: bool = False,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if num_layers < 1:
            raise ValueError(f'num_layers must be >= 1, got {num_layers}')
        self.in_channels = in_channels
        self.num_joints = num_joints
        self.num_persons = num_persons
        self.clip_len = clip_len
        self.hidden_dim = hidden_dim
        self.frozen = frozen
        self.causal = causal

        num_tokens = num_persons * num_joints  # 50 for NTU-25, 34 for COCO-17
        self.temporal_embed = SkeletonEmbedding(
            num_persons * num_joints * in_channels, hidden_dim)
        self.spatial_embed = SkeletonEmbedding(clip_len * in_channels,
                                               hidden_dim)
        # regenerated at any length, so it is not part of the checkpoint
        self.register_buffer(
            'temporal_pos',
            sinusoidal_positions(clip_len, hidden_dim)[None],
            persistent=False)
        self.spatial_pos = nn.Parameter(torch.zeros(1, num_tokens, hidden_dim))
        layer_cfg = dict(
            embed_dims=hidden_dim,
            num_heads=num_heads,
            alpha=alpha,
            gap=gap,
            kernel_size=kernel_size,
            mlp_ratio=mlp_ratio,
            drop_path=drop_path)
        self.temporal_layers = nn.ModuleList(
            DSTLayer(seq_len=clip_len, causal=causal, **layer_cfg)
            for _ in range(num_layers))
        self.spatial_layers = nn.ModuleList(
            DSTLayer(seq_len=num_tokens, **layer_cfg)
            for _ in range(num_layers))
        # before init_weights() (which may load a checkpoint) so a frozen
        # encoder never has trainable parameters
        if frozen:
            self._freeze()

    @property
    def out_channels(self) -> int:
        """Width of one stream's tokens (the pooled clip feature is 2x)."""
        return self.hidden_dim

    def init_weights(self) -> None:
        if self.init_cfg is not None:
            super().init_weights()  # e.g. Pretrained
            return
        init_usdrl_weights(self)
        trunc_normal_(self.spatial_pos, std=.02)
        self._is_init = True

    def _freeze(self) -> None:
        for p in self.parameters():
            p.requires_grad_(False)

    def train(self, mode: bool = True) -> 'DSTE':
        # a frozen encoder stays in eval mode: no DropPath while probing
        return super().train(mode and not self.frozen)

    def check_input(self, x: Tensor) -> None:
        expected = (self.num_persons, self.clip_len, self.num_joints,
                    self.in_channels)
        if x.dim() != 5 or tuple(x.shape[1:]) != expected:
            raise ValueError(
                'DSTE expects skeletons in the MMAction2 GCN layout (N, M, T, '
                f'V, C) = (N, {", ".join(map(str, expected))}), got '
                f'{tuple(x.shape)}. Check clip_len, num_persons, num_joints '
                'and in_channels against the pipeline (FormatGCNInput pads '
                'persons; the crop/resize transform sets T).')

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        """(N, M, T, V, C) -> ((N, T, D), (N, M*V, D))."""
        self.check_input(x)
        yt = self.temporal_embed(to_temporal_tokens(x))  # (N, T, D)
        ys = self.spatial_embed(to_spatial_tokens(x))  # (N, M*V, D)
        for layer in self.temporal_layers:
            yt = layer(yt + self.temporal_pos)
        for layer in self.spatial_layers:
            ys = layer(ys + self.spatial_pos)
        return yt, ys
