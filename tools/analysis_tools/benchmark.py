"""Speed and peak memory of configs on this machine.

    python tools/analysis_tools/benchmark.py SUBCOMMAND ...

- ``pretrain CONFIG``, ``infer CONFIG``, ``data CONFIG``: a training step,
  a forward pass, or the dataloader and data preprocessor, on random inputs
  or (``--real-data``) the config's batches; one JSON line;
- ``augment [PER_SAMPLE_CONFIG] [BATCHED_CONFIG]``: the four views of one
  batch from per-sample transforms against the batched on-device ops; a
  line per path and one JSON line;
- ``paths CONFIG``: one MG-FD pretraining step along usdrl_mm's
  optimisations, interleaved; a markdown table and a JSON line per path;
- ``threads CONFIG --threads 1 2 --workers 0 1 2``: training steps on the
  config's batches for every combination of torch threads and dataloader
  workers; a markdown table and a JSON line per combination.

Every result names ``samples_per_s`` (``batch_size / step_s``),
``clips_per_s`` (``batch_size * clips_per_sample / step_s``; clips are
views for MG-FD / MPCT, clips for a recognizer), ``clips_per_sample``, the
``precision`` the steps ran in (``fp32``, ``bf16-autocast``,
``fp16-autocast``, read from the built optim wrapper) and the peak memory;
``step_s`` is the median step. The definitions and the measurements live in
``usdrl_mm.benchmarks.speed``.

Without the config's data files, ``pretrain`` and ``infer`` take the
per-sample input shape, e.g. ``--input-shape 1 2 64 25 3``.
"""
import argparse
import json
from typing import Dict, List, Union

from mmengine.config import DictAction

from usdrl_mm.benchmarks import speed

Result = Union[Dict, List[Dict]]


def add_common(parser: argparse.ArgumentParser,
               threads_list: bool = False,
               seed: bool = True) -> None:
    """Options every subcommand takes."""
    parser.add_argument('--device', help='cuda if available, else cpu')
    if threads_list:
        parser.add_argument(
            '--threads',
            type=int,
            nargs='+',
            default=[1, 2],
            help='torch CPU threads to try (torch.set_num_threads)')
    else:
        parser.add_argument('--threads', type=int, help='torch CPU threads')
    if seed:
        parser.add_argument('--seed', type=int, default=0)


def add_timing(parser: argparse.ArgumentParser,
               iters: int = 10,
               warmup: int = 2) -> None:
    """The batch size and the numbers of timed and untimed steps."""
    parser.add_argument(
        '--batch-size',
        type=int,
        help="samples per step; the config's dataloader batch by default")
    parser.add_argument('--iters', type=int, default=iters, help='timed steps')
    parser.add_argument(
        '--warmup', type=int, default=warmup, help='untimed steps first')


def parse_args(argv=None) -> argparse.Namespace:
    """The subcommand and its options."""
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split('\n', 1)[1])
    sub = parser.add_subparsers(dest='mode', required=True)
    for mode in speed.MODES:
        p = sub.add_parser(mode, help=f'{mode}: one JSON line')
        p.add_argument('config')
        add_timing(p)
        p.add_argument(
            '--amp',
            action='store_true',
            help='mixed precision: fp16 autocast on a GPU, bf16 on a CPU')
        p.add_argument(
            '--compile', action='store_true', help='torch.compile forward')
        p.add_argument(
            '--real-data',
            action='store_true',
            help="batches of the config's dataloader, not random inputs")
        p.add_argument(
            '--input-shape',
            type=int,
            nargs='+',
            help='per-sample input shape for random inputs without data')
        p.add_argument('--cfg-options', nargs='+', action=DictAction)
        add_common(p)

    p = sub.add_parser('augment', help='per-sample vs batched views')
    p.add_argument(
        'per_sample_config', nargs='?', default=speed.AUGMENT_CONFIGS[0])
    p.add_argument(
        'batched_config', nargs='?', default=speed.AUGMENT_CONFIGS[1])
    p.add_argument('--batch-size', type=int, default=64)
    p.add_argument('--iters', type=int, default=10)
    p.add_argument('--warmup', type=int, default=2)
    p.add_argument('--ann-file', help="instead of the config's data")
    add_common(p)

    p = sub.add_parser('paths', help='MG-FD step along the optimisations')
    p.add_argument('config', help='an MG-FD pretraining config')
    p.add_argument('--hidden-dim', type=int, default=256)
    p.add_argument('--batch-size', type=int, default=32)
    p.add_argument('--views', type=int, default=4)
    p.add_argument('--rounds', type=int, default=5)
    p.add_argument('--warmup', type=int, default=1)
    p.add_argument(
        '--paths',
        nargs='+',
        default=list(speed.PATHS),
        choices=speed.ALL_PATHS)
    p.add_argument(
        '--no-memory',
        action='store_true',
        help='skip the peak memory (a fresh process per path)')
    p.add_argument('--out', help='also write the rows as JSON here')
    add_common(p, seed=False)

    p = sub.add_parser('threads', help='torch threads x loader workers')
    p.add_argument('config')
    add_timing(p)
    p.add_argument(
        '--workers',
        type=int,
        nargs='+',
        default=[0, 1, 2],
        help='train_dataloader.num_workers to try')
    p.add_argument(
        '--rounds',
        type=int,
        default=1,
        help='repeat the sequence of combinations')
    p.add_argument(
        '--amp',
        action='store_true',
        help='mixed precision: fp16 autocast on a GPU, bf16 on a CPU')
    p.add_argument('--cfg-options', nargs='+', action=DictAction)
    add_common(p, threads_list=True)

    args = parser.parse_args(argv)
    if getattr(args, 'iters', 1) < 1 or args.warmup < 0:
        parser.error('need --iters >= 1 and --warmup >= 0')
    if args.mode == 'data' and (args.compile or args.amp):
        parser.error('--amp and --compile apply to pretrain and infer')
    return args


def main(argv=None) -> Result:
    """Run the subcommand, print its table or lines and a JSON line per
    result; return the result (the rows for ``threads`` and ``paths``)."""
    args = parse_args(argv)
    device = speed.resolve_device(args.device)
    if args.mode == 'threads':
        speed.set_up(None, args.seed)
        rows = speed.measure_threads(
            speed.load_config(args.config, args.cfg_options), args.config,
            device, args.threads, args.workers, args.batch_size, args.iters,
            args.warmup, args.rounds, args.amp, args.seed)
        print(speed.threads_table(rows))
    elif args.mode == 'paths':
        speed.set_up(args.threads)
        rows = speed.measure_paths(
            speed.load_config(args.config), device, args.paths,
            args.hidden_dim, args.batch_size, args.views, args.rounds,
            args.warmup, not args.no_memory)
        print(speed.paths_table(rows))
        if args.out:
            with open(args.out, 'w') as f:
                json.dump(rows, f, indent=1)
    elif args.mode == 'augment':
        speed.set_up(args.threads, args.seed)
        result = speed.measure_augment(
            speed.load_config(args.per_sample_config),
            speed.load_config(args.batched_config), device, args.batch_size,
            args.iters, args.warmup, args.ann_file)
        print(speed.augment_lines(result))
        rows = [result]
    else:
        cfg = speed.load_config(args.config, args.cfg_options)
        speed.set_up(args.threads, args.seed)
        rows = [
            speed.benchmark_config(args.mode, cfg, args.config, device,
                                   args.batch_size, args.iters, args.warmup,
                                   args.amp, args.compile, args.real_data,
                                   args.input_shape)
        ]
    for row in rows:
        print(json.dumps(row), flush=True)
    return rows if args.mode in ('threads', 'paths') else rows[0]


if __name__ == '__main__':
    main()
