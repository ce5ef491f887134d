from typing import Optional

import torch.nn.functional as F
from torch import Tensor, nn


def self_attention(attn: nn.MultiheadAttention,
                   x: Tensor,
                   attn_mask: Optional[Tensor] = None) -> Tensor:
    """``attn(x, x, x, attn_mask=attn_mask, need_weights=False)[0]`` for a
    batch-first :class:`nn.MultiheadAttention`, computed from the module's
    own parameters with one fused ``scaled_dot_product_attention`` call.

    .. math::

        [Q; K; V] = x W_{in}^\\top + b_{in}, \\qquad
        \\mathrm{out} = \\mathrm{softmax}(Q K^\\top / \\sqrt{d_h} + M)\\,V\\,
        W_{out}^\\top + b_{out}

    per head, with no attention weights materialised. Why not the module's
    ``forward``: its packed in-projection splits Q, K and V by indexing a
    ``(3, L, N, D)`` tensor, and the backward of every index allocates and
    zero-fills that whole tensor again (three times per call); at hidden 256
    that was a fifth of an MG-FD step on a CPU. Here Q, K and V come from
    three products with row blocks of the packed weight. The state dict is
    the module's, unchanged.

    Args:
        attn (nn.MultiheadAttention): A self-attention module built with
            ``batch_first=True`` and no separate K/V projections.
        x (Tensor): ``(N, L, D)`` tokens.
        attn_mask (Tensor, optional): ``(L, L)`` bool mask, True where a
            query may not attend (the module's convention).
    """
    # ``_qkv_same_embed_dim`` is private torch API: it is what the module's
    # own forward reads to choose the packed in-projection. Fallback, should
    # a torch drop it: the public ``in_proj_weight``, which the module sets
    # to None when K and V have their own projections.
    packed = getattr(attn, '_qkv_same_embed_dim', attn.in_proj_weight
                     is not None)
    if not attn.batch_first or not packed:
        raise ValueError('self_attention needs a batch_first attention with '
                         'a packed in-projection')
    n, length, dim = x.shape
    heads = attn.num_heads
    # three projections from row blocks of the packed weight: each comes
    # out (N, L, D) contiguous, so the head split below is a view for one
    # head, where splitting a packed (N, L, 3D) output would copy
    weights = attn.in_proj_weight.chunk(3)
    biases = (None, ) * 3 if attn.in_proj_bias is None else \
        attn.in_proj_bias.chunk(3)
    # (N, L, D) -> (N, L, H, D/H) -> (N, H, L, D/H)
    q, k, v = (F.linear(x, w, b).view(n, length, heads,
                                      dim // heads).transpose(1, 2)
               for w, b in zip(weights, biases))
    # SDPA's boolean mask is True where attending is allowed
    out = F.scaled_dot_product_attention(
        q,
        k,
        v,
        attn_mask=None if attn_mask is None else ~attn_mask,
        dropout_p=attn.dropout if attn.training else 0.)
    # (N, H, L, D/H) -> (N, L, H, D/H) -> (N, L, D)
    out = out.transpose(1, 2).reshape(n, length, dim)
    return attn.out_proj(out)
