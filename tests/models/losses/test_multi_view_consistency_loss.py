import pytest
import torch
from mmaction.registry import MODELS

from usdrl_mm.models.losses import (MultiViewConsistencyLoss,
                                    consistency_distance, cross_correlation,
                                    multi_view_consistency)


def hand_views():
    # centre of the two augmented views: [[1, 0], [0, 1]]
    views = [
        torch.tensor([[0., 0.], [0., 0.]]),
        torch.tensor([[2., 0.], [0., 2.]])
    ]
    virtual = [torch.tensor([[1., 0.], [0., 2.]])]
    return virtual, views


def test_hand_worked_values():
    virtual, views = hand_views()
    # squared errors to the centre: 0, 0, 0, 1 over 4 elements
    assert multi_view_consistency(virtual, views, 'mse').tolist() == [0.25]
    # both rows point the same way as the centre: cosine ignores the norm
    assert multi_view_consistency(virtual, views, 'cosine').abs().item() \
        < 1e-6
    z = torch.randn(16, 4, generator=torch.Generator().manual_seed(0))
    w = torch.randn(16, 4, generator=torch.Generator().manual_seed(1))
    assert torch.allclose(
        multi_view_consistency([z], [w, w], 'xcorr'),
        cross_correlation(z, w).view(1))


def test_cosine_of_orthogonal_and_opposite_rows():
    a = torch.tensor([[1., 0.], [1., 0.]])
    b = torch.tensor([[0., 3.], [-2., 0.]])
    # 1 - cos: 1 for the orthogonal row, 2 for the opposite row
    assert consistency_distance(a, b, 'cosine').item() == pytest.approx(1.5)


@pytest.mark.parametrize('metric', ['mse', 'cosine'])
def test_zero_when_the_views_agree(metric):
    z = torch.randn(8, 6)
    assert multi_view_consistency([z, z.clone()], [z, z, z],
                                  metric).abs().max() < 1e-6


def test_xcorr_of_identical_views_keeps_only_the_off_diagonal():
    z = torch.randn(32, 5)
    # unbiased std but a 1/B normalisation (as the original): R_ii = 31/32,
    # so the diagonal leaves D * (1/B)^2
    assert consistency_distance(
        z, z, 'xcorr', off_diag_weight=0.).item() == pytest.approx(
            5 / 32**2, rel=1e-4)
    assert consistency_distance(z, z, 'xcorr', off_diag_weight=1.) > 1e-3


def test_gradient_reaches_the_virtual_view_only_by_default():
    virtual = [torch.randn(4, 3, requires_grad=True)]
    views = [torch.randn(4, 3, requires_grad=True) for _ in range(3)]
    MultiViewConsistencyLoss()(virtual, views).backward()
    assert virtual[0].grad.abs().sum() > 0
    assert all(v.grad is None for v in views)

    views = [torch.randn(4, 3, requires_grad=True) for _ in range(3)]
    MultiViewConsistencyLoss(detach_target=False)(virtual, views).backward()
    assert all(v.grad.abs().sum() > 0 for v in views)


def test_mse_gradient_matches_the_formula():
    virtual, views = hand_views()
    v = virtual[0].requires_grad_()
    MultiViewConsistencyLoss(loss_weight=2.)([v], views).backward()
    centre = (views[0] + views[1]) / 2
    # d/dv of 2 * mean((v - c)^2) = 4 (v - c) / numel
    assert torch.allclose(v.grad, 4 * (v.detach() - centre) / v.numel())


def test_weight_and_reduction():
    virtual, views = hand_views()
    virtual = virtual + [views[0]]  # second virtual view: distance 0.5
    loss = MultiViewConsistencyLoss(loss_weight=4.)
    assert loss(virtual, views, reduction='none').tolist() == [1.0, 2.0]
    assert loss(virtual, views).item() == pytest.approx(1.5)
    zero = MODELS.build(dict(type='MultiViewConsistencyLoss', loss_weight=0.))
    assert zero(virtual, views).item() == 0


def test_errors():
    with pytest.raises(ValueError, match='metric'):
        MultiViewConsistencyLoss(metric='l1')
    with pytest.raises(ValueError, match='shape'):
        multi_view_consistency([torch.zeros(2, 3)], [torch.zeros(2, 4)])
    with pytest.raises(ValueError, match='virtual and augmented'):
        multi_view_consistency([], [torch.zeros(2, 3)])
    with pytest.raises(ValueError, match='reduction'):
        MultiViewConsistencyLoss()([torch.zeros(2, 3)], [torch.zeros(2, 3)],
                                   reduction='sum')


def test_distances_to_target_one_per_embedding_and_stop_gradient():
    from usdrl_mm.models.losses.multi_view_consistency_loss import \
        distances_to_target
    online = [torch.randn(4, 3, requires_grad=True) for _ in range(3)]
    target = torch.randn(4, 3, requires_grad=True)
    d = distances_to_target(online, target, 'mse', detach_target=True)
    assert d.shape == (3, )
    for g, z in enumerate(online):
        torch.testing.assert_close(d[g], ((z - target)**2).mean())
    d.sum().backward()
    assert target.grad is None
    assert all(z.grad is not None for z in online)
    # without the stop-gradient the target is pulled too
    distances_to_target(online, target, 'mse', False).sum().backward()
    assert target.grad is not None and target.grad.abs().sum() > 0
