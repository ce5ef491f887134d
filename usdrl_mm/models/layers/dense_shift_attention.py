from typing import Tuple

import torch
import torch.nn.functional as F
from mmcv.cnn.bricks import DropPath
from torch import Tensor, nn

from .drop_path_add import LOW_PRECISION, drop_path_add
from .mlp import Mlp


class DenseShiftAttention(nn.Module):
    """DSA, the dense-shift-attention branch of a DST layer (design.md §4.4).

    .. math::

        H &= W_2\\,\\mathrm{ReLU}(W_1 X) + X
            \\quad (W_1, W_2 \\in \\mathbb{R}^{L\\times L}
            \\text{ act on the token axis}) \\\\
        H_j &= x_j \\quad \\text{for } j \\in \\{0, g, 2g, \\dots\\} \\\\
        P(y) &= y' + \\mathrm{DP}(\\mathrm{MLP}(\\mathrm{LN}_2(y'))), \\quad
            y' = y + \\mathrm{DP}(\\mathrm{Attn}(\\mathrm{LN}_1(y))) \\\\
        \\mathrm{DSA}(x) &= (P(H) + P(x)) / 2

    Both branches use the same norms, MLP and (layer-shared) attention, so
    they run as one batched pass over ``[H; x]``; DropPath still draws
    independently for every sample of either branch.

    Args:
        embed_dims (int): Token width D.
        seq_len (int): Token count L (the token mixers are ``Linear(L, L)``).
        attn (nn.MultiheadAttention): The attention module, shared with the
            CA branch of the same layer.
        gap (int): Every ``gap``-th token skips the token mixer.
        mlp_ratio (float): MLP hidden width over D.
        drop_path (float): DropPath rate.
        causal (bool): Token ``j`` of the mixers only reads tokens ``<= j``
            (lower-triangular ``W_1``, ``W_2``). The attention mask is
            passed to ``forward`` separately.
    """

    def __init__(self,
                 embed_dims: int,
                 seq_len: int,
                 attn: nn.MultiheadAttention,
                 gap: int = 4,
                 mlp_ratio: float = 2.,
                 drop_path: float = 0.1,
                 causal: bool = False) -> None:
        super().__init__()
        if gap < 1:
            raise ValueError(f'gap must be >= 1, got {gap}')
        self.seq_len = seq_len
        self.gap = gap
        self.causal = causal
        self.attn = attn
        self.wt1 = nn.Linear(seq_len, seq_len)
        self.wt2 = nn.Linear(seq_len, seq_len)
        self.act = nn.ReLU()
        self.norm1 = nn.LayerNorm(embed_dims)
        self.norm2 = nn.LayerNorm(embed_dims)
        self.mlp = Mlp(embed_dims, int(embed_dims * mlp_ratio))
        self.drop_path = DropPath(drop_path)

    def shift(self, x: Tensor) -> Tensor:
        """The dense shift: token mixing with every ``gap``-th token kept.

        (N, L, D) -> (N, L, D). A bf16 / fp16 ``x`` takes
        :meth:`shift_tokens_first` (same maths, no transposes).
        """
        if x.dtype in LOW_PRECISION:
            return self.shift_tokens_first(x)
        xt = x.transpose(1, 2)  # (N, L, D) -> (N, D, L): mix along tokens
        if self.causal:  # output token j reads input tokens i <= j only
            h = F.linear(
                self.act(F.linear(xt, self.wt1.weight.tril(), self.wt1.bias)),
                self.wt2.weight.tril(), self.wt2.bias) + xt
        else:
            h = self.wt2(self.act(self.wt1(xt))) + xt
        keep = torch.zeros(self.seq_len, dtype=torch.bool, device=x.device)
        keep[::self.gap] = True
        # every gap-th token bypasses the token mixer
        h = torch.where(keep, xt, h)
        return h.transpose(1, 2)

    def shift_tokens_first(self, x: Tensor) -> Tensor:
        """:meth:`shift` on ``(N, L, D)`` as it is: the token mixers as
        batched products ``W (L, L) @ x_n (L, D)``, in ``x``'s dtype.

        .. math::

            H = (W_2 \\odot m)\\,\\mathrm{ReLU}(W_1 X + b_1)
                + b_2 \\odot m + X

        with ``m`` the column of ones with zeros at the kept tokens, so a
        kept token gets ``X + 0`` exactly, as :meth:`shift` gives it, and
        its rows of ``W_2``, ``b_2`` get zero gradient, as there. For bf16
        this is about twice as fast as :meth:`shift`, whose products on the
        transposed ``(N, D, L)`` tokens copy them to and from that layout
        (and whose ``where`` makes two more passes in the backward).
        """
        n, length = x.shape[:2]
        w1, w2 = self.wt1.weight, self.wt2.weight
        if self.causal:  # output token j reads input tokens i <= j only
            w1, w2 = w1.tril(), w2.tril()
        mixed = torch.ones(length, dtype=w2.dtype, device=x.device)
        mixed[::self.gap] = 0  # every gap-th token bypasses the mixer
        w2 = w2 * mixed[:, None]
        b2 = self.wt2.bias * mixed
        dtype = x.dtype
        hidden = self.act(
            torch.baddbmm(
                self.wt1.bias.to(dtype)[:, None],
                w1.to(dtype).expand(n, length, length), x))
        return torch.baddbmm(
            torch.add(x,
                      b2.to(dtype)[:, None]),
            w2.to(dtype).expand(n, length, length), hidden)

    def attn_input(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        """Both branches stacked, ``y = [H; x]`` (2N, L, D), and what the
        attention reads, ``LN_1(y)``."""
        y = torch.cat([self.shift(x), x])  # (2N, L, D): both branches
        return y, self.norm1(y)

    def finish(self, y: Tensor, attn_out: Tensor) -> Tensor:
        """The rest of both branches and their mean, given
        ``Attn(LN_1(y))``: (2N, L, D) -> (N, L, D)."""
        n = y.shape[0] // 2
        p = self.drop_path.drop_prob
        y = drop_path_add(y, attn_out, p, self.training)
        y = drop_path_add(y, self.mlp(self.norm2(y)), p, self.training)
        # split, not slices: one concatenation in the backward instead of
        # two zero-filled (2N, L, D) gradients added
        shifted, plain = y.split([n, y.shape[0] - n])
        return (shifted + plain) * 0.5

    def forward(self, x: Tensor, attn_mask: Tensor = None) -> Tensor:
        """(N, L, D) -> (N, L, D)."""
        y, q = self.attn_input(x)
        return self.finish(
            y,
            self.attn(q, q, q, attn_mask=attn_mask, need_weights=False)[0])
