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

On every device, :func:`exit_with_launcher` (called by
:func:`init_cpu_process_group`) ends a torchrun worker when its launcher
dies, instead of leaving it to train unsupervised.
"""
import ctypes
import ctypes.util
import datetime
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Optional, Tuple

import torch.distributed as dist
from mmengine.config import Config
from mmengine.logging import print_log

from usdrl_mm.engine.optim_wrappers.mixed_precision_optim_wrapper import \
    accelerator_available

AMP_WRAPPERS = ('OptimWrapper', 'AmpOptimWrapper',
                'MixedPrecisionOptimWrapper')
#: ``PR_SET_PDEATHSIG`` of ``<linux/prctl.h>``.
PR_SET_PDEATHSIG = 1
#: Seconds between two looks at the parent where prctl is not available.
PARENT_POLL_INTERVAL = 2.0
#: The parent at import time, as early as this process can tell: a parent
#: that is gone by the time :func:`exit_with_launcher` runs shows as a
#: different ``os.getppid()`` (the process was re-parented). Valid in the
#: importing process only, not in children it forks.
_PARENT_AT_IMPORT = os.getppid()
_PID_AT_IMPORT = os.getpid()
#: The process that armed :func:`exit_with_launcher` (neither the prctl
#: setting nor the thread survives a fork).
_armed_in: Optional[int] = None


def under_launcher() -> bool:
    """Whether this process is a worker of torchrun: its
    ``TORCHELASTIC_RUN_ID``, or ``LOCAL_RANK`` with a ``WORLD_SIZE`` above
    1 (also set by ``torch.distributed.launch``)."""
    env = os.environ
    if env.get('TORCHELASTIC_RUN_ID'):
        return True
    try:
        world = int(env.get('WORLD_SIZE', '1'))
    except ValueError:
        return False
    return 'LOCAL_RANK' in env and world > 1


def _parent_gone(parent: int) -> None:
    """End this process as the parent-death signal would."""
    print(
        f'[rank {os.environ.get("RANK", "?")}] the launcher (pid {parent}) '
        'is gone; exiting',
        file=sys.stderr,
        flush=True)
    os.kill(os.getpid(), signal.SIGTERM)


def _poll_parent(parent: int, interval: float) -> None:
    """Body of the watcher thread: SIGTERM to self once re-parented."""
    while os.getppid() == parent:
        time.sleep(interval)
    _parent_gone(parent)


def _set_pdeathsig(sig: int) -> bool:
    """``prctl(PR_SET_PDEATHSIG, sig)`` through libc; False if it fails."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library('c'), use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def exit_with_launcher(parent: Optional[int] = None,
                       interval: float = PARENT_POLL_INTERVAL) -> bool:
    """End this process with SIGTERM when its launcher (the parent) dies.

    A torchrun worker whose launcher is SIGKILLed would otherwise keep
    training with nobody to stop it or collect its result. On Linux the
    kernel sends the signal (``prctl(PR_SET_PDEATHSIG, SIGTERM)``); as a
    parent that died before the call is not seen by prctl, the parent is
    then compared with the one recorded when this module was imported (or
    ``parent``) and the process ends at once if it changed. Elsewhere, or if
    prctl fails, a daemon thread compares ``os.getppid()`` with it every
    ``interval`` seconds.

    Linux sends the signal when the parent *thread* that started the
    process ends; torchrun starts its workers from its main thread. The
    setting is not inherited by the process's own children (data-loader
    workers watch their parent themselves).

    Args:
        parent (int, optional): The launcher's pid; defaults to the parent
            when this module was imported (the current parent in a process
            forked after that).
        interval (float): Seconds between two looks of the watcher thread.

    Returns:
        bool: Whether it was armed (False outside a launcher, see
        :func:`under_launcher`, and on a second call).
    """
    global _armed_in
    if _armed_in == os.getpid() or not under_launcher():
        return False
    if parent is None:
        parent = _PARENT_AT_IMPORT if os.getpid() == _PID_AT_IMPORT \
            else os.getppid()
    parent = int(parent)
    _armed_in = os.getpid()
    if sys.platform.startswith('linux') and _set_pdeathsig(signal.SIGTERM):
        if os.getppid() != parent:  # gone before prctl could watch it
            _parent_gone(parent)
        return True
    threading.Thread(
        target=_poll_parent,
        args=(parent, interval),
        name='exit_with_launcher',
        daemon=True).start()
    return True


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
    group already exists. First, on every device, a torchrun worker is set
    to end with its launcher (:func:`exit_with_launcher`).
    """
    exit_with_launcher()
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
