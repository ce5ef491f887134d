from typing import Sequence

import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from torch import Tensor, nn


def multi_view_similarity(views: Sequence[Tensor], anchor: int = -1) -> Tensor:
    """MG-FD similarity term of one grain (design.md §7.1).

    With views ``z^0 .. z^{K-1}`` of shape (B, D), anchor ``a`` (the last view
    by default, as in the original) and the centre ``c`` the mean of the
    other views (not detached):

    .. math::

        S = \\sum_{k \\ne a} \\mathrm{MSE}(z^k, z^a)
          + \\sum_{k \\ne a} \\mathrm{MSE}(z^k, c)

    where MSE averages over all B*D elements. For K = 4 this is the original
    "intra" (to view 3) plus "inter" (to the centre of views 0-2) sum.
    """
    if len(views) < 2:
        raise ValueError(f'need at least 2 views, got {len(views)}')
    shapes = {tuple(v.shape) for v in views}
    if len(shapes) != 1:
        raise ValueError(f'views must share one (B, D) shape, got {shapes}')
    anchor = anchor % len(views)
    others = [v for k, v in enumerate(views) if k != anchor]
    centre = torch.stack(others).mean(dim=0)
    return sum(
        F.mse_loss(v, views[anchor]) + F.mse_loss(v, centre) for v in others)


@MODELS.register_module()
class MultiViewSimilarityLoss(nn.Module):
    """``loss_weight * multi_view_similarity(views, anchor)``.

    Args:
        loss_weight (float): Global weight (5 in USDRL).
        anchor (int): Index of the anchor view; -1 is the last one.
    """

    def __init__(self, loss_weight: float = 5.0, anchor: int = -1) -> None:
        super().__init__()
        self.loss_weight = loss_weight
        self.anchor = anchor

    def forward(self, views: Sequence[Tensor]) -> Tensor:
        return self.loss_weight * multi_view_similarity(views, self.anchor)
