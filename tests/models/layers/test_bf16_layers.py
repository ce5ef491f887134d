"""The bf16 paths of the DST layer against fp32 and against the previous
implementation.

The previous computation is spelled out below (``reference_*``) from the
layers' own parameters: fp32 must still give it bit for bit; bf16 (autocast,
as the CPU recipe runs) must stay within bf16 rounding of it.
"""
from typing import List, Optional

import pytest
import torch
import torch.nn.functional as F
from torch import Tensor

from usdrl_mm.models.layers import DSTLayer, self_attention
from usdrl_mm.models.layers.conv_attention import ConvAttention
from usdrl_mm.models.layers.dense_shift_attention import DenseShiftAttention
from usdrl_mm.models.layers.drop_path_add import drop_path_add
from usdrl_mm.models.layers.dst_layer import autocast_bf16
from usdrl_mm.models.layers.self_attention import (bmm_attention,
                                                   uses_bmm_attention)

BF16 = torch.bfloat16


def bf16_autocast():
    return torch.autocast('cpu', dtype=BF16)


def rel_err(a: Tensor, b: Tensor) -> float:
    """max |a - b| over max |b|, in float64."""
    a, b = a.double(), b.double()
    return ((a - b).abs().max() / b.abs().max().clamp_min(1e-30)).item()


def norm_err(a: Tensor, b: Tensor) -> float:
    """||a - b|| / ||b||, in float64: for gradients, where a ReLU that
    flips near zero in bf16 moves a few sums by one term each."""
    a, b = a.double(), b.double()
    return ((a - b).norm() / b.norm().clamp_min(1e-30)).item()


# --------------------------------------------------------------------------
# the previous implementation, from the modules' parameters


def reference_self_attention(attn, x, attn_mask=None):
    """The previous ``self_attention``: SDPA for every dtype."""
    n, length, dim = x.shape
    heads = attn.num_heads
    weights = attn.in_proj_weight.chunk(3)
    biases = attn.in_proj_bias.chunk(3)
    q, k, v = (F.linear(x, w, b).view(n, length, heads,
                                      dim // heads).transpose(1, 2)
               for w, b in zip(weights, biases))
    out = F.scaled_dot_product_attention(
        q, k, v, attn_mask=None if attn_mask is None else ~attn_mask)
    return attn.out_proj(out.transpose(1, 2).reshape(n, length, dim))


def reference_shift(dsa: DenseShiftAttention, x: Tensor) -> Tensor:
    """The previous ``DenseShiftAttention.shift``: mixers on (N, D, L)."""
    xt = x.transpose(1, 2)
    if dsa.causal:
        h = F.linear(
            dsa.act(F.linear(xt, dsa.wt1.weight.tril(), dsa.wt1.bias)),
            dsa.wt2.weight.tril(), dsa.wt2.bias) + xt
    else:
        h = dsa.wt2(dsa.act(dsa.wt1(xt))) + xt
    keep = torch.zeros(dsa.seq_len, dtype=torch.bool)
    keep[::dsa.gap] = True
    return torch.where(keep, xt, h).transpose(1, 2)


def reference_dst_layer(layer: DSTLayer,
                        x: Tensor,
                        attn_mask: Optional[Tensor] = None) -> Tensor:
    """The previous ``DSTLayer.forward`` (fused attention): conv on the
    transposed tokens, SDPA, slices of the batched attention output."""
    ca, dsa = layer.ca, layer.dsa
    if layer.causal and attn_mask is None:
        length = x.shape[1]
        attn_mask = torch.ones(length, length, dtype=torch.bool).triu(1)
    n = x.shape[0]
    conv = ca.conv1(x.transpose(1, 2)).transpose(1, 2)
    f = ca.norm1(x + ca.act(conv))
    y = torch.cat([reference_shift(dsa, x), x])
    out = reference_self_attention(layer.attn, torch.cat([f, dsa.norm1(y)]),
                                   attn_mask)
    p = ca.drop_path.drop_prob
    g = drop_path_add(x, out[:n], p, layer.training)
    ca_out = ca.drop_path(ca.mlp(ca.norm2(g)))
    y = drop_path_add(y, out[n:], p, layer.training)
    y = drop_path_add(y, dsa.mlp(dsa.norm2(y)), p, layer.training)
    dsa_out = (y[:n] + y[n:]) * 0.5
    return layer.alpha * ca_out + (1 - layer.alpha) * dsa_out


def grads(out: Tensor, tensors: List[Tensor], seed: int = 1) -> List[Tensor]:
    """Gradients of a fixed random projection of ``out``."""
    gen = torch.Generator().manual_seed(seed)
    weight = torch.randn(out.shape, generator=gen)
    return torch.autograd.grad((out.float() * weight).sum(), tensors)


def make_layer(seq_len=16,
               dim=32,
               heads=1,
               causal=False,
               drop_path=0.1,
               kernel_size=1) -> DSTLayer:
    torch.manual_seed(0)
    return DSTLayer(
        embed_dims=dim,
        seq_len=seq_len,
        num_heads=heads,
        causal=causal,
        drop_path=drop_path,
        kernel_size=kernel_size)


# --------------------------------------------------------------------------
# attention


def test_bmm_attention_is_chosen_for_bf16_on_a_cpu_only():
    q = torch.zeros(2, 3, 4)
    assert not uses_bmm_attention(q)
    assert uses_bmm_attention(q.to(BF16))
    assert uses_bmm_attention(q.half())
    assert not uses_bmm_attention(q.to(BF16), dropout_p=0.1)
    assert not uses_bmm_attention(q.double())


@pytest.mark.parametrize('masked', [False, True])
def test_bmm_attention_equals_sdpa_in_float64(masked):
    """The maths (forward and the hand-written backward) is SDPA's."""
    torch.manual_seed(0)
    q, k, v = (
        torch.randn(6, 10, 8, dtype=torch.float64, requires_grad=True)
        for _ in range(3))
    mask = torch.ones(10, 10, dtype=torch.bool).triu(1) if masked else None
    ref = F.scaled_dot_product_attention(
        q, k, v, attn_mask=None if mask is None else ~mask)
    out = bmm_attention(q, k, v, mask)
    assert torch.allclose(out, ref, atol=1e-12)
    for a, b in zip(grads(out, [q, k, v]), grads(ref, [q, k, v])):
        assert torch.allclose(a, b, atol=1e-10)
    # an additive float mask is added to the scaled scores
    bias = torch.randn(10, 10, dtype=torch.float64)
    ref = F.scaled_dot_product_attention(q, k, v, attn_mask=bias)
    assert torch.allclose(bmm_attention(q, k, v, bias), ref, atol=1e-12)


@pytest.mark.parametrize('masked', [False, True])
def test_bmm_attention_in_bf16_is_close_to_fp32(masked):
    torch.manual_seed(0)
    q, k, v = (torch.randn(12, 64, 32) for _ in range(3))
    mask = torch.ones(64, 64, dtype=torch.bool).triu(1) if masked else None
    leaves32 = [t.clone().requires_grad_() for t in (q, k, v)]
    leaves16 = [t.to(BF16).requires_grad_() for t in (q, k, v)]
    ref = F.scaled_dot_product_attention(
        *leaves32, attn_mask=None if mask is None else ~mask)
    out = bmm_attention(*leaves16, mask)
    assert out.dtype == BF16
    assert rel_err(out, ref) < 3e-2
    for a, b in zip(grads(out, leaves16), grads(ref, leaves32)):
        assert a.dtype == BF16 and torch.isfinite(a).all()
        assert norm_err(a, b) < 2e-2


@pytest.mark.parametrize('heads', [1, 4])
def test_self_attention_fp32_is_unchanged(heads):
    """fp32 still runs the fused SDPA call: bit for bit the previous
    result, forward and backward."""
    torch.manual_seed(0)
    attn = torch.nn.MultiheadAttention(32, heads, batch_first=True)
    x = torch.randn(3, 12, 32, requires_grad=True)
    mask = torch.ones(12, 12, dtype=torch.bool).triu(1)
    for m in (None, mask):
        out = self_attention(attn, x, m)
        ref = reference_self_attention(attn, x, m)
        assert torch.equal(out, ref)
        params = [x, attn.in_proj_weight, attn.out_proj.weight]
        for a, b in zip(grads(out, params), grads(ref, params)):
            assert torch.equal(a, b)


@pytest.mark.parametrize('heads', [1, 4])
def test_self_attention_under_bf16_autocast_is_close_to_fp32(heads):
    torch.manual_seed(0)
    attn = torch.nn.MultiheadAttention(32, heads, batch_first=True)
    x = torch.randn(4, 16, 32)
    mask = torch.ones(16, 16, dtype=torch.bool).triu(1)
    for m in (None, mask):
        ref = attn(x, x, x, attn_mask=m, need_weights=False)[0]
        params = [attn.in_proj_weight, attn.in_proj_bias, attn.out_proj.weight]
        g_ref = grads(ref, params)
        with bf16_autocast():
            out = self_attention(attn, x, m)
        assert out.dtype == BF16
        assert rel_err(out, ref) < 3e-2
        for a, b in zip(grads(out, params), g_ref):
            assert a.dtype == torch.float32 and torch.isfinite(a).all()
            assert norm_err(a, b) < 2e-2


# --------------------------------------------------------------------------
# dense shift, conv, DropPath


@pytest.mark.parametrize('causal', [False, True])
def test_tokens_first_shift_matches_the_transposed_one(causal):
    torch.manual_seed(0)
    dsa = DenseShiftAttention(
        32,
        seq_len=18,
        attn=torch.nn.MultiheadAttention(32, 1),
        gap=4,
        causal=causal)
    x = torch.randn(5, 18, 32)
    # fp32 keeps the previous computation, bit for bit
    assert torch.equal(dsa.shift(x), reference_shift(dsa, x))
    # the batched form is the same maths (float64, either entry point)
    dsa64, x64 = dsa.double(), x.double()
    assert torch.allclose(
        dsa64.shift_tokens_first(x64), reference_shift(dsa64, x64), atol=1e-12)
    dsa.float()
    # bf16 takes it, and keeps every gap-th token exactly
    xb = x.to(BF16).requires_grad_()
    with bf16_autocast():
        h = dsa.shift(xb)
    assert h.dtype == BF16
    assert torch.equal(h[:, ::4], xb[:, ::4])
    assert rel_err(h, reference_shift(dsa, x)) < 2e-2
    # the kept tokens' rows of the second mixer get no gradient
    g_w1, g_w2, g_b2 = grads(h, [dsa.wt1.weight, dsa.wt2.weight, dsa.wt2.bias])
    assert g_w2[::4].abs().sum() == 0 and g_b2[::4].abs().sum() == 0
    assert g_w2[1::4].abs().sum() > 0
    if causal:  # nothing above the diagonal reaches the output
        assert g_w1.triu(1).abs().sum() == 0
        assert g_w2.triu(1).abs().sum() == 0


def test_pointwise_conv_runs_as_a_linear_layer_in_bf16():
    """kernel_size 1 in bf16: the linear layer agrees with the bf16 conv
    it replaces (forward and gradients) and with fp32 (forward)."""
    torch.manual_seed(0)
    ca = ConvAttention(32, attn=torch.nn.MultiheadAttention(32, 1))
    x = torch.randn(8, 10, 32)
    ref = ca.attn_input(x)
    params = [ca.conv1.weight, ca.conv1.bias]
    with bf16_autocast():
        out = ca.attn_input(x.to(BF16))
        conv = ca.conv1(x.to(BF16).transpose(1, 2)).transpose(1, 2)
        by_conv = ca.norm1(x.to(BF16) + ca.act(conv))
    assert out.dtype == by_conv.dtype == BF16
    assert rel_err(out, ref) < 2e-2
    assert rel_err(out, by_conv) < 1e-2
    for a, b in zip(grads(out, params), grads(by_conv, params)):
        assert a.shape == b.shape and torch.isfinite(a).all()
        assert norm_err(a, b) < 1e-2
    # a wider kernel keeps the conv
    wide = ConvAttention(
        32, attn=torch.nn.MultiheadAttention(32, 1), kernel_size=3)
    with bf16_autocast():
        out = wide.attn_input(x.to(BF16))
    assert rel_err(out, wide.attn_input(x)) < 2e-2


def test_drop_path_add_draws_the_same_samples_in_bf16():
    x, r = torch.randn(256, 3, 4), torch.randn(256, 3, 4)
    torch.manual_seed(7)
    out32 = drop_path_add(r, x, 0.3)
    torch.manual_seed(7)
    out16 = drop_path_add(r.to(BF16), x.to(BF16), 0.3)
    assert out16.dtype == BF16
    dropped32 = torch.isclose(out32, r).all(dim=(1, 2))
    dropped16 = (out16 == r.to(BF16)).all(dim=(1, 2))
    assert torch.equal(dropped32, dropped16)
    assert 0 < dropped32.sum() < 256
    assert rel_err(out16, out32) < 2e-2


# --------------------------------------------------------------------------
# the whole layer


def test_autocast_bf16_casts_only_under_a_bf16_autocast():
    x = torch.randn(2, 3)
    assert autocast_bf16(x) is x
    with bf16_autocast():
        assert autocast_bf16(x).dtype == BF16
        assert autocast_bf16(torch.arange(3)).dtype == torch.int64
    with torch.autocast('cpu', dtype=torch.float16):
        assert autocast_bf16(x) is x


@pytest.mark.parametrize('causal', [False, True])
@pytest.mark.parametrize('train', [False, True])
def test_dst_layer_fp32_is_unchanged(causal, train):
    """Outputs and gradients bit for bit the previous implementation's, with
    DropPath drawing the same samples from the same seed."""
    layer = make_layer(causal=causal).train(train)
    x = torch.randn(6, 16, 32, requires_grad=True)
    torch.manual_seed(3)
    out = layer(x)
    torch.manual_seed(3)
    ref = reference_dst_layer(layer, x)
    assert torch.equal(out, ref)
    params = [x] + list(layer.parameters())
    for a, b in zip(grads(out, params), grads(ref, params)):
        assert torch.equal(a, b)


@pytest.mark.parametrize('heads', [1, 2])
@pytest.mark.parametrize('causal', [False, True])
def test_dst_layer_under_bf16_autocast_is_close_to_fp32(heads, causal):
    """Within bf16 rounding of fp32, and not far from the previous bf16
    computation's own error (whose residual stream was fp32: about 0.5 %
    on the gradients where this one's bf16 stream gives about 1.5 %)."""
    layer = make_layer(seq_len=24, dim=64, heads=heads, causal=causal)
    layer.train()
    x = torch.randn(8, 24, 64)
    params = list(layer.parameters())
    torch.manual_seed(3)
    ref = reference_dst_layer(layer, x)
    g_ref = grads(ref, params)
    torch.manual_seed(3)  # the same DropPath samples
    with bf16_autocast():
        before = reference_dst_layer(layer, x)
    g_before = grads(before, params)
    torch.manual_seed(3)
    with bf16_autocast():
        out = layer(x)
    assert out.dtype == BF16  # the residual stream stayed in bf16
    assert rel_err(out, ref) < 2e-2
    g_out = grads(out, params)
    for p, a, b, r in zip(params, g_out, g_before, g_ref):
        assert a.dtype == p.dtype == torch.float32
        assert torch.isfinite(a).all()
        if r.abs().max() > 0:
            assert norm_err(a, r) < 5e-2
            assert norm_err(a, r) < norm_err(b, r) + 1.5e-2
        else:  # the rows that never reach the output
            assert a.abs().max() == 0


def test_dst_layer_with_a_wider_conv_under_bf16_autocast():
    """kernel_size > 1 keeps the conv in bf16 too."""
    layer = make_layer(kernel_size=3, drop_path=0.).eval()
    x = torch.randn(4, 16, 32)
    ref = layer(x)
    with bf16_autocast():
        out = layer(x)
    assert out.dtype == BF16 and rel_err(out, ref) < 3e-2
