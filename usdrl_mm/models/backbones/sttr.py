from typing import Optional, Tuple

import torch
from mmaction.registry import MODELS
from mmengine.model import BaseModule
from mmengine.model.weight_init import trunc_normal_
from torch import Tensor, nn

from ..layers import SkeletonEmbedding, sinusoidal_positions
from ..utils import init_usdrl_weights, to_spatial_tokens, to_temporal_tokens


@MODELS.register_module()
class STTR(BaseModule):
    """Spatio-temporal transformer encoder, the "USDRL (STTR)" baseline
    (SPEC §5).

    The same two token streams as :class:`DSTE` (one token per frame, one
    per person-joint) with the same skeleton embeddings and positional
    encodings, but each stream is a stack of plain transformer encoder
    layers (post-norm, ReLU feed-forward, no DropPath, no attention sharing)
    and each positional encoding is added **once**, before the stack.

    Interchangeable with :class:`DSTE` in every config: input is MMAction2's
    GCN layout ``(N, M, T, V, C)`` and ``forward`` returns the dense token
    features ``(temporal (N, T, D), spatial (N, M*V, D))`` that
    :class:`USDRLPoolNeck`, :class:`USDRLClsHead` and
    :class:`DenseFrameHead` consume. ``frozen`` and ``causal`` mean the same
    as for DSTE.

    Original checkpoints (``model/STTR.py`` of the USDRL repo) convert with
    ``tools/convert_original_checkpoint.py``. No compatibility switch is
    needed: the original's token-count literal (50, or 34 in
    FoundSkelModel; SPEC §17 D2) is reproduced by building with the
    checkpoint's ``num_joints * num_persons``, and its 200-row temporal PE
    buffer (D8) equals the first rows of the table generated here.

    Args:
        in_channels (int): Coordinates per joint C.
        num_joints (int): Joints per person V.
        num_persons (int): Persons M.
        clip_len (int): Frames T.
        hidden_dim (int): Token width D.
        num_heads (int): Attention heads.
        num_layers (int): Encoder layers per stream (honoured, as in the
            original STTR).
        ffn_dim (int, optional): Feed-forward width. Defaults to
            ``hidden_dim``, as the original's ``dim_feedforward=d_model``
            (1024 for the default width, not the usual 2048 or 4D).
        dropout (float): Dropout inside the encoder layers. Defaults to 0.
        activation (str): Feed-forward activation, ``'relu'`` or
            ``'gelu'``. Defaults to ``'relu'``.
        norm_first (bool): Pre-norm layers. Defaults to False (post-norm,
            as the original and its checkpoints).
        frozen (bool): Freeze every parameter and keep the module in eval
            mode (linear probing, kNN). Defaults to False.
        causal (bool): Make the temporal stream causal: frame t attends to
            frames <= t only (SPEC §14). Spatial tokens embed the whole
            clip, so the encoder as a whole only sees the past when it is
            given a prefix (``ObservePrefix``). Defaults to False.
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
                 ffn_dim: Optional[int] = None,
                 dropout: float = 0.,
                 activation: str = 'relu',
                 norm_first: bool = False,
                 frozen: bool = False,
                 causal: bool = False,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if num_layers < 1:
            raise ValueError(f'num_layers must be >= 1, got {num_layers}')
        if hidden_dim % num_heads:
            raise ValueError(f'hidden_dim ({hidden_dim}) must be divisible '
                             f'by num_heads ({num_heads})')
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
        # torch's layer takes the causal mask as ``src_mask``, so no custom
        # layer is needed. A list of independent layers rather than
        # nn.TransformerEncoder: that one deep-copies a single layer, so
        # every layer would start from the same attention input projection,
        # and it names the layers ``layers.{i}`` where DSTE has
        # ``temporal_layers.{i}``.
        layer_cfg = dict(
            d_model=hidden_dim,
            nhead=num_heads,
            dim_feedforward=ffn_dim or hidden_dim,
            dropout=dropout,
            activation=activation,
            norm_first=norm_first,
            batch_first=True)
        self.temporal_layers = nn.ModuleList(
            nn.TransformerEncoderLayer(**layer_cfg) for _ in range(num_layers))
        self.spatial_layers = nn.ModuleList(
            nn.TransformerEncoderLayer(**layer_cfg) for _ in range(num_layers))
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
        # trunc-normal Linear (incl. the attention output projection and
        # the feed-forward), LayerNorm 1/0; the attention input projection
        # keeps torch's xavier init (SPEC §4.6)
        init_usdrl_weights(self)
        trunc_normal_(self.spatial_pos, std=.02)
        self._is_init = True

    def _freeze(self) -> None:
        for p in self.parameters():
            p.requires_grad_(False)

    def train(self, mode: bool = True) -> 'STTR':
        # a frozen encoder stays in eval mode: no dropout while probing
        return super().train(mode and not self.frozen)

    def check_input(self, x: Tensor) -> None:
        expected = (self.num_persons, self.clip_len, self.num_joints,
                    self.in_channels)
        if x.dim() != 5 or tuple(x.shape[1:]) != expected:
            raise ValueError(
                'STTR expects skeletons in the MMAction2 GCN layout (N, M, T, '
                f'V, C) = (N, {", ".join(map(str, expected))}), got '
                f'{tuple(x.shape)}. Check clip_len, num_persons, num_joints '
                'and in_channels against the pipeline (FormatGCNInput pads '
                'persons; the crop/resize transform sets T).')

    def causal_mask(self, length: int, device: torch.device) -> Tensor:
        """(L, L) bool mask, True where a query may not attend: every key
        later than the query (the convention of DSTE and torch)."""
        return torch.ones(
            length, length, dtype=torch.bool, device=device).triu(1)

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        """(N, M, T, V, C) -> ((N, T, D), (N, M*V, D))."""
        self.check_input(x)
        # both encodings are added once, before the stack (SPEC §5)
        yt = self.temporal_embed(to_temporal_tokens(x)) + self.temporal_pos
        ys = self.spatial_embed(to_spatial_tokens(x)) + self.spatial_pos
        mask = self.causal_mask(yt.shape[1], x.device) if self.causal else None
        for layer in self.temporal_layers:
            yt = layer(yt, src_mask=mask)  # (N, T, D)
        for layer in self.spatial_layers:
            ys = layer(ys)  # (N, M*V, D)
        return yt, ys
