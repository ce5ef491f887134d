import pytest
import torch

from usdrl_mm.models.layers import (ConvAttention, DenseShiftAttention,
                                    DSTLayer, self_attention,
                                    sinusoidal_positions)


def test_shared_attention_is_one_module():
    layer = DSTLayer(embed_dims=32, seq_len=16)
    assert layer.ca.attn is layer.dsa.attn is layer.attn
    names = [k for k in layer.state_dict() if 'in_proj_weight' in k]
    assert sorted(names) == [
        'ca.attn.in_proj_weight', 'dsa.attn.in_proj_weight'
    ]
    # counted once as a parameter
    n_attn = sum(p.numel() for p in layer.attn.parameters())
    n_ca = sum(p.numel() for p in layer.ca.parameters())
    n_dsa = sum(p.numel() for p in layer.dsa.parameters())
    assert sum(p.numel() for p in layer.parameters()) == n_ca + n_dsa - n_attn


def test_alpha_mixes_the_two_branches():
    torch.manual_seed(0)
    layer = DSTLayer(embed_dims=16, seq_len=8, alpha=0.3, drop_path=0.).eval()
    x = torch.randn(2, 8, 16)
    expected = 0.3 * layer.ca(x) + 0.7 * layer.dsa(x)
    # the layer runs CA's and DSA's attention as one batched call
    assert torch.allclose(layer(x), expected, atol=1e-6)
    mask = torch.ones(8, 8, dtype=torch.bool).triu(1)
    expected = 0.3 * layer.ca(x, mask) + 0.7 * layer.dsa(x, mask)
    assert torch.allclose(layer(x, mask), expected, atol=1e-6)
    layer.fuse_attention = False
    assert torch.allclose(layer(x, mask), expected, atol=1e-6)


def test_dense_shift_keeps_every_gap_th_token():
    torch.manual_seed(0)
    dsa = DenseShiftAttention(
        16, seq_len=10, attn=torch.nn.MultiheadAttention(16, 1), gap=4)
    x = torch.randn(3, 10, 16)
    h = dsa.shift(x)
    for j in range(10):
        if j % 4 == 0:
            assert torch.equal(h[:, j], x[:, j])
        else:
            assert not torch.allclose(h[:, j], x[:, j])
    # the token mixers act on the token axis: H = W2 relu(W1 X) + X
    xt = x.transpose(1, 2)
    mixed = (dsa.wt2(torch.relu(dsa.wt1(xt))) + xt).transpose(1, 2)
    assert torch.allclose(h[:, 1], mixed[:, 1])


def test_dsa_batched_branches_equal_separate_branches():
    torch.manual_seed(0)
    attn = torch.nn.MultiheadAttention(16, 2, batch_first=True)
    dsa = DenseShiftAttention(16, seq_len=12, attn=attn, drop_path=0.).eval()
    x = torch.randn(3, 12, 16)

    def branch(y):
        q = dsa.norm1(y)
        y = y + attn(q, q, q)[0]
        return y + dsa.mlp(dsa.norm2(y))

    expected = (branch(dsa.shift(x)) + branch(x)) / 2
    assert torch.allclose(dsa(x), expected, atol=1e-6)


def test_conv_attention_matches_its_definition():
    torch.manual_seed(0)
    attn = torch.nn.MultiheadAttention(16, 1, batch_first=True)
    ca = ConvAttention(16, attn=attn, kernel_size=3, drop_path=0.).eval()
    x = torch.randn(2, 9, 16)
    f = x + torch.relu(ca.conv1(x.transpose(1, 2)).transpose(1, 2))
    q = ca.norm1(f)
    g = x + attn(q, q, q)[0]  # residual from the block input, not f
    expected = ca.mlp(ca.norm2(g))  # no MLP residual
    out = ca(x)
    assert out.shape == x.shape
    assert torch.allclose(out, expected, atol=1e-6)


def test_even_kernel_is_rejected():
    with pytest.raises(ValueError, match='odd kernel_size'):
        ConvAttention(
            16, attn=torch.nn.MultiheadAttention(16, 1), kernel_size=2)


def test_sinusoidal_rows_do_not_depend_on_length():
    short, long = sinusoidal_positions(64, 32), sinusoidal_positions(200, 32)
    assert torch.equal(short, long[:64])
    assert torch.allclose(long[5, 0], torch.sin(torch.tensor(5.)))
    assert torch.allclose(long[5, 1], torch.cos(torch.tensor(5.)))
    # PE[p, 2i] = sin(p / 10000^(2i/d))
    assert torch.allclose(long[7, 6],
                          torch.sin(torch.tensor(7 / 10000**(6 / 32))))


@pytest.mark.parametrize('heads', [1, 4])
def test_self_attention_equals_the_module(heads):
    torch.manual_seed(0)
    attn = torch.nn.MultiheadAttention(16, heads, batch_first=True)
    x = torch.randn(3, 10, 16, requires_grad=True)
    mask = torch.ones(10, 10, dtype=torch.bool).triu(1)
    for m in (None, mask):
        ref = attn(x, x, x, attn_mask=m, need_weights=False)[0]
        out = self_attention(attn, x, m)
        assert torch.allclose(out, ref, atol=1e-6)
        g_ref = torch.autograd.grad(ref.square().sum(),
                                    [x, attn.in_proj_weight])
        g_out = torch.autograd.grad(out.square().sum(),
                                    [x, attn.in_proj_weight])
        assert all(
            torch.allclose(a, b, atol=1e-5) for a, b in zip(g_ref, g_out))


def test_self_attention_without_the_private_packed_flag():
    """``_qkv_same_embed_dim`` is private torch API; without it the public
    ``in_proj_weight`` decides."""
    torch.manual_seed(0)
    attn = torch.nn.MultiheadAttention(16, 4, batch_first=True)
    x = torch.randn(2, 5, 16)
    ref = attn(x, x, x, need_weights=False)[0]
    del attn._qkv_same_embed_dim  # the module's forward needs it, we do not
    assert torch.allclose(self_attention(attn, x), ref, atol=1e-6)
    # separate K/V projections: refused as before
    split = torch.nn.MultiheadAttention(16, 4, kdim=8, batch_first=True)
    del split._qkv_same_embed_dim
    with pytest.raises(ValueError, match='packed in-projection'):
        self_attention(split, x)


def test_drop_path_add_matches_mmcv_drop_path():
    from mmcv.cnn.bricks import DropPath

    from usdrl_mm.models.layers.drop_path_add import drop_path_add
    x, r = torch.randn(64, 5, 8), torch.randn(64, 5, 8)
    torch.manual_seed(3)
    ref = r + DropPath(0.3).train()(x)
    torch.manual_seed(3)
    out = drop_path_add(r, x, 0.3)
    assert torch.allclose(out, ref, atol=1e-6)
    dropped = (out - r).abs().sum(dim=(1, 2)) == 0
    assert 0 < dropped.sum() < 64  # some samples dropped, not all
    assert torch.equal(drop_path_add(r, x, 0.3, training=False), r + x)
