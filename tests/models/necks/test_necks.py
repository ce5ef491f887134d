import pytest
import torch

from usdrl_mm.models import MGFDProjector, USDRLPoolNeck


def test_pool_neck_is_max_per_stream_temporal_first():
    yt = torch.randn(3, 16, 8)
    ys = torch.randn(3, 50, 8)
    out = USDRLPoolNeck()((yt, ys))
    assert out.shape == (3, 16)
    assert torch.equal(out[:, :8], yt.amax(1))
    assert torch.equal(out[:, 8:], ys.amax(1))


def test_projector_dims_follow_the_spec():
    proj = MGFDProjector(in_channels=32)
    proj.init_weights()
    z = proj(torch.randn(6, 64))
    assert z['t'].shape == (6, 64) and z['s'].shape == (6, 64)
    assert z['i'].shape == (6, 128)
    # BN only after the first two linears, indices as the original
    assert isinstance(proj.t_proj[1], torch.nn.BatchNorm1d)
    assert isinstance(proj.t_proj[6], torch.nn.Linear)
    # design.md §4.7 at D = 1024: 10,500,096 / 10,500,096 / 16,793,600
    big = MGFDProjector(in_channels=1024)
    sizes = [
        sum(p.numel() for p in m.parameters())
        for m in (big.t_proj, big.s_proj, big.i_proj)
    ]
    assert sizes == [10_500_096, 10_500_096, 16_793_600]


def test_projector_routes_halves():
    proj = MGFDProjector(in_channels=4).eval()
    x = torch.randn(5, 8)
    x2 = x.clone()
    x2[:, 4:] += 1  # change only the spatial half
    a, b = proj(x), proj(x2)
    assert torch.equal(a['t'], b['t'])
    assert not torch.allclose(a['s'], b['s'])


def test_projector_rejects_wrong_width():
    with pytest.raises(ValueError, match='pooled features'):
        MGFDProjector(in_channels=4)(torch.randn(2, 6))
