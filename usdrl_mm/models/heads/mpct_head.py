from typing import Any, Dict, List, Mapping, Optional, Sequence

import torch
from mmaction.registry import MODELS
from torch import Tensor

from ..utils import gather_with_grad
from .mgfd_head import GRAINS, MGFDHead

Embeds = Dict[str, Tensor]  # dict(t=, s=, i=) of (B, D_g) embeddings


@MODELS.register_module()
class MPCTHead(MGFDHead):
    """MG-FD plus multi-view and multi-modal consistency: our
    interpretation of TPAMI's MPCT (design.md §9, docs/mpct.md), not a
    reproduction.

    .. math::

        L = L_{MG\\text{-}FD}(z^0, \\dots, z^{K-1})
          + L_{mv}(v^0, \\dots, v^{R-1};\\, z^0, \\dots, z^{K-1})
          + L_{mm}(z^{J}, z^{B}, z^{M};\\, z^0, \\dots, z^{Q-1})

    where ``z^k`` are the fused J+B+M embeddings of the K augmented views,
    ``v^r`` those of R virtual-camera views and ``z^{J|B|M}`` those of the
    first Q views seen through one modality each. The consistency terms use
    one grain (the instance grain by default): the low-level temporal and
    spatial grains are not forced to agree across viewpoints or
    modalities. Each loss module carries its weight; a term whose weight is
    0 is neither computed nor logged, and :attr:`use_view` /
    :attr:`use_modal` tell the algorithm to skip its extra encoder passes.

    Logged on top of :class:`MGFDHead`'s terms: ``loss_mv``, ``loss_mm`` and
    ``mm_{modality}`` (each modality's weighted distance; ``loss_mm`` is
    their mean).

    Args:
        loss_view (dict): :class:`MultiViewConsistencyLoss` config.
        loss_modal (dict): :class:`MultiModalConsistencyLoss` config.
        consistency_grain (str): Grain of both consistency terms, ``'i'``.
        **kwargs: :class:`MGFDHead` arguments (the MG-FD terms, grain
            weights, ``gather_distributed``, ``init_cfg``).
    """

    def __init__(self,
                 loss_view: dict = dict(
                     type='MultiViewConsistencyLoss', loss_weight=5.0),
                 loss_modal: dict = dict(
                     type='MultiModalConsistencyLoss', loss_weight=5.0),
                 consistency_grain: str = 'i',
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if consistency_grain not in GRAINS:
            raise ValueError(f'unknown grain {consistency_grain!r}; use '
                             f'{GRAINS}')
        self.loss_view = MODELS.build(loss_view)
        self.loss_modal = MODELS.build(loss_modal)
        self.consistency_grain = consistency_grain

    @property
    def use_view(self) -> bool:
        return self.loss_view.loss_weight != 0

    @property
    def use_modal(self) -> bool:
        return self.loss_modal.loss_weight != 0

    def _grain(self, z: Tensor) -> Tensor:
        z = z.float()
        return gather_with_grad(z) if self.gather_distributed else z

    def loss(
        self,
        embeds: Sequence[Embeds],
        virtual: Optional[Sequence[Embeds]] = None,
        modal: Optional[Mapping[str, Sequence[Embeds]]] = None
    ) -> Dict[str, Tensor]:
        """Named loss terms.

        Args:
            embeds: One ``dict(i=, t=, s=)`` per augmented view (fused
                input), as for :class:`MGFDHead`.
            virtual: One dict per virtual-camera view; needed when
                :attr:`use_view`.
            modal: ``{modality: [dict per view]}`` for the first Q views
                seen through that modality alone; needed when
                :attr:`use_modal`.
        """
        losses = super().loss(embeds)
        g = self.consistency_grain
        device_type = embeds[0][g].device.type
        with torch.autocast(device_type, enabled=False):
            if self.use_view:
                if not virtual:
                    raise ValueError('the multi-view term needs virtual '
                                     'views (num_virtual_views >= 1)')
                losses['loss_mv'] = self.loss_view(
                    [self._grain(v[g]) for v in virtual],
                    [self._grain(e[g]) for e in embeds])
            if self.use_modal:
                if not modal:
                    raise ValueError('the multi-modal term needs single-'
                                     'modality views (num_modal_views >= 1)')
                names = list(modal)
                num_views = len(modal[names[0]])
                # the first Q views, Q x (B, D) -> (Q*B, D) per modality
                single: List[Tensor] = [
                    self._grain(torch.cat([e[g] for e in modal[m]]))
                    for m in names
                ]
                fused = self._grain(
                    torch.cat([e[g] for e in embeds[:num_views]]))
                per_modality = self.loss_modal(
                    single, fused, reduction='none')  # (G,)
                for name, value in zip(names, per_modality):
                    losses[f'mm_{name}'] = value.detach()
                losses['loss_mm'] = per_modality.mean()
        return losses
