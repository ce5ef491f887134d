from typing import Sequence

import torch
from mmaction.registry import MODELS
from torch import Tensor, nn


@MODELS.register_module()
class USDRLPoolNeck(nn.Module):
    """Global clip feature of a two-stream encoder (design.md §4.5).

    Max over the tokens of each stream, then concatenation:
    ``((N, T, D), (N, M*V, D)) -> (N, 2D)``, temporal half first.
    """

    def forward(self, feats: Sequence[Tensor]) -> Tensor:
        return torch.cat([f.amax(dim=1) for f in feats], dim=-1)
