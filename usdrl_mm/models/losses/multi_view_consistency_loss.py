"""Multi-view consistency of MPCT: our interpretation of the TPAMI paper
(design.md §9, docs/mpct.md), not a reproduction of released code."""
from typing import Sequence

import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from torch import Tensor, nn

from .cross_correlation_loss import cross_correlation

CONSISTENCY_METRICS = ('mse', 'cosine', 'xcorr')


def consistency_distance(online: Tensor,
                         target: Tensor,
                         metric: str = 'mse',
                         off_diag_weight: float = 0.005) -> Tensor:
    """Distance between two (B, D) embeddings of the same B clips.

    .. math::

        d_{mse}(a, b) &= \\frac{1}{BD} \\sum_{n,j} (a_{nj} - b_{nj})^2 \\\\
        d_{cos}(a, b) &= \\frac{1}{B} \\sum_n \\Big(1 - \\frac{a_n \\cdot b_n}
                         {\\|a_n\\| \\|b_n\\|}\\Big) \\\\
        d_{xcorr}(a, b) &= X(a, b) \\quad \\text{(Barlow Twins)}

    ``mse`` is the MG-FD similarity's distance (same scale as its terms),
    ``cosine`` ignores the embedding norm, ``xcorr`` is a batch statistic
    (gather the embeddings first in a distributed run).
    """
    if online.shape != target.shape or online.dim() != 2:
        raise ValueError('consistency_distance needs equal (B, D) inputs, '
                         f'got {tuple(online.shape)} and '
                         f'{tuple(target.shape)}')
    if metric == 'mse':
        return F.mse_loss(online, target)
    if metric == 'cosine':
        return (1 - F.cosine_similarity(online, target, dim=1)).mean()
    if metric == 'xcorr':
        return cross_correlation(online, target, off_diag_weight)
    raise ValueError(f'unknown metric {metric!r}; choose one of '
                     f'{CONSISTENCY_METRICS}')


def distances_to_target(online: Sequence[Tensor],
                        target: Tensor,
                        metric: str = 'mse',
                        detach_target: bool = True,
                        off_diag_weight: float = 0.005) -> Tensor:
    """``(G,)`` vector of ``d(z^g, sg(c))``: the :func:`consistency_distance`
    of each of the G online embeddings ``z^g`` to one target ``c``, with the
    stop-gradient ``sg`` when ``detach_target``. The step both consistency
    terms end with."""
    if detach_target:
        target = target.detach()
    return torch.stack([
        consistency_distance(z, target, metric, off_diag_weight)
        for z in online
    ])


class ConsistencyLossBase(nn.Module):
    """The settings both consistency losses share: weight, distance
    (:data:`CONSISTENCY_METRICS`), stop-gradient on the target and the
    off-diagonal weight of ``'xcorr'``."""

    def __init__(self, loss_weight: float, metric: str, detach_target: bool,
                 off_diag_weight: float) -> None:
        super().__init__()
        if metric not in CONSISTENCY_METRICS:
            raise ValueError(f'unknown metric {metric!r}; choose one of '
                             f'{CONSISTENCY_METRICS}')
        self.loss_weight = loss_weight
        self.metric = metric
        self.detach_target = detach_target
        self.off_diag_weight = off_diag_weight

    def reduce(self, per_item: Tensor, reduction: str) -> Tensor:
        """``loss_weight`` times the per-view / per-modality distances:
        their mean (``reduction='mean'``) or the vector (``'none'``)."""
        if reduction == 'none':
            return self.loss_weight * per_item
        if reduction == 'mean':
            return self.loss_weight * per_item.mean()
        raise ValueError(f'reduction must be "mean" or "none", got '
                         f'{reduction!r}')


def multi_view_consistency(virtual: Sequence[Tensor],
                           views: Sequence[Tensor],
                           metric: str = 'mse',
                           detach_target: bool = True,
                           off_diag_weight: float = 0.005) -> Tensor:
    """Per-virtual-view distance to the centre of the augmented views.

    With instance embeddings ``z^0 .. z^{K-1}`` of the K augmented views and
    ``v^0 .. v^{R-1}`` of R virtual-camera views (a view re-rendered from a
    new viewpoint), all (B, D):

    .. math::

        c = \\mathrm{sg}\\Big(\\frac{1}{K} \\sum_k z^k\\Big), \\qquad
        \\ell_r = d(v^r, c)

    with ``sg`` the stop-gradient (``detach_target``) and ``d`` a
    :func:`consistency_distance`. Returns the (R,) vector of ``\\ell_r``.
    """
    if not virtual or not views:
        raise ValueError(f'need virtual and augmented views, got '
                         f'{len(virtual)} and {len(views)}')
    shapes = {tuple(v.shape) for v in (*virtual, *views)}
    if len(shapes) != 1:
        raise ValueError(f'views must share one (B, D) shape, got {shapes}')
    centre = torch.stack(list(views)).mean(dim=0)  # (K, B, D) -> (B, D)
    return distances_to_target(virtual, centre, metric, detach_target,
                               off_diag_weight)


@MODELS.register_module()
class MultiViewConsistencyLoss(ConsistencyLossBase):
    """``loss_weight * mean_r multi_view_consistency(virtual, views)_r``.

    The MPCT multi-view term as we interpret it (docs/mpct.md): the
    instance embedding of a view seen from a virtual camera must match the
    augmentation-invariant centre of the augmented views. Only the instance
    (high-level) grain is passed in, so low-level grains are not forced to
    agree across viewpoints.

    Args:
        loss_weight (float): Global weight; 0 removes the term.
        metric (str): ``'mse'``, ``'cosine'`` or ``'xcorr'``, see
            :func:`consistency_distance`.
        detach_target (bool): Stop the gradient through the centre.
        off_diag_weight (float): Off-diagonal weight of ``'xcorr'``.
    """

    def __init__(self,
                 loss_weight: float = 5.0,
                 metric: str = 'mse',
                 detach_target: bool = True,
                 off_diag_weight: float = 0.005) -> None:
        super().__init__(loss_weight, metric, detach_target, off_diag_weight)

    def forward(self,
                virtual: Sequence[Tensor],
                views: Sequence[Tensor],
                reduction: str = 'mean') -> Tensor:
        """Weighted mean over the virtual views, or the weighted (R,)
        vector with ``reduction='none'``."""
        return self.reduce(
            multi_view_consistency(virtual, views, self.metric,
                                   self.detach_target, self.off_diag_weight),
            reduction)
