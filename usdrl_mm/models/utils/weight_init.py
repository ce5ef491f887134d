from mmengine.model.weight_init import trunc_normal_
from torch import nn


def init_usdrl_weights(module: nn.Module) -> None:
    """The original USDRL initialisation (design.md §4.6), applied recursively.

    Every ``nn.Linear`` (embeddings, MLPs, token mixers, projectors and the
    attention output projection, a Linear subclass) gets truncated-normal
    weights (std 0.02, bounds +-2) and zero bias; every LayerNorm weight 1
    and bias 0. The attention input projection, Conv1d and BatchNorm keep
    their PyTorch defaults.
    """
    for m in module.modules():
        if isinstance(m, nn.Linear):
            trunc_normal_(m.weight, std=.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.LayerNorm):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
