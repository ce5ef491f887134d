from typing import Sequence

import torch
from mmaction.registry import MODELS
from torch import Tensor, nn


def variance_covariance(z: Tensor,
                        std_weight: float = 5.0,
                        eps: float = 1e-4) -> Tensor:
    """VICReg-style variance and covariance term of one (B, D) embedding
    (SPEC §7.2).

    .. math::

        \\sigma_j &= \\sqrt{\\mathrm{Var}(z_{:,j}) + \\epsilon}, \\qquad
        L_{std} = \\frac{1}{D} \\sum_j \\max(0, 1 - \\sigma_j) \\\\
        C &= \\frac{(z - \\bar z)^\\top (z - \\bar z)}{B - 1}, \\qquad
        L_{cov} = \\frac{1}{D} \\sum_{i \\ne j} C_{ij}^2 \\\\
        v(z) &= w_{std} L_{std} + L_{cov}

    with the unbiased batch variance.
    """
    if z.dim() != 2 or z.shape[0] < 2:
        raise ValueError('variance_covariance needs a (B>1, D) embedding, '
                         f'got {tuple(z.shape)}')
    b, d = z.shape
    zc = z - z.mean(dim=0)
    std = torch.sqrt(zc.pow(2).sum(dim=0) / (b - 1) + eps)
    std_loss = torch.relu(1 - std).mean()
    cov = zc.T @ zc / (b - 1)
    # sum of squared off-diagonal entries without building a mask
    cov_loss = (cov.pow(2).sum() - cov.diagonal().pow(2).sum()) / d
    return std_weight * std_loss + cov_loss


@MODELS.register_module()
class VarianceCovarianceLoss(nn.Module):
    """``loss_weight * sum_k variance_covariance(z^k)`` over the views.

    Args:
        loss_weight (float): Global weight (1 in USDRL).
        std_weight (float): Weight of the variance hinge (5 in USDRL).
        eps (float): Added to the variance before the square root.
    """

    def __init__(self,
                 loss_weight: float = 1.0,
                 std_weight: float = 5.0,
                 eps: float = 1e-4) -> None:
        super().__init__()
        self.loss_weight = loss_weight
        self.std_weight = std_weight
        self.eps = eps

    def forward(self, views: Sequence[Tensor]) -> Tensor:
        return self.loss_weight * sum(
            variance_covariance(z, self.std_weight, self.eps) for z in views)
