from typing import Optional, Sequence

import torch
from mmaction.registry import MODELS
from torch import Tensor, nn


def variance_covariance(z: Tensor,
                        std_weight: float = 5.0,
                        eps: float = 1e-4,
                        gram: Optional[bool] = None) -> Tensor:
    """VICReg-style variance and covariance term of one (B, D) embedding
    (design.md §7.2).

    .. math::

        \\sigma_j &= \\sqrt{\\mathrm{Var}(z_{:,j}) + \\epsilon}, \\qquad
        L_{std} = \\frac{1}{D} \\sum_j \\max(0, 1 - \\sigma_j) \\\\
        C &= \\frac{(z - \\bar z)^\\top (z - \\bar z)}{B - 1}, \\qquad
        L_{cov} = \\frac{1}{D} \\sum_{i \\ne j} C_{ij}^2 \\\\
        v(z) &= w_{std} L_{std} + L_{cov}

    with the unbiased batch variance.

    When ``B < D`` the off-diagonal sum is taken from the (B, B) Gram matrix
    instead of the (D, D) covariance, with the same value:

    .. math::

        \\sum_{i \\ne j} C_{ij}^2 = \\frac{\\lVert \\tilde z \\tilde z^\\top
        \\rVert_F^2 - \\sum_j (\\sum_b \\tilde z_{bj}^2)^2}{(B - 1)^2},
        \\qquad \\tilde z = z - \\bar z

    since :math:`\\lVert A^\\top A \\rVert_F = \\lVert A A^\\top \\rVert_F`.
    That costs :math:`O(B^2 D)` instead of :math:`O(B D^2)` and never holds a
    D x D matrix (D = 4096 in USDRL, B = 32-356); the subtraction runs in
    float64 so nothing cancels. ``gram`` forces one form (None: the Gram
    form when ``B < D``).
    """
    if z.dim() != 2 or z.shape[0] < 2:
        raise ValueError('variance_covariance needs a (B>1, D) embedding, '
                         f'got {tuple(z.shape)}')
    b, d = z.shape
    zc = z - z.mean(dim=0)
    sq = zc.pow(2).sum(dim=0)  # (D,): (B - 1) * Var, the covariance diagonal
    std = torch.sqrt(sq / (b - 1) + eps)
    std_loss = torch.relu(1 - std).mean()
    return std_weight * std_loss + off_diagonal_sq_sum(zc, zc, gram) / (
        (b - 1)**2 * d)


def off_diagonal_sq_sum(a: Tensor,
                        b: Tensor,
                        gram: Optional[bool] = None) -> Tensor:
    """``sum_{i != j} (a^T b)_{ij}^2`` of two (B, D) matrices.

    Uses the (B, B) Gram matrices when ``B < D`` (``||a^T b||_F^2 =
    sum(a a^T * b b^T)``, in float64) and the (D, D) product otherwise;
    ``gram`` True / False forces one form.
    """
    if gram is None:
        gram = a.shape[0] < a.shape[1]
    if gram:
        a64, b64 = a.double(), b.double()
        gram_a = a64 @ a64.T  # (B, D) @ (D, B) -> (B, B)
        gram_b = gram_a if b is a else b64 @ b64.T
        diag = (a64 * b64).sum(dim=0)  # (D,): the diagonal of a^T b
        return ((gram_a * gram_b).sum() - diag.pow(2).sum()).to(a.dtype)
    prod = a.T @ b  # (D, B) @ (B, D) -> (D, D)
    return prod.pow(2).sum() - prod.diagonal().pow(2).sum()


@MODELS.register_module()
class VarianceCovarianceLoss(nn.Module):
    """``loss_weight * sum_k variance_covariance(z^k)`` over the views.

    Args:
        loss_weight (float): Global weight (1 in USDRL).
        std_weight (float): Weight of the variance hinge (5 in USDRL).
        eps (float): Added to the variance before the square root.
        gram (bool, optional): Force the Gram (True) or the D x D (False)
            form of the covariance term; None picks by shape. Same value.
    """

    def __init__(self,
                 loss_weight: float = 1.0,
                 std_weight: float = 5.0,
                 eps: float = 1e-4,
                 gram: Optional[bool] = None) -> None:
        super().__init__()
        self.loss_weight = loss_weight
        self.std_weight = std_weight
        self.eps = eps
        self.gram = gram

    def forward(self, views: Sequence[Tensor]) -> Tensor:
        return self.loss_weight * sum(
            variance_covariance(z, self.std_weight, self.eps, self.gram)
            for z in views)
