from typing import Optional, Tuple

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

    Args:
        in_channels (int): Coordinates per joint C: 3 for 3D, 2 for 2D, or 3
            for 2D with the score channel.
        num_joints (int): Joints per person V.
        num_persons (int): Persons M.
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
                 fuse_attention: bool = True,
                 init_cfg: Optional[dict] = None,
                 frozen_train_mode: bool = False) -> None:
        if num_layers < 1:
            raise ValueError(f'num_layers must be >= 1, got {num_layers}')
        super().__init__(in_channels, num_joints, num_persons, clip_len,
                         hidden_dim, frozen, causal, init_cfg,
                         frozen_train_mode)
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
