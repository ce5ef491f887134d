import torch
from torch import Tensor, nn

from .conv_attention import ConvAttention
from .dense_shift_attention import DenseShiftAttention
from .self_attention import self_attention


class DSTLayer(nn.Module):
    """Dense spatio-temporal layer: ``alpha * CA(x) + (1 - alpha) * DSA(x)``.

    The layer owns exactly one attention module and hands the same object to
    its CA and DSA branches (design.md §4.4, §17 D6): their attention
    weights are one set of parameters, stored under both ``ca.attn`` and
    ``dsa.attn`` in a state dict.

    Args:
        embed_dims (int): Token width D.
        seq_len (int): Token count L of the stream (T or M*V).
        num_heads (int): Attention heads.
        alpha (float): CA weight; DSA gets ``1 - alpha``.
        gap (int): DSA dense-shift gap.
        kernel_size (int): CA conv kernel.
        mlp_ratio (float): MLP hidden width over D.
        drop_path (float): DropPath rate of both branches.
        causal (bool): Token j only sees tokens <= j, in the attention of
            both branches (``forward`` builds the mask) and in DSA's token
            mixers. CA's conv must then be pointwise.
        fuse_attention (bool): One batched :func:`self_attention` call for
            CA and both DSA branches (they share the weights); False calls
            CA and DSA one after the other through the attention module's
            own forward. Same outputs.
    """

    def __init__(self,
                 embed_dims: int,
                 seq_len: int,
                 num_heads: int = 1,
                 alpha: float = 0.5,
                 gap: int = 4,
                 kernel_size: int = 1,
                 mlp_ratio: float = 2.,
                 drop_path: float = 0.1,
                 causal: bool = False,
                 fuse_attention: bool = True) -> None:
        super().__init__()
        if causal and kernel_size != 1:
            raise ValueError('a causal DST layer needs kernel_size=1: a '
                             'wider CA conv reads later tokens')
        if embed_dims % num_heads:
            raise ValueError(f'embed_dims ({embed_dims}) must be divisible '
                             f'by num_heads ({num_heads})')
        self.alpha = alpha
        self.causal = causal
        self.fuse_attention = fuse_attention
        attn = nn.MultiheadAttention(
            embed_dims, num_heads, dropout=0., batch_first=True)
        self.ca = ConvAttention(
            embed_dims,
            attn=attn,  # same object on purpose: shared weights
            kernel_size=kernel_size,
            mlp_ratio=mlp_ratio,
            drop_path=drop_path)
        self.dsa = DenseShiftAttention(
            embed_dims,
            seq_len=seq_len,
            attn=attn,
            gap=gap,
            mlp_ratio=mlp_ratio,
            drop_path=drop_path,
            causal=causal)

    @property
    def attn(self) -> nn.MultiheadAttention:
        return self.ca.attn

    def forward(self, x: Tensor, attn_mask: Tensor = None) -> Tensor:
        """(N, L, D) -> (N, L, D)."""
        if self.causal and attn_mask is None:
            length = x.shape[1]
            # True = may not attend: every token later than the query
            attn_mask = torch.ones(
                length, length, dtype=torch.bool, device=x.device).triu(1)
        if not self.fuse_attention:
            return (self.alpha * self.ca(x, attn_mask) +
                    (1 - self.alpha) * self.dsa(x, attn_mask))
        # CA and DSA share the attention weights, so their three attention
        # passes (CA, DSA's shifted and plain branches) run as one fused
        # call (self_attention):
        # 3 x (N, L, D) -> (3N, L, D)
        n = x.shape[0]
        f = self.ca.attn_input(x)
        y, q = self.dsa.attn_input(x)
        out = self_attention(self.attn, torch.cat([f, q]), attn_mask)
        return (self.alpha * self.ca.finish(x, out[:n]) +
                (1 - self.alpha) * self.dsa.finish(y, out[n:]))
