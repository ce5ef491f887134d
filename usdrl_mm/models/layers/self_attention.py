from typing import Optional

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.autograd.function import once_differentiable

#: Dtypes whose CPU attention runs as two batched products
#: (:func:`bmm_attention`) instead of the fused SDPA kernel.
BMM_ATTENTION_DTYPES = (torch.bfloat16, torch.float16)


def uses_bmm_attention(q: Tensor, dropout_p: float = 0.) -> bool:
    """Whether :func:`self_attention` computes ``softmax(QK^T)V`` with
    :func:`bmm_attention` for queries like ``q``: on a CPU, in bf16 (or
    fp16), without attention dropout. Everywhere else (fp32 on a CPU, any
    GPU) the fused ``scaled_dot_product_attention`` runs, as before.

    Why: at DSTE's shapes (one head of width D = 256 over L = 34-64 tokens,
    a few hundred sequences) the CPU flash kernel's bf16 backward is slower
    than its fp32 one (about 90 against 70 ms per call at 1 thread, for
    (384, 1, 64, 256) inputs), where the six bf16 batched products of the
    plain computation take 2-4 ms each on oneDNN's AMX kernels and the
    softmax of the L x L scores is cheap: an MG-FD step at hidden 256 got
    1.2x faster. The price: the scores are rounded to bf16 before the
    softmax (the fused kernel keeps them in fp32), about twice its
    rounding error on the attention output.
    """
    return (q.device.type == 'cpu' and q.dtype in BMM_ATTENTION_DTYPES
            and dropout_p == 0.)


class _BmmAttention(torch.autograd.Function):
    """``softmax(Q K^T s + B) V`` over ``(B, L, d)`` with a hand-written
    backward of four batched products (:func:`bmm_attention`)."""

    @staticmethod
    def forward(ctx, q: Tensor, k: Tensor, v: Tensor, bias: Optional[Tensor],
                scale: float) -> Tensor:
        keys = k.transpose(1, 2)
        if bias is None:
            scores = torch.bmm(q, keys).mul_(scale)
        else:
            scores = torch.baddbmm(bias, q, keys, alpha=scale)
        probs = scores.softmax(-1)
        ctx.save_for_backward(q, k, v, probs)
        ctx.scale = scale
        return torch.bmm(probs, v)

    @staticmethod
    @once_differentiable
    def backward(ctx, grad: Tensor):
        q, k, v, probs = ctx.saved_tensors
        grad = grad.contiguous()
        grad_v = torch.bmm(probs.transpose(1, 2), grad)
        # softmax backward in fp32 (or wider) on the (B, L, L) scores:
        # dS = s P * (dP - rowsum(dP * P))
        wide = torch.promote_types(q.dtype, torch.float32)
        grad_p = torch.bmm(grad, v.transpose(1, 2)).to(wide)
        p_wide = probs.to(wide)
        row = (grad_p * p_wide).sum(-1, keepdim=True)
        grad_s = grad_p.sub_(row).mul_(p_wide).mul_(ctx.scale).to(q.dtype)
        # dK from dS^T Q rather than the transpose of Q^T dS, so that every
        # gradient comes out contiguous (no copy before the projections')
        grad_q = torch.bmm(grad_s, k)
        grad_k = torch.bmm(grad_s.transpose(1, 2), q)
        return grad_q, grad_k, grad_v, None, None


def bmm_attention(q: Tensor,
                  k: Tensor,
                  v: Tensor,
                  attn_mask: Optional[Tensor] = None) -> Tensor:
    """``softmax(Q K^T / sqrt(d) + M) V`` for ``(B, L, d)`` queries, keys and
    values, as two batched matrix products and a softmax, with a backward of
    four batched products.

    The scores ``Q K^T`` are accumulated in fp32 inside the product and
    rounded to the inputs' dtype once; the softmax accumulates in fp32 and
    its probabilities are rounded once before ``P V``, as the fused kernel
    rounds them for its own ``P V`` product. The softmax backward runs in
    fp32. The ``(B, L, L)`` probabilities are kept for the backward (in the
    inputs' dtype: 3 MB for 384 sequences of 64 tokens in bf16).

    Args:
        q, k, v (Tensor): ``(B, L, d)``, contiguous for the fast kernels.
        attn_mask (Tensor, optional): ``(L, L)`` bool mask, True where a
            query may not attend (:class:`nn.MultiheadAttention`'s
            convention), or an additive float mask.
    """
    bias = None
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            bias = torch.zeros(
                attn_mask.shape, dtype=q.dtype,
                device=q.device).masked_fill_(attn_mask, float('-inf'))
        else:
            bias = attn_mask.to(q.dtype)
    return _BmmAttention.apply(q, k, v, bias, q.shape[-1]**-0.5)


def self_attention(attn: nn.MultiheadAttention,
                   x: Tensor,
                   attn_mask: Optional[Tensor] = None) -> Tensor:
    """``attn(x, x, x, attn_mask=attn_mask, need_weights=False)[0]`` for a
    batch-first :class:`nn.MultiheadAttention`, computed from the module's
    own parameters with one fused ``scaled_dot_product_attention`` call
    (:func:`bmm_attention` for bf16 on a CPU, :func:`uses_bmm_attention`).

    .. math::

        [Q; K; V] = x W_{in}^\\top + b_{in}, \\qquad
        \\mathrm{out} = \\mathrm{softmax}(Q K^\\top / \\sqrt{d_h} + M)\\,V\\,
        W_{out}^\\top + b_{out}

    per head, with no attention weights materialised by the fused kernel.
    Why not the module's ``forward``: its packed in-projection splits Q, K
    and V by indexing a ``(3, L, N, D)`` tensor, and the backward of every
    index allocates and zero-fills that whole tensor again (three times per
    call); at hidden 256 that was a fifth of an MG-FD step on a CPU. Here
    Q, K and V come from three products with row blocks of the packed
    weight. The state dict is the module's, unchanged.

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
    head_dims = dim // heads
    # three projections from row blocks of the packed weight: each comes
    # out (N, L, D) contiguous, so the head split below is a view for one
    # head, where splitting a packed (N, L, 3D) output would copy
    weights = attn.in_proj_weight.chunk(3)
    biases = (None, ) * 3 if attn.in_proj_bias is None else \
        attn.in_proj_bias.chunk(3)
    # (N, L, D) -> (N, L, H, D/H) -> (N, H, L, D/H)
    q, k, v = (F.linear(x, w, b).view(n, length, heads,
                                      head_dims).transpose(1, 2)
               for w, b in zip(weights, biases))
    dropout_p = attn.dropout if attn.training else 0.
    if uses_bmm_attention(q, dropout_p):
        # (N, H, L, D/H) -> (N H, L, D/H): a view for one head
        q, k, v = (t.reshape(n * heads, length, head_dims) for t in (q, k, v))
        out = bmm_attention(q, k, v, attn_mask).view(n, heads, length,
                                                     head_dims)
    else:
        # SDPA's boolean mask is True where attending is allowed
        out = F.scaled_dot_product_attention(
            q,
            k,
            v,
            attn_mask=None if attn_mask is None else ~attn_mask,
            dropout_p=dropout_p)
    # (N, H, L, D/H) -> (N, L, H, D/H) -> (N, L, D)
    out = out.transpose(1, 2).reshape(n, length, dim)
    return attn.out_proj(out)
