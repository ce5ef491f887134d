import itertools
from typing import Optional, Sequence

from mmaction.registry import MODELS
from torch import Tensor, nn

from .variance_covariance_loss import off_diagonal_sq_sum


def cross_correlation(za: Tensor,
                      zb: Tensor,
                      off_diag_weight: float = 0.005,
                      eps: float = 1e-6,
                      gram: Optional[bool] = None) -> Tensor:
    """Barlow Twins term of two (B, D) embeddings (design.md §7.3).

    .. math::

        \\hat z &= (z - \\bar z) / \\max(\\sigma(z), \\epsilon) \\\\
        R &= \\hat z_a^\\top \\hat z_b / B \\\\
        X &= \\sum_i (1 - R_{ii})^2 + \\lambda \\sum_{i \\ne j} R_{ij}^2

    with the unbiased per-dimension standard deviation over the batch. The
    original has no epsilon, so a constant dimension gives NaN (design.md §17
    D24); clamping the deviation at ``eps`` changes nothing for any
    non-degenerate batch.

    The off-diagonal sum comes from :func:`off_diagonal_sq_sum`, which never
    builds the (D, D) matrix ``R`` when ``B < D`` (``gram`` forces a form).
    """
    if za.shape != zb.shape or za.dim() != 2 or za.shape[0] < 2:
        raise ValueError('cross_correlation needs equal (B>1, D) inputs, got '
                         f'{tuple(za.shape)} and {tuple(zb.shape)}')
    b = za.shape[0]
    na = (za - za.mean(0)) / za.std(0).clamp_min(eps)
    nb = (zb - zb.mean(0)) / zb.std(0).clamp_min(eps)
    diag = (na * nb).sum(dim=0) / b  # (D,): R_ii
    on_diag = (1 - diag).pow(2).sum()
    off_diag = off_diagonal_sq_sum(na, nb, gram) / b**2
    return on_diag + off_diag_weight * off_diag


@MODELS.register_module()
class ViewCrossCorrelationLoss(nn.Module):
    """``loss_weight * sum`` of :func:`cross_correlation` over all unordered
    view pairs (6 pairs for 4 views).

    Args:
        loss_weight (float): Global weight (1e-3 in the AAAI code, 0 in the
            TPAMI code; design.md §7.4).
        off_diag_weight (float): Weight of the off-diagonal terms.
        eps (float): Floor of the standard deviation.
        gram (bool, optional): Force the Gram (True) or the D x D (False)
            form of the off-diagonal sum; None picks by shape. Same value.
    """

    def __init__(self,
                 loss_weight: float = 1e-3,
                 off_diag_weight: float = 0.005,
                 eps: float = 1e-6,
                 gram: Optional[bool] = None) -> None:
        super().__init__()
        self.loss_weight = loss_weight
        self.off_diag_weight = off_diag_weight
        self.eps = eps
        self.gram = gram

    def forward(self, views: Sequence[Tensor]) -> Tensor:
        if len(views) < 2:
            raise ValueError(f'need at least 2 views, got {len(views)}')
        pairs = itertools.combinations(range(len(views)), 2)
        return self.loss_weight * sum(
            cross_correlation(views[a], views[b], self.off_diag_weight,
                              self.eps, self.gram) for a, b in pairs)
