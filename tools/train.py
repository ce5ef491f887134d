"""Train a model from an mmengine config (MMAction2's arguments).

Differences from MMAction2's ``tools/train.py``: ``usdrl_mm`` is imported
first (registries, checkpoint allow-list), ``--launcher pytorch|slurm|mpi``
also works on a CPU-only machine (gloo), and ``--amp`` gives fp16 AMP on a
GPU and bf16 autocast on a CPU.

The tool imports ``usdrl_mm`` as an installed package (``pip install -e .``)
and leaves ``sys.path`` alone, as MMAction2's does. A config whose
``custom_imports`` name modules of the repository that are not installed
(``projects.*``) needs the repository root on ``PYTHONPATH``::

    PYTHONPATH=$(pwd):$PYTHONPATH python tools/train.py \
        projects/vicreg_dste/configs/vicreg_dste-tiny_...py

``tools/dist_train.sh`` and ``tools/slurm_train.sh`` set it themselves.
"""
import argparse

from mmengine.config import Config
from mmengine.runner import Runner

import usdrl_mm  # noqa: F401,I001  registries, checkpoint allow-list
from usdrl_mm.apis.arguments import (add_cfg_options_argument,
                                     add_launcher_arguments,
                                     apply_work_dir_argument,
                                     export_local_rank)
from usdrl_mm.apis.cli import exit_on_error
from usdrl_mm.engine import (CheckpointMismatchError,
                             add_allow_partial_argument,
                             configure_checkpoint_fit,
                             find_resumable_checkpoint)
from usdrl_mm.utils import (adapt_amp_to_device, close_process_group,
                            enable_amp, init_cpu_process_group)
from usdrl_mm.utils.work_dir_lock import (WorkDirBusyError, launch_rank,
                                          lock_work_dir)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from the given checkpoint, or without a path from the '
        'latest intact checkpoint in the work directory')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='mixed precision: fp16 AMP on a GPU, bf16 autocast on a CPU')
    parser.add_argument(
        '--compile',
        action='store_true',
        help='compile the backbone with torch.compile (CompileModulesHook)')
    parser.add_argument(
        '--no-validate',
        action='store_true',
        help='do not evaluate checkpoints during training')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the learning rate by the actual over the base batch')
    parser.add_argument('--seed', type=int, default=None, help='random seed')
    parser.add_argument(
        '--diff-rank-seed',
        action='store_true',
        help='different seeds for different ranks')
    parser.add_argument(
        '--deterministic',
        action='store_true',
        help='deterministic options for the CUDNN backend')
    add_cfg_options_argument(
        parser,
        help='override config settings, key=value pairs, e.g. '
        'train_cfg.max_epochs=2 or key="[a,b]"')
    add_launcher_arguments(parser)
    add_allow_partial_argument(parser)
    args = parser.parse_args()
    export_local_rank(args)
    return args


def merge_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Merge command-line arguments into the config."""
    if args.no_validate:
        cfg.val_cfg = None
        cfg.val_dataloader = None
        cfg.val_evaluator = None

    cfg.launcher = args.launcher

    apply_work_dir_argument(cfg, args)  # --work-dir > config > file name

    if args.amp:
        enable_amp(cfg)
    if args.compile:
        cfg.custom_hooks = list(cfg.get('custom_hooks', [])) + [
            dict(type='CompileModulesHook', modules=['backbone'])
        ]

    if args.resume == 'auto':
        # mmengine would trust last_checkpoint even when it is empty or
        # names a truncated or deleted file
        log = print if launch_rank() == 0 else (lambda _: None)
        cfg.load_from = find_resumable_checkpoint(cfg.work_dir, log)
        cfg.resume = cfg.load_from is not None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume

    if args.auto_scale_lr:
        cfg.auto_scale_lr.enable = True

    # command-line seed options win over the config's randomness settings
    randomness = dict(cfg.get('randomness') or {})
    if args.seed is not None or 'seed' not in randomness:
        randomness['seed'] = args.seed
    randomness['diff_rank_seed'] = (
        args.diff_rank_seed or randomness.get('diff_rank_seed', False))
    randomness['deterministic'] = (
        args.deterministic or randomness.get('deterministic', False))
    cfg.randomness = randomness

    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if cfg.get('load_from'):
        configure_checkpoint_fit(cfg, args.allow_partial)
    return cfg


def main() -> None:
    args = parse_args()
    cfg = merge_args(Config.fromfile(args.config), args)
    adapt_amp_to_device(cfg)
    lock = None
    if launch_rank() == 0:  # one run per work directory
        with exit_on_error(WorkDirBusyError):
            lock = lock_work_dir(cfg.work_dir)
    init_cpu_process_group(cfg, args.launcher)
    runner = Runner.from_cfg(cfg)
    with exit_on_error(CheckpointMismatchError):
        runner.train()
    close_process_group()
    if lock is not None:
        lock.release()


if __name__ == '__main__':
    main()
