"""Test (and evaluate) a checkpoint with an mmengine config.

MMAction2's arguments; ``usdrl_mm`` is imported first and
``--launcher pytorch|slurm|mpi`` also works on a CPU-only machine (gloo).
``--show-dir DIR`` / ``--show`` draw the predictions of skeleton models
(:func:`usdrl_mm.engine.trigger_visualization_hook`): a strip of frames
with the predicted and true class per recognition sample, the timeline of
true and predicted frame labels per detection / segmentation window.

The tool imports ``usdrl_mm`` as an installed package (``pip install -e .``)
and leaves ``sys.path`` alone, as MMAction2's does. A config whose
``custom_imports`` name modules of the repository that are not installed
(``projects.*``) needs the repository root on ``PYTHONPATH``
(``PYTHONPATH=$(pwd):$PYTHONPATH python tools/test.py ...`` from the root);
``tools/dist_test.sh`` and ``tools/slurm_test.sh`` set it themselves.
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
from usdrl_mm.engine import (CheckpointMismatchError, NoDisplayError,
                             add_allow_partial_argument,
                             configure_checkpoint_fit,
                             trigger_visualization_hook)
from usdrl_mm.utils import close_process_group, init_cpu_process_group


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test (and eval) a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--work-dir', help='the dir to save the evaluation metrics')
    parser.add_argument(
        '--dump',
        type=str,
        help='dump predictions to a pickle file for offline evaluation')
    add_cfg_options_argument(parser)
    parser.add_argument(
        '--show-dir',
        help='write a PNG per drawn test sample (and predictions.jsonl, '
        'what each shows) to this directory')
    parser.add_argument(
        '--show',
        action='store_true',
        help='show each drawn sample in a window (needs a display)')
    parser.add_argument(
        '--interval', type=int, default=1, help='draw every n-th sample')
    parser.add_argument(
        '--show-limit',
        type=int,
        help='draw at most this many samples (default: all)')
    parser.add_argument(
        '--wait-time', type=float, default=2, help='seconds per window')
    add_launcher_arguments(parser)
    add_allow_partial_argument(parser)
    args = parser.parse_args()
    export_local_rank(args)
    return args


def merge_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Merge command-line arguments into the config."""
    trigger_visualization_hook(cfg, args.show, args.show_dir, args.interval,
                               args.wait_time, args.show_limit)

    if args.dump is not None:
        if not args.dump.endswith(('.pkl', '.pickle')):
            raise ValueError(f'--dump must name a .pkl file, got {args.dump}')
        dump_metric = dict(type='DumpResults', out_file_path=args.dump)
        if isinstance(cfg.test_evaluator, (list, tuple)):
            cfg.test_evaluator = [*cfg.test_evaluator, dump_metric]
        else:
            cfg.test_evaluator = [cfg.test_evaluator, dump_metric]

    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)

    apply_work_dir_argument(cfg, args)
    cfg.load_from = args.checkpoint
    # the Runner only logs missing or mis-shaped keys and would test random
    # weights
    configure_checkpoint_fit(cfg, args.allow_partial)
    return cfg


def main() -> None:
    args = parse_args()
    with exit_on_error(NoDisplayError):
        cfg = merge_args(Config.fromfile(args.config), args)
    init_cpu_process_group(cfg, args.launcher)
    runner = Runner.from_cfg(cfg)
    with exit_on_error(CheckpointMismatchError):
        runner.test()
    close_process_group()


if __name__ == '__main__':
    main()
