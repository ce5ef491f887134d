from typing import Optional, Tuple

from mmaction.registry import MODELS
from torch import Tensor, nn

from usdrl_mm.structures import SpecLike
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
        clip_len (int): Frames T. DSA's token mixer needs exactly T frames.
        hidden_dim (int): Token width D.
        num_heads (int): Attention heads.
        num_layers (int): DST layers per stream (honoured, unlike the
            original, which always builds 2; design.md §17 D1).
        alpha (float): CA weight in every DST layer.
        gap (int): Dense-shift gap.
        kernel_size (int): CA conv kernel (odd).
        mlp_ratio (float): MLP hidden width over D.
        drop_path (float): DropPath rate in every branch.
        frozen (bool): Freeze every parameter and keep the module in eval mode
            (linear probing, kNN). Defaults to False.
        causal (bool): Make the temporal stream causal (frame t sees frames
            <= t in attention and token mixing), for early prediction
            (design.md §14). Spatial tokens embed the whole clip, so the
            encoder as a whole only sees the past when it is given a prefix
            (``ObservePrefix``). Defaults to False.
        fuse_attention (bool): Run the three attention passes of every DST
            layer (CA and DSA's two branches share the weights) as one
            batched call. Same outputs; False keeps them separate, for
            benchmarks. Defaults to True.
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
                 in_channels: Optional[int] = None,
                 num_joints: Optional[int] = None,
                 num_persons: Optional[int] = None,
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
                 fuse_attention: bool = True,
                 init_cfg: Optional[dict] = None,
                 frozen_train_mode: bool = False,
                 skeleton: Optional[SpecLike] = None,
                 num_modalities: int = 1) -> None:
        if num_layers < 1:
            raise ValueError(f'num_layers must be >= 1, got {num_layers}')
        super().__init__(
            clip_len=clip_len,
            hidden_dim=hidden_dim,
            frozen=frozen,
            causal=causal,
            init_cfg=init_cfg,
            frozen_train_mode=frozen_train_mode,
            skeleton=skeleton,
            in_channels=in_channels,
            num_joints=num_joints,
            num_persons=num_persons,
            num_modalities=num_modalities)
        layer_cfg = dict(
            embed_dims=hidden_dim,
            num_heads=num_heads,
            alpha=alpha,
            gap=gap,
            kernel_size=kernel_size,
            mlp_ratio=mlp_ratio,
            drop_path=drop_path,
            fuse_attention=fuse_attention)
        self.temporal_layers = nn.ModuleList(
            DSTLayer(seq_len=clip_len, causal=causal, **layer_cfg)
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
