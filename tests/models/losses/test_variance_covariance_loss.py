import math

import pytest
import torch

from usdrl_mm.models.losses import VarianceCovarianceLoss, variance_covariance
from usdrl_mm.models.losses.variance_covariance_loss import off_diagonal_sq_sum


def test_hand_worked_variance_hinge():
    # column 0: var 2 -> std > 1, no hinge; column 1: var 0 -> std 0.01
    z = torch.tensor([[1., 0.], [-1., 0.]])
    expected = 5 * (0 + (1 - math.sqrt(1e-4))) / 2
    assert variance_covariance(z).item() == pytest.approx(expected)


def test_hand_worked_covariance():
    # cov = [[2, 2], [2, 2]]: off-diagonal squares 8, divided by D = 2
    z = torch.tensor([[1., 1.], [-1., -1.]])
    assert variance_covariance(z).item() == pytest.approx(4.0)


def test_whitened_features_give_near_zero():
    torch.manual_seed(0)
    z = torch.randn(256, 16, dtype=torch.float64)
    z = z - z.mean(0)
    cov = z.T @ z / (z.shape[0] - 1)
    evals, evecs = torch.linalg.eigh(cov)
    z = z @ evecs @ torch.diag(evals.rsqrt()) @ evecs.T  # covariance = I
    assert variance_covariance(z).item() < 1e-10
    # and correlated features are penalised
    assert variance_covariance(z @ torch.ones(16, 16, dtype=z.dtype)) > 1


def test_module_sums_over_views():
    views = [torch.randn(8, 4) for _ in range(3)]
    loss = VarianceCovarianceLoss(loss_weight=2.0)(views)
    assert torch.allclose(loss, 2 * sum(variance_covariance(v) for v in views))


def test_needs_more_than_one_sample():
    with pytest.raises(ValueError, match='B>1'):
        variance_covariance(torch.zeros(1, 4))


def reference_off_diagonal(a, b):
    prod = a.T @ b  # the (D, D) matrix, built explicitly
    mask = ~torch.eye(prod.shape[0], dtype=torch.bool)
    return prod[mask].pow(2).sum()


@pytest.mark.parametrize('shape', [(8, 64), (64, 8)])
def test_gram_form_equals_the_d_by_d_form(shape):
    torch.manual_seed(0)
    a = torch.randn(*shape, dtype=torch.float64, requires_grad=True)
    b = torch.randn(*shape, dtype=torch.float64, requires_grad=True)
    for x, y in ((a, b), (a, a)):
        fast = off_diagonal_sq_sum(x, y)
        ref = reference_off_diagonal(x, y)
        assert torch.allclose(fast, ref, rtol=1e-10)
        ga = torch.autograd.grad(fast, (a, b), allow_unused=True)
        gr = torch.autograd.grad(ref, (a, b), allow_unused=True)
        for g1, g2 in zip(ga, gr):
            assert (g1 is None) == (g2 is None)
            if g1 is not None:
                assert torch.allclose(g1, g2, rtol=1e-8)


def test_float32_gram_form_keeps_precision():
    torch.manual_seed(0)
    z = torch.randn(32, 2048)
    zc = z - z.mean(0)
    ref = reference_off_diagonal(zc.double(), zc.double())
    assert torch.allclose(off_diagonal_sq_sum(zc, zc).double(), ref, rtol=1e-5)


def test_module_forms_agree():
    torch.manual_seed(0)
    views = [torch.randn(6, 40) for _ in range(2)]
    assert torch.allclose(
        VarianceCovarianceLoss(gram=True)(views),
        VarianceCovarianceLoss(gram=False)(views),
        rtol=1e-5)
