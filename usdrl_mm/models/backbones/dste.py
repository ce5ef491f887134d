from typing import Any, Tuple

from mmaction.registry import MODELS
from torch import Tensor, nn

from ..layers import DSTLayer
from .skeleton_token_encoder import SkeletonTokenEncoder


@MODELS.register_module()
class DSTE(SkeletonTokenEncoder):
    """Dense Spatio-Temporal Encoder of USDRL (design.md §3-§4).

    Two parallel streams of :class:`DSTLayer`: a temporal stream with one
    token per frame and a spatial stream with one token per person-joint.
    The sinusoidal temporal and learned spatial positional encodings are
    re-added before every layer.

    Input is MMAction2's GCN layout ``(N, M, T, V, C)``. ``forward`` returns
    the dense token features ``(temporal (N, T, D), spatial (N, M*V, D))``;
    :class:`USDRLPoolNeck` pools them into the clip feature.

    The geometry (C, V, M) is given either as a skeleton spec,
    ``skeleton=dict(layout='coco', num_person=2, coord_dims=2,
    with_score=True)`` (:class:`~usdrl_mm.structures.SkeletonSpec`), or by
    the loose numbers ``in_channels`` / ``num_joints`` / ``num_persons``;
    with neither, NTU's 3D geometry (3, 25, 2). A loose number given beside
    a spec must agree with it. :attr:`out_channels`,
    :attr:`pooled_channels` and :attr:`dense_channels` are the widths the
    projector and heads take (filled in by ``MGFD`` / ``MPCT`` and
    ``USDRLRecognizer`` when their configs leave them out).

    Args:
        num_heads (int): Attention heads. Defaults to 1.
        num_layers (int): DST layers per stream (honoured, unlike the
            original, which always builds 2; design.md §17 D1). Defaults
            to 2.
        alpha (float): CA weight in every DST layer. Defaults to 0.5.
        gap (int): Dense-shift gap. Defaults to 4.
        kernel_size (int): CA conv kernel (odd). Defaults to 1.
        mlp_ratio (float): MLP hidden width over D. Defaults to 2.
        drop_path (float): DropPath rate in every branch. Defaults to 0.1.
        fuse_attention (bool): Run the three attention passes of every DST
            layer (CA and DSA's two branches share the weights) as one
            batched call. Same outputs; False keeps them separate, for
            benchmarks. Defaults to True.
        **kwargs: The arguments every encoder takes, documented on
            :class:`SkeletonTokenEncoder`: ``in_channels``, ``num_joints``,
            ``num_persons``, ``clip_len`` (DSA's token mixer needs exactly
            T frames), ``hidden_dim``, ``frozen``, ``causal`` (the temporal
            stream's attention and token mixing), ``init_cfg``,
            ``frozen_train_mode``, ``skeleton`` and ``num_modalities``.
    """

    def __init__(self,
                 *,
                 num_heads: int = 1,
                 num_layers: int = 2,
                 alpha: float = 0.5,
                 gap: int = 4,
                 kernel_size: int = 1,
                 mlp_ratio: float = 2.,
                 drop_path: float = 0.1,
                 fuse_attention: bool = True,
                 **kwargs: Any) -> None:
        if num_layers < 1:
            raise ValueError(f'num_layers must be >= 1, got {num_layers}')
        super().__init__(**kwargs)
        layer_cfg = dict(
            embed_dims=self.hidden_dim,
            num_heads=num_heads,
            alpha=alpha,
            gap=gap,
            kernel_size=kernel_size,
            mlp_ratio=mlp_ratio,
            drop_path=drop_path,
            fuse_attention=fuse_attention)
        self.temporal_layers = nn.ModuleList(
            DSTLayer(seq_len=self.clip_len, causal=self.causal, **layer_cfg)
            for _ in range(num_layers))
        self.spatial_layers = nn.ModuleList(
            DSTLayer(seq_len=self.num_tokens, **layer_cfg)
            for _ in range(num_layers))
        self.finish_init()

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        """(N, M, T, V, C) -> ((N, T, D), (N, M*V, D))."""
        yt, ys = self.embed(x)  # (N, T, D), (N, M*V, D)
        for layer in self.temporal_layers:
            yt = layer(yt + self.temporal_pos)
        for layer in self.spatial_layers:
            ys = layer(ys + self.spatial_pos)
        return yt, ys
