import torch.nn.functional as F
from mmcv.cnn.bricks import DropPath
from torch import Tensor, nn

from .drop_path_add import LOW_PRECISION, drop_path_add
from .mlp import Mlp


class ConvAttention(nn.Module):
    """CA, the convolutional-attention branch of a DST layer (design.md §4.4).

    .. math::

        F &= x + \\mathrm{ReLU}(\\mathrm{Conv1d}(x)) \\\\
        G &= x + \\mathrm{DP}(\\mathrm{Attn}(\\mathrm{LN}_1(F))) \\\\
        \\mathrm{CA}(x) &= \\mathrm{DP}(\\mathrm{MLP}(\\mathrm{LN}_2(G)))

    The attention residual adds the block input ``x`` rather than ``F``, and
    there is no residual around the MLP: this is how the released weights
    were trained (design.md §17 D5), so the reference layer keeps it.

    Args:
        embed_dims (int): Token width D.
        attn (nn.MultiheadAttention): The attention module, shared with the
            DSA branch of the same layer.
        kernel_size (int): Conv kernel along the token axis; odd, with
            "same" padding (the original breaks for k > 1, design.md §17 D3).
        mlp_ratio (float): MLP hidden width over D.
        drop_path (float): DropPath rate.
    """

    def __init__(self,
                 embed_dims: int,
                 attn: nn.MultiheadAttention,
                 kernel_size: int = 1,
                 mlp_ratio: float = 2.,
                 drop_path: float = 0.1) -> None:
        super().__init__()
        if kernel_size < 1 or kernel_size % 2 == 0:
            raise ValueError('ConvAttention needs an odd kernel_size so the '
                             f'token count is kept, got {kernel_size}')
        self.attn = attn
        self.conv1 = nn.Conv1d(
            embed_dims, embed_dims, kernel_size, padding=kernel_size // 2)
        self.act = nn.ReLU()
        self.norm1 = nn.LayerNorm(embed_dims)
        self.norm2 = nn.LayerNorm(embed_dims)
        self.mlp = Mlp(embed_dims, int(embed_dims * mlp_ratio))
        self.drop_path = DropPath(drop_path)

    def attn_input(self, x: Tensor) -> Tensor:
        """``LN_1(F)``, what the attention reads: (N, L, D) -> (N, L, D).

        A pointwise conv on a bf16 / fp16 ``x`` runs as the linear layer it
        is, on the ``(N, L, D)`` tokens as they are: the conv's transposes
        to and from ``(N, D, L)`` copy the tokens in both passes. fp32
        keeps the conv (its kernel rounds differently from a GEMM's).
        """
        if self.conv1.kernel_size[0] == 1 and x.dtype in LOW_PRECISION:
            dtype = x.dtype
            bias = self.conv1.bias
            conv = F.linear(x, self.conv1.weight[..., 0].to(dtype),
                            None if bias is None else bias.to(dtype))
        else:
            # the conv mixes along the token axis: (N, L, D) -> (N, D, L)
            # and back
            conv = self.conv1(x.transpose(1, 2)).transpose(1, 2)
        return self.norm1(x + self.act(conv))

    def finish(self, x: Tensor, attn_out: Tensor) -> Tensor:
        """The rest of the branch, given ``Attn(LN_1(F))``."""
        g = drop_path_add(x, attn_out, self.drop_path.drop_prob, self.training)
        return self.drop_path(self.mlp(self.norm2(g)))

    def forward(self, x: Tensor, attn_mask: Tensor = None) -> Tensor:
        """(N, L, D) -> (N, L, D)."""
        f = self.attn_input(x)
        return self.finish(
            x,
            self.attn(f, f, f, attn_mask=attn_mask, need_weights=False)[0])
