import itertools
from typing import Dict, Optional, Sequence

import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.model import BaseModule
from torch import Tensor

from usdrl_mm.models.losses import variance_covariance
from usdrl_mm.models.utils import gather_with_grad


@MODELS.register_module()
class InstanceVICRegHead(BaseModule):
    """A VICReg objective on the instance embedding only.

    An example of a new self-supervised objective on DSTE: the backbone,
    pooling neck and projector of ``MGFD`` stay as they are, only the head
    changes. With views ``z^0 .. z^{K-1}`` (B, D) of the ``'i'`` grain:

    .. math::

        L = \\lambda \\frac{1}{|P|} \\sum_{(a, b) \\in P}
            \\mathrm{MSE}(z^a, z^b)
          + \\sum_k \\big(\\mu L_{std}(z^k) + \\nu L_{cov}(z^k)\\big)

    over all unordered view pairs P, with the variance and covariance terms
    of :func:`usdrl_mm.models.losses.variance_covariance` (here scaled by
    ``nu`` through ``std_weight = mu / nu``).

    Args:
        sim_weight (float): lambda (25 in VICReg).
        std_weight (float): mu (25 in VICReg).
        cov_weight (float): nu (1 in VICReg).
    """

    def __init__(self,
                 sim_weight: float = 25.0,
                 std_weight: float = 25.0,
                 cov_weight: float = 1.0,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if cov_weight <= 0:
            raise ValueError('cov_weight must be positive')
        self.sim_weight = sim_weight
        self.std_weight = std_weight
        self.cov_weight = cov_weight

    def loss(self, embeds: Sequence[Dict[str, Tensor]]) -> Dict[str, Tensor]:
        views = [gather_with_grad(e['i'].float()) for e in embeds]
        with torch.autocast(views[0].device.type, enabled=False):
            pairs = list(itertools.combinations(range(len(views)), 2))
            inv = sum(F.mse_loss(views[a], views[b])
                      for a, b in pairs) / len(pairs)
            vc = sum(
                variance_covariance(z, self.std_weight / self.cov_weight)
                for z in views)
        return dict(
            loss_inv=self.sim_weight * inv, loss_vc=self.cov_weight * vc)
