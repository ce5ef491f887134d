"""Multi-modal consistency of MPCT: our interpretation of the TPAMI paper
(design.md §9, docs/mpct.md), not a reproduction of released code."""
from typing import Optional, Sequence

import torch
from mmaction.registry import MODELS
from torch import Tensor

from .multi_view_consistency_loss import (ConsistencyLossBase,
                                          distances_to_target)

MODAL_TARGETS = ('fused', 'mean')


def multi_modal_consistency(modalities: Sequence[Tensor],
                            fused: Optional[Tensor] = None,
                            metric: str = 'mse',
                            detach_target: bool = True,
                            off_diag_weight: float = 0.005) -> Tensor:
    """Per-modality distance of single-modality embeddings to a shared
    target.

    With instance embeddings ``z^1 .. z^G`` (B, D) of the same clips seen
    through one modality each (joint, bone, motion), and optionally the
    embedding ``f`` of the fused J+B+M input:

    .. math::

        c = \\mathrm{sg}(f) \\;\\text{if given, else}\\;
            \\mathrm{sg}\\Big(\\frac{1}{G} \\sum_m z^m\\Big), \\qquad
        \\ell_m = d(z^m, c)

    with ``sg`` the stop-gradient (``detach_target``) and ``d`` a
    :func:`consistency_distance`. Returns the (G,) vector of ``\\ell_m``.
    """
    if not modalities:
        raise ValueError('need at least one modality embedding')
    shapes = {tuple(z.shape) for z in modalities}
    if fused is not None:
        shapes.add(tuple(fused.shape))
    if len(shapes) != 1:
        raise ValueError(f'embeddings must share one (B, D) shape, got '
                         f'{shapes}')
    if fused is None:
        if len(modalities) < 2:
            raise ValueError('the cross-modal mean needs >= 2 modalities')
        # (G, B, D) -> (B, D)
        target = torch.stack(list(modalities)).mean(dim=0)
    else:
        target = fused
    return distances_to_target(modalities, target, metric, detach_target,
                               off_diag_weight)


@MODELS.register_module()
class MultiModalConsistencyLoss(ConsistencyLossBase):
    """``loss_weight * mean_m multi_modal_consistency(modalities, fused)_m``.

    The MPCT multi-modal term as we interpret it (docs/mpct.md): the
    instance embedding the shared encoder computes from the joint, the bone
    or the motion stream alone must match that of the fused J+B+M input
    (``target='fused'``) or the cross-modal mean (``target='mean'``).

    Args:
        loss_weight (float): Global weight; 0 removes the term.
        metric (str): ``'mse'``, ``'cosine'`` or ``'xcorr'``, see
            :func:`consistency_distance`.
        target (str): ``'fused'`` or ``'mean'``.
        detach_target (bool): Stop the gradient through the target.
        off_diag_weight (float): Off-diagonal weight of ``'xcorr'``.
    """

    def __init__(self,
                 loss_weight: float = 5.0,
                 metric: str = 'mse',
                 target: str = 'fused',
                 detach_target: bool = True,
                 off_diag_weight: float = 0.005) -> None:
        super().__init__(loss_weight, metric, detach_target, off_diag_weight)
        if target not in MODAL_TARGETS:
            raise ValueError(f'unknown target {target!r}; choose one of '
                             f'{MODAL_TARGETS}')
        self.target = target

    def forward(self,
                modalities: Sequence[Tensor],
                fused: Optional[Tensor] = None,
                reduction: str = 'mean') -> Tensor:
        """Weighted mean over the modalities, or the weighted (G,) vector
        with ``reduction='none'``."""
        if self.target == 'fused' and fused is None:
            raise ValueError('target="fused" needs the fused embedding')
        return self.reduce(
            multi_modal_consistency(modalities,
                                    fused if self.target == 'fused' else None,
                                    self.metric, self.detach_target,
                                    self.off_diag_weight), reduction)
