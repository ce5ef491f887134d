from typing import Dict, List, Optional, Sequence

import torch
from mmaction.registry import MODELS
from mmengine.model import BaseModule
from torch import Tensor

from ..utils import gather_with_grad

GRAINS = ('i', 't', 's')  # instance, temporal, spatial


@MODELS.register_module()
class MGFDHead(BaseModule):
    """Multi-grained feature decorrelation objective (design.md §7).

    For every term X in {similarity, variance-covariance, cross-correlation}
    and grain g in {instance, temporal, spatial}, the term's module sees the
    list of per-view embeddings of that grain. The total is

    .. math::

        L = \\sum_X \\sum_g w_g\\, X(z_g^0, \\dots, z_g^{K-1})

    where each loss module already carries its global weight (5 / 1 / 1e-3
    in the AAAI code) and ``w = {i: 1, t: 0.5, s: 0.5}``. A term whose
    ``loss_weight`` is 0 is skipped (the TPAMI code's ``xcorr 0``).

    Logged: ``loss_sim``, ``loss_vac``, ``loss_xcorr`` (grain-weighted sums,
    which add up to the total) and ``sim_i``, ``sim_t``, ... (each term's
    module output per grain, before the grain weight).

    Embeddings are cast to float32 and the losses run outside autocast. In a
    distributed run they are all-gathered with gradient first, so batch
    statistics cover the global batch as in the original DataParallel
    training (design.md §7.5).

    Args:
        loss_sim (dict): Similarity loss config.
        loss_vac (dict): Variance-covariance loss config.
        loss_xcorr (dict): Cross-correlation loss config.
        grain_weights (dict): Weight per grain ``'i'``, ``'t'``, ``'s'``.
        gather_distributed (bool): All-gather embeddings across ranks before
            the losses. Defaults to True.
    """

    def __init__(self,
                 loss_sim: dict = dict(
                     type='MultiViewSimilarityLoss', loss_weight=5.0),
                 loss_vac: dict = dict(
                     type='VarianceCovarianceLoss', loss_weight=1.0),
                 loss_xcorr: dict = dict(
                     type='ViewCrossCorrelationLoss', loss_weight=1e-3),
                 grain_weights: Dict[str, float] = dict(i=1.0, t=0.5, s=0.5),
                 gather_distributed: bool = True,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        unknown = set(grain_weights) - set(GRAINS)
        if unknown:
            raise ValueError(f'unknown grains {sorted(unknown)}; use {GRAINS}')
        self.grain_weights = dict(grain_weights)
        self.terms = torch.nn.ModuleDict(
            dict(
                sim=MODELS.build(loss_sim),
                vac=MODELS.build(loss_vac),
                xcorr=MODELS.build(loss_xcorr)))
        self.gather_distributed = gather_distributed

    def loss(self, embeds: Sequence[Dict[str, Tensor]]) -> Dict[str, Tensor]:
        """Named loss terms from one ``dict(i=, t=, s=)`` of (B, D_g)
        embeddings per view."""
        if len(embeds) < 2:
            raise ValueError(f'MG-FD needs at least 2 views, got '
                             f'{len(embeds)}')
        views: Dict[str, List[Tensor]] = {}
        for g in self.grain_weights:
            views[g] = [e[g].float() for e in embeds]
            if self.gather_distributed:
                views[g] = [gather_with_grad(z) for z in views[g]]

        losses: Dict[str, Tensor] = {}
        device_type = embeds[0][next(iter(self.grain_weights))].device.type
        with torch.autocast(device_type, enabled=False):
            for name, term in self.terms.items():
                if getattr(term, 'loss_weight', 1.0) == 0:
                    continue
                total = 0.
                for g, w in self.grain_weights.items():
                    value = term(views[g])
                    losses[f'{name}_{g}'] = value.detach()
                    total = total + w * value
                losses[f'loss_{name}'] = total
        return losses
