import pytest
import torch

from usdrl_mm.models.losses import (MultiViewSimilarityLoss,
                                    multi_view_similarity)


def scalars(*values):
    return [torch.tensor([[float(v)]]) for v in values]


def test_hand_worked_four_views():
    # anchor z3 = 4: (0-4)^2 + (1-4)^2 + (2-4)^2 = 29
    # centre of z0..z2 = 1: 1 + 0 + 1 = 2
    assert multi_view_similarity(scalars(0, 1, 2, 4)).item() == 31.0


def test_mse_averages_over_batch_and_dims():
    views = [torch.zeros(2, 3), torch.ones(2, 3)]
    # K=2: anchor 1, centre = z0: MSE(z0, z1) + MSE(z0, z0) = 1
    assert multi_view_similarity(views).item() == 1.0


def test_identical_views_give_zero():
    z = torch.randn(8, 16)
    assert multi_view_similarity([z.clone() for _ in range(4)]).item() < 1e-12


def test_anchor_is_configurable():
    views = scalars(4, 0, 1, 2)
    assert multi_view_similarity(views, anchor=0).item() == 31.0


def test_module_applies_its_weight_and_gradients_flow():
    views = [torch.randn(4, 8, requires_grad=True) for _ in range(4)]
    loss = MultiViewSimilarityLoss(loss_weight=5.0)(views)
    assert torch.allclose(loss, 5 * multi_view_similarity(views))
    loss.backward()
    assert all(v.grad is not None and v.grad.abs().sum() > 0 for v in views)


def test_bad_inputs():
    with pytest.raises(ValueError, match='at least 2 views'):
        multi_view_similarity([torch.zeros(2, 3)])
    with pytest.raises(ValueError, match='shape'):
        multi_view_similarity([torch.zeros(2, 3), torch.zeros(2, 4)])
