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
  workers; a markdown table and a JSON line per combination;
- ``original CONFIG --original-repo PATH``: the authors' USDRL pretraining
  step, imported at run time from the checkout at PATH (its
  ``model/DSTE.py`` and ``model/loss.py``; nothing of it is in this
  project), interleaved with usdrl_mm's step of the MG-FD config CONFIG in
  fp32 and as the config's optim wrapper runs it (mixed precision in the
  recipes); a markdown table and a JSON line per step with
  ``speedup_over_original`` (the original's median step over this one's)
  and its per-round median. ``--original-precision fp16-autocast`` (GPU)
  runs the original's own AMP recipe. FoundSkelModel hard-codes 34 spatial
  tokens: compare it on the 2D NTU config (17 joints);
- ``stream CONFIG [--checkpoint CKPT] [--frames 600]``: frames pushed one
  by one into the stream the config makes (``usdrl_mm.apis.streaming``):
  ms per frame, frames per second and, for dense configs, the latency from
  an action's end to its segment's report, in frames and in ms at
  ``--fps`` (``usdrl_mm.benchmarks.streaming``); the lines and one JSON
  line.

Every result names ``samples_per_s`` (``batch_size / step_s``),
``clips_per_s`` (``batch_size * clips_per_sample / step_s``; clips are
views for MG-FD / MPCT, clips for a recognizer), ``clips_per_sample``, the
``precision`` the steps ran in (``fp32``, ``bf16-autocast``,
``fp16-autocast``, read from the built optim wrapper) and the peak memory;
``step_s`` is the median step. ``pretrain``, ``infer``, ``paths`` and
``original`` also give ``flops`` (one step's, counted by torch's
``FlopCounterMode`` as ``2 * M * N * K`` per matrix product: FLOPs, not
multiply-adds), ``gflops_per_s = flops / step_s / 1e9`` and
``peak_fraction = gflops_per_s / gemm_peak_gflops``, the machine's GEMM
peak for the row's precision (``gemm_peak_precision``) measured by the tool
with square ``torch.mm`` (``--gemm-sizes``) at the current thread count;
``--no-flops`` skips both. The definitions and the measurements live in
``usdrl_mm.benchmarks.speed``.

Without the config's data files, ``pretrain`` and ``infer`` take the
per-sample input shape, e.g. ``--input-shape 1 2 64 25 3``.
"""
import argparse
import json
import sys
from typing import Dict, List, Union

import torch

from usdrl_mm.apis.arguments import add_cfg_options_argument
from usdrl_mm.benchmarks import speed
from usdrl_mm.benchmarks.streaming import measure_stream
from usdrl_mm.fileio import atomic_write_json

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


def add_flops(parser: argparse.ArgumentParser) -> None:
    """The FLOP count and the GEMM peak it is reported against."""
    parser.add_argument(
        '--no-flops',
        action='store_true',
        help='skip the FLOP count and the GEMM peak')
    parser.add_argument(
        '--gemm-sizes',
        type=int,
        nargs='+',
        help='square torch.mm sizes of the GEMM peak '
        '(default 1024 2048 4096 on a CPU, 2048 4096 8192 on a GPU)')


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
        add_cfg_options_argument(p)
        add_flops(p)
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
    add_flops(p)
    add_common(p, seed=False)

    p = sub.add_parser(
        'original', help="the authors' USDRL step against usdrl_mm's")
    p.add_argument('config', help='an MG-FD pretraining config (DSTE)')
    p.add_argument(
        '--original-repo',
        required=True,
        help='a checkout of the original code (model/DSTE.py, '
        'model/loss.py)')
    p.add_argument(
        '--original-precision',
        default='fp32',
        choices=speed.ORIGINAL_PRECISIONS,
        help="the original's step: fp32, or its AMP recipe on a GPU")
    p.add_argument(
        '--original-xcorr-weight',
        type=float,
        default=0.0,
        help="the original's cross-correlation weight (0 as in "
        "FoundSkelModel; the AAAI code's 1e-3 needs cal_xc)")
    p.add_argument('--hidden-dim', type=int, default=256)
    p.add_argument('--batch-size', type=int, default=32)
    p.add_argument('--rounds', type=int, default=5)
    p.add_argument('--warmup', type=int, default=1)
    p.add_argument(
        '--no-memory',
        action='store_true',
        help='skip the peak memory (a fresh process per step)')
    add_cfg_options_argument(p)
    p.add_argument('--out', help='also write the rows as JSON here')
    add_flops(p)
    add_common(p)

    p = sub.add_parser('stream', help='streaming inference, frame by frame')
    p.add_argument('config')
    p.add_argument(
        '--checkpoint', help='weights to load (default: random init)')
    p.add_argument(
        '--frames', type=int, default=600, help='frames pushed (timed)')
    p.add_argument(
        '--fps',
        type=float,
        default=30.,
        help='input rate the latency in ms assumes (default 30)')
    p.add_argument(
        '--stream-mode',
        choices=('stitched', 'trailing'),
        help='dense configs: the window mode (default: by the encoder)')
    p.add_argument(
        '--hop', type=int, default=1, help='frames between trailing windows')
    p.add_argument('--window', type=int, help='recognition: frames per window')
    p.add_argument(
        '--interval', type=int, help='recognition: frames between windows')
    add_cfg_options_argument(p)
    p.add_argument('--out', help='also write every measurement as JSON here')
    add_common(p)

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
    add_cfg_options_argument(p)
    add_common(p, threads_list=True)

    args = parser.parse_args(argv)
    if args.mode == 'stream':
        if args.frames < 1:
            parser.error(f'--frames must be >= 1, got {args.frames}')
        return args
    if getattr(args, 'iters', 1) < 1 or args.warmup < 0:
        parser.error('need --iters >= 1 and --warmup >= 0')
    if getattr(args, 'rounds', 1) < 1:
        parser.error('need --rounds >= 1')
    if args.mode == 'data' and (args.compile or args.amp):
        parser.error('--amp and --compile apply to pretrain and infer')
    if args.mode == 'data' and (args.no_flops or args.gemm_sizes):
        parser.error('--no-flops and --gemm-sizes apply to pretrain and '
                     'infer')
    return args


def write_rows(rows: List[Dict], path: str) -> None:
    """The rows as one JSON list."""
    atomic_write_json(rows, path)


def original_rows(cfg, args: argparse.Namespace, device) -> List[Dict]:
    """The rows of ``original``."""
    return speed.measure_original(
        cfg,
        args.config,
        args.original_repo,
        device,
        hidden_dim=args.hidden_dim,
        batch_size=args.batch_size,
        rounds=args.rounds,
        warmup=args.warmup,
        original_precision=args.original_precision,
        original_xcorr_weight=args.original_xcorr_weight,
        flops=not args.no_flops,
        gemm_sizes=args.gemm_sizes,
        seed=args.seed,
        memory=not args.no_memory)


def main(argv=None) -> Result:
    """Run the subcommand, print its table or lines and a JSON line per
    result; return the result (the rows for ``threads``, ``paths`` and
    ``original``)."""
    args = parse_args(argv)
    device = speed.resolve_device(args.device)
    if args.mode == 'stream':
        speed.set_up(args.threads, args.seed)
        result = measure_stream(
            args.config,
            args.checkpoint,
            str(device),
            args.cfg_options,
            frames=args.frames,
            fps=args.fps,
            mode=args.stream_mode,
            hop=args.hop,
            window=args.window,
            interval=args.interval,
            seed=args.seed)
        print(f'{args.config} on {device} '
              f'({torch.get_num_threads()} threads)')
        print(result.format())
        row = dict(result.to_dict(), config=args.config)
        if args.out:
            atomic_write_json(row, args.out)
        print(json.dumps(dict(result.summary(), config=args.config)))
        return row
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
            speed.load_config(args.config),
            device,
            args.paths,
            args.hidden_dim,
            args.batch_size,
            args.views,
            args.rounds,
            args.warmup,
            not args.no_memory,
            flops=not args.no_flops,
            gemm_sizes=args.gemm_sizes)
        print(speed.paths_table(rows))
        if args.out:
            write_rows(rows, args.out)
    elif args.mode == 'original':
        cfg = speed.load_config(args.config, args.cfg_options)
        speed.set_up(args.threads, args.seed)
        try:
            rows = original_rows(cfg, args, device)
        except (FileNotFoundError, ImportError, speed.ComparisonError) as e:
            sys.exit(f'benchmark.py original: {e}')
        print(speed.original_table(rows))
        if args.out:
            write_rows(rows, args.out)
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
        extra = {}
        if args.mode != 'data':
            extra = dict(flops=not args.no_flops, gemm_sizes=args.gemm_sizes)
        rows = [
            speed.benchmark_config(args.mode, cfg, args.config, device,
                                   args.batch_size, args.iters, args.warmup,
                                   args.amp, args.compile, args.real_data,
                                   args.input_shape, **extra)
        ]
    for row in rows:
        print(json.dumps(row), flush=True)
    return rows if args.mode in ('threads', 'paths', 'original') else rows[0]


if __name__ == '__main__':
    main()
