from typing import Tuple

import torch
import torch.distributed as dist
from torch import Tensor


class _GatherWithGrad(torch.autograd.Function):
    """all_gather whose backward returns this rank's slice of the summed
    gradients (the VICReg recipe; works on gloo, which has no
    reduce_scatter)."""

    @staticmethod
    def forward(ctx, x: Tensor) -> Tuple[Tensor, ...]:
        parts = [torch.zeros_like(x) for _ in range(dist.get_world_size())]
        dist.all_gather(parts, x.contiguous())
        return tuple(parts)

    @staticmethod
    def backward(ctx, *grads: Tensor) -> Tensor:
        summed = torch.stack(grads)
        dist.all_reduce(summed)
        return summed[dist.get_rank()]


def gather_with_grad(x: Tensor) -> Tensor:
    """(B, ...) per rank -> (world_size * B, ...), rank-major, differentiable.

    Every rank then computes the loss of the global batch. Its gradient
    reaches each rank's own samples summed over all ranks' (identical)
    losses, i.e. ``world_size`` times the single-loss gradient, which DDP's
    gradient averaging divides out again. Batch sizes must be equal across
    ranks. Outside a process group this is the identity.
    """
    if not (dist.is_available()
            and dist.is_initialized()) or dist.get_world_size() == 1:
        return x
    return torch.cat(_GatherWithGrad.apply(x), dim=0)
