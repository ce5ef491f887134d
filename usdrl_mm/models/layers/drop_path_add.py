import torch
from torch import Tensor

LOW_PRECISION = (torch.bfloat16, torch.float16)


def drop_path_add(residual: Tensor,
                  x: Tensor,
                  drop_prob: float,
                  training: bool = True) -> Tensor:
    """``residual + DropPath(x)`` in one pass over the data.

    .. math::

        y_n = r_n + x_n \\cdot \\lfloor p_{keep} + u_n \\rfloor / p_{keep},
        \\qquad u_n \\sim U[0, 1)

    per sample n: the same draw and the same value as mmcv's ``DropPath``
    followed by the addition (for bf16 / fp16 inputs the draw is made in
    fp32), which makes three passes (divide, multiply, add) over tensors
    that are as large as any in a DST layer. Here the
    per-sample scale is formed first (N numbers) and ``addcmul`` applies it.
    """
    if drop_prob == 0. or not training:
        return residual + x
    keep = 1 - drop_prob
    shape = (x.shape[0], ) + (1, ) * (x.dim() - 1)
    # a bf16 / fp16 x draws in fp32: ``keep + u`` rounded to 8 bits moves
    # the keep rate (u just below 1 - keep rounds up to 1), and so the same
    # seed drops the same samples in fp32 and under autocast
    draw_dtype = torch.float32 if x.dtype in LOW_PRECISION else x.dtype
    scale = (keep + torch.rand(shape, dtype=draw_dtype,
                               device=x.device)).floor_().div_(keep)
    return torch.addcmul(residual, x, scale.to(x.dtype))
