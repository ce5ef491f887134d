import torch
from torch import Tensor


def drop_path_add(residual: Tensor,
                  x: Tensor,
                  drop_prob: float,
                  training: bool = True) -> Tensor:
    """``residual + DropPath(x)`` in one pass over the data.

    .. math::

        y_n = r_n + x_n \\cdot \\lfloor p_{keep} + u_n \\rfloor / p_{keep},
        \\qquad u_n \\sim U[0, 1)

    per sample n: the same draw and the same value as mmcv's ``DropPath``
    followed by the addition, which makes three passes (divide, multiply,
    add) over tensors that are as large as any in a DST layer. Here the
    per-sample scale is formed first (N numbers) and ``addcmul`` applies it.
    """
    if drop_prob == 0. or not training:
        return residual + x
    keep = 1 - drop_prob
    shape = (x.shape[0], ) + (1, ) * (x.dim() - 1)
    scale = (
        keep +
        torch.rand(shape, dtype=x.dtype, device=x.device)).floor_().div_(keep)
    return torch.addcmul(residual, x, scale)
