import random

import numpy as np
import torch
from mmengine.dist import get_rank
from mmengine.registry import FUNCTIONS

# an odd 32-bit constant that spreads the ranks' seeds apart
_RANK_STRIDE = 0x9E3779B1


# mmengine's root registry, not MMAction2's: the Runner looks a dataloader's
# worker_init_fn up there directly, without the default scope
@FUNCTIONS.register_module()
def seed_worker_per_epoch(worker_id: int) -> None:
    """``worker_init_fn`` that seeds python, numpy and torch in a
    data-loader worker from the seed torch gives that worker.

    mmengine's default seeds worker ``i`` with ``seed + i`` (plus the rank)
    every time workers start, so non-persistent workers draw the same
    augmentations in every epoch. torch instead gives each worker
    ``base_seed + worker_id``, where ``base_seed`` is drawn from the main
    process's generator whenever an epoch's iterator is created; seeding
    from it gives new draws every epoch that are still reproducible, and
    after a resume equal to the uninterrupted run's once the main
    generator is restored (``RandomStateHook``). Select it with
    ``worker_init_fn=dict(type='seed_worker_per_epoch')`` in a dataloader.
    """
    seed = (torch.initial_seed() + get_rank() * _RANK_STRIDE) % 2**32
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
