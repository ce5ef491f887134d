"""What ``tools/train.py`` and ``tools/test.py`` add to mmengine's launch.

mmengine 0.10.7 cannot start a distributed run on a CPU-only machine (its
pytorch and slurm launchers call ``torch.cuda.set_device``) and its
``AmpOptimWrapper`` asserts a GPU. Both gaps are closed here, without
touching the GPU path:

- :func:`init_cpu_process_group` creates the gloo process group itself
  before the Runner is built (the Runner then skips its own ``init_dist``)
  and makes DDP wrap the CPU model with ``device_ids=None``;
- :func:`enable_amp` selects :class:`MixedPrecisionOptimWrapper`, which is
  mmengine's AMP wrapper on a GPU and bf16 autocast on a CPU.
"""
import datetime
import os
import subprocess
from typing import Tuple

import torch.distributed as dist
from mmengine.config import Config
from mmengine.logging import print_log

from usdrl_mm.engine.optim_wrappers.mixed_precision_optim_wrapper import \
    accelerator_available

AMP_WRAPPERS = ('OptimWrapper', 'AmpOptimWrapper',
                'MixedPrecisionOptimWrapper')


def _rank_info(launcher: str) -> Tuple[int, int, int]:
    """(rank, local_rank, world_size) from the launcher's environment; sets
    the variables ``env://`` initialisation reads."""
    env = os.environ
    if launcher == 'pytorch':  # torchrun sets all of them
        return (int(env['RANK']), int(env.get('LOCAL_RANK',
                                              0)), int(env['WORLD_SIZE']))
    if launcher == 'slurm':
        rank, world = int(env['SLURM_PROCID']), int(env['SLURM_NTASKS'])
        local_rank = int(env.get('SLURM_LOCALID', 0))
        if 'MASTER_ADDR' not in env:
            nodes = env['SLURM_NODELIST']
            env['MASTER_ADDR'] = subprocess.getoutput(
                f'scontrol show hostname {nodes} | head -n1')
        env.setdefault('MASTER_PORT', '29500')
    elif launcher == 'mpi':
        rank = int(env['OMPI_COMM_WORLD_RANK'])
        world = int(env['OMPI_COMM_WORLD_SIZE'])
        local_rank = int(env.get('OMPI_COMM_WORLD_LOCAL_RANK', 0))
        env.setdefault('MASTER_ADDR', '127.0.0.1')
        env.setdefault('MASTER_PORT', '29500')
    else:
        raise ValueError(f'unknown launcher {launcher!r}')
    env.update(
        RANK=str(rank), LOCAL_RANK=str(local_rank), WORLD_SIZE=str(world))
    return rank, local_rank, world


def init_cpu_process_group(cfg: Config, launcher: str) -> bool:
    """Start a gloo process group for a CPU-only distributed run.

    Does nothing (and returns False) for ``launcher='none'``, when an
    accelerator is present (mmengine's own path then applies) or when a
    group already exists.
    """
    if launcher == 'none' or accelerator_available() or (
            dist.is_available() and dist.is_initialized()):
        return False
    rank, _, world = _rank_info(launcher)
    dist_cfg = dict(cfg.get('env_cfg', {}).get('dist_cfg', {}))
    timeout = dist_cfg.get('timeout')
    kwargs = {}
    if timeout is not None:
        kwargs['timeout'] = datetime.timedelta(seconds=timeout)
    dist.init_process_group('gloo', rank=rank, world_size=world, **kwargs)
    cfg.setdefault('env_cfg', {}).setdefault('dist_cfg', {})
    cfg.env_cfg.dist_cfg.backend = 'gloo'
    wrapper = dict(cfg.get('model_wrapper_cfg') or {})
    wrapper.setdefault('type', 'MMDistributedDataParallel')
    wrapper.setdefault('broadcast_buffers', False)
    wrapper.setdefault('find_unused_parameters',
                       cfg.get('find_unused_parameters', False))
    wrapper['device_ids'] = None  # DDP over CPU modules takes no device ids
    cfg.model_wrapper_cfg = wrapper
    print_log(
        f'CPU distributed run: gloo process group, rank {rank} of {world}',
        logger='current')
    return True


def close_process_group() -> None:
    """Wait for every rank, then shut the process group down.

    Without it the group is torn down by the interpreter's exit while the
    other ranks may still be talking to it, a known cause of a gloo rank
    aborting with ``terminate called without an active exception``, which
    a two-process test run did once under load.
    """
    if dist.is_available() and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()


def enable_amp(cfg: Config) -> None:
    """``--amp``: fp16 AMP on an accelerator, bf16 autocast on a CPU."""
    wrapper = cfg.optim_wrapper.get('type', 'OptimWrapper')
    if wrapper not in AMP_WRAPPERS:
        raise ValueError(f'--amp does not support the optimizer wrapper '
                         f'{wrapper!r}; use one of {AMP_WRAPPERS}')
    cfg.optim_wrapper.type = 'MixedPrecisionOptimWrapper'
    cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')


def adapt_amp_to_device(cfg: Config) -> None:
    """A config that asks for mmengine's ``AmpOptimWrapper`` still runs on a
    CPU-only machine, in bf16."""
    optim_wrapper = cfg.get('optim_wrapper')
    if optim_wrapper and optim_wrapper.get('type') == 'AmpOptimWrapper' \
            and not accelerator_available():
        optim_wrapper.type = 'MixedPrecisionOptimWrapper'
        print_log(
            'AmpOptimWrapper needs a GPU; using bf16 autocast on the '
            'CPU (MixedPrecisionOptimWrapper)',
            logger='current')
