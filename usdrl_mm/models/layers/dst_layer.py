import torch
from torch import Tensor, nn

from .conv_attention import ConvAttention
from .dense_shift_attention import DenseShiftAttention
from .self_attention import self_attention


def autocast_bf16(x: Tensor) -> Tensor:
    """A CPU tensor ``x`` in bf16 while a bf16 CPU autocast is on, else
    ``x``.

    A DST layer's residual stream then stays in bf16 under the CPU recipe
    (``MixedPrecisionOptimWrapper``). Without it the stream is fp32, since
    the encoder adds its fp32 positional encodings to the bf16 tokens:
    every linear layer cast its input to bf16, every residual add, layer
    norm and DropPath ran in fp32 on twice the bytes, and the casts and
    their backward were about a seventh of a bf16 step at hidden 256. bf16
    has fp32's exponent range, so only the mantissa is shortened (the
    layer's bf16 output is then about 0.7 % off fp32 where the fp32 stream
    gave 0.2 %). GPUs (fp16 autocast in the recipe), fp32 and everything
    outside autocast are left alone.
    """
    if (x.device.type == 'cpu' and x.dtype != torch.bfloat16
            and x.is_floating_point() and torch.is_autocast_enabled('cpu')
            and torch.get_autocast_dtype('cpu') == torch.bfloat16):
        return x.to(torch.bfloat16)
    return x


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
        """(N, L, D) -> (N, L, D); in bf16 under a bf16 autocast
        (:func:`autocast_bf16`)."""
        x = autocast_bf16(x)
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
        # split, not two slices: the backward of a slice zero-fills a
        # (3N, L, D) gradient per slice and adds them; split's concatenates
        out_ca, out_dsa = out.split([n, out.shape[0] - n])
        return (self.alpha * self.ca.finish(x, out_ca) +
                (1 - self.alpha) * self.dsa.finish(y, out_dsa))
