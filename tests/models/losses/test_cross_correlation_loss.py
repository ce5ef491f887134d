import itertools

import pytest
import torch

from usdrl_mm.models.losses import ViewCrossCorrelationLoss, cross_correlation


def test_hand_worked_single_dimension():
    # standardised [1/sqrt2, -1/sqrt2]; R = (1/2 + 1/2) / B = 0.5
    z = torch.tensor([[1.], [-1.]])
    assert cross_correlation(z, z).item() == pytest.approx(0.25)
    assert cross_correlation(z, -z).item() == pytest.approx(2.25)


def test_hand_worked_off_diagonal():
    z = torch.tensor([[1., 1.], [-1., -1.]])
    # R = 0.5 everywhere: on-diagonal 2 * 0.25, off-diagonal 0.005 * 2 * 0.25
    assert cross_correlation(z, z).item() == pytest.approx(0.5025)


def test_constant_dimension_stays_finite():
    z = torch.randn(8, 4)
    z[:, 1] = 3.0
    assert torch.isfinite(cross_correlation(z, z))


def test_module_sums_all_unordered_pairs():
    views = [torch.randn(16, 8) for _ in range(4)]
    expected = sum(
        cross_correlation(views[a], views[b])
        for a, b in itertools.combinations(range(4), 2))
    loss = ViewCrossCorrelationLoss(loss_weight=1e-3)(views)
    assert torch.allclose(loss, 1e-3 * expected)


def test_decorrelated_identical_views_are_near_optimal():
    torch.manual_seed(0)
    z = torch.linalg.qr(torch.randn(512, 8))[0] * 512**0.5
    z = z - z.mean(0)
    random = cross_correlation(torch.randn(512, 8), torch.randn(512, 8))
    assert cross_correlation(z, z) < 0.05 < random


def test_bad_inputs():
    with pytest.raises(ValueError, match='equal'):
        cross_correlation(torch.zeros(4, 3), torch.zeros(4, 2))


def test_gram_and_d_by_d_forms_agree():
    torch.manual_seed(0)
    views = [torch.randn(6, 40, requires_grad=True) for _ in range(3)]
    gram = ViewCrossCorrelationLoss(loss_weight=1.0, gram=True)(views)
    full = ViewCrossCorrelationLoss(loss_weight=1.0, gram=False)(views)
    assert torch.allclose(gram, full, rtol=1e-5)
    g1 = torch.autograd.grad(gram, views)
    g2 = torch.autograd.grad(full, views)
    assert all(torch.allclose(a, b, atol=1e-6) for a, b in zip(g1, g2))
