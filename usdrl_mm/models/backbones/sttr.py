from typing import Any, Optional, Tuple

import torch
from mmaction.registry import MODELS
from torch import Tensor, nn

from .skeleton_token_encoder import SkeletonTokenEncoder


@MODELS.register_module()
class STTR(SkeletonTokenEncoder):
    """Spatio-temporal transformer encoder, the "USDRL (STTR)" baseline
    (design.md §5).

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
    FoundSkelModel; design.md §17 D2) is reproduced by building with the
    checkpoint's ``num_joints * num_persons``, and its 200-row temporal PE
    buffer (D8) equals the first rows of the table generated here.

    The geometry comes from a skeleton spec (``skeleton=``) or from the
    loose numbers, exactly as for :class:`DSTE`.

    Args:
        num_heads (int): Attention heads. Defaults to 1.
        num_layers (int): Encoder layers per stream (honoured, as in the
            original STTR). Defaults to 2.
        ffn_dim (int, optional): Feed-forward width. Defaults to
            ``hidden_dim``, as the original's ``dim_feedforward=d_model``
            (1024 for the default width, not the usual 2048 or 4D).
        dropout (float): Dropout inside the encoder layers. Defaults to 0.
        activation (str): Feed-forward activation, ``'relu'`` or
            ``'gelu'``. Defaults to ``'relu'``.
        norm_first (bool): Pre-norm layers. Defaults to False (post-norm,
            as the original and its checkpoints).
        torch_default_init (bool): Keep PyTorch's default initialisation of
            every layer and a zero spatial position embedding, as the TPAMI
            code does (its STTR init call is commented out). Defaults to
            False (the AAAI code's USDRL initialisation).
        **kwargs: The arguments every encoder takes, documented on
            :class:`SkeletonTokenEncoder`: ``in_channels``, ``num_joints``,
            ``num_persons``, ``clip_len``, ``hidden_dim``, ``frozen``,
            ``causal`` (a causal mask on the temporal stream's attention),
            ``init_cfg``, ``frozen_train_mode``, ``skeleton`` and
            ``num_modalities``.
    """

    def __init__(self,
                 *,
                 num_heads: int = 1,
                 num_layers: int = 2,
                 ffn_dim: Optional[int] = None,
                 dropout: float = 0.,
                 activation: str = 'relu',
                 norm_first: bool = False,
                 torch_default_init: bool = False,
                 **kwargs: Any) -> None:
        if num_layers < 1:
            raise ValueError(f'num_layers must be >= 1, got {num_layers}')
        super().__init__(**kwargs)
        if self.hidden_dim % num_heads:
            raise ValueError(f'hidden_dim ({self.hidden_dim}) must be '
                             f'divisible by num_heads ({num_heads})')
        self.torch_default_init = torch_default_init
        # torch's layer takes the causal mask as ``src_mask``, so no custom
        # layer is needed. A list of independent layers rather than
        # nn.TransformerEncoder: that one deep-copies a single layer, so
        # every layer would start from the same attention input projection,
        # and it names the layers ``layers.{i}`` where DSTE has
        # ``temporal_layers.{i}``.
        layer_cfg = dict(
            d_model=self.hidden_dim,
            nhead=num_heads,
            dim_feedforward=ffn_dim or self.hidden_dim,
            dropout=dropout,
            activation=activation,
            norm_first=norm_first,
            batch_first=True)
        self.temporal_layers = nn.ModuleList(
            nn.TransformerEncoderLayer(**layer_cfg) for _ in range(num_layers))
        self.spatial_layers = nn.ModuleList(
            nn.TransformerEncoderLayer(**layer_cfg) for _ in range(num_layers))
        self.finish_init()

    def init_weights(self) -> None:
        if self.torch_default_init and self.init_cfg is None:
            self._is_init = True  # layers as torch built them
            return
        super().init_weights()

    def causal_mask(self, length: int, device: torch.device) -> Tensor:
        """(L, L) bool mask, True where a query may not attend: every key
        later than the query (the convention of DSTE and torch)."""
        return torch.ones(
            length, length, dtype=torch.bool, device=device).triu(1)

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        """(N, M, T, V, C) -> ((N, T, D), (N, M*V, D))."""
        yt, ys = self.embed(x)
        # both encodings are added once, before the stack (design.md §5)
        yt = yt + self.temporal_pos  # (N, T, D)
        ys = ys + self.spatial_pos  # (N, M*V, D)
        mask = self.causal_mask(yt.shape[1], x.device) if self.causal else None
        for layer in self.temporal_layers:
            yt = layer(yt, src_mask=mask)  # (N, T, D)
        for layer in self.spatial_layers:
            ys = layer(ys)  # (N, M*V, D)
        return yt, ys
