"""Streaming speed and latency of a config on this machine: ms per frame,
frames per second, and (dense configs) the latency from a segment's end
to its report, in frames and ms.

    python tools/analysis_tools/benchmark_streaming.py CONFIG [--frames 600] \
        [--checkpoint CKPT] [--fps 30] [--json OUT]

Pushes a synthetic skeleton sequence frame by frame into the stream the
config makes (``usdrl_mm.apis.streaming``); without ``--checkpoint`` the
model is randomly initialised, which changes the segments found but not
the cost. The measurements are defined in ``usdrl_mm.benchmarks.streaming``.
"""
import argparse
import json
import os
import os.path as osp
from typing import List, Optional

import torch
from mmengine.config import DictAction
from mmengine.runner import set_random_seed

from usdrl_mm.apis import init_model
from usdrl_mm.apis.streaming import MODES, stream_for
from usdrl_mm.benchmarks.streaming import (benchmark_streaming,
                                           synthetic_sequence)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split('\n\n', 1)[1])
    parser.add_argument('config', help='model config file')
    parser.add_argument(
        '--frames', type=int, default=600, help='frames pushed (timed)')
    parser.add_argument(
        '--checkpoint', help='checkpoint to load (default: random init)')
    parser.add_argument(
        '--fps',
        type=float,
        default=30.,
        help='input rate the latency in ms assumes (default 30)')
    parser.add_argument(
        '--mode', choices=MODES, help='dense configs: the window mode')
    parser.add_argument(
        '--hop', type=int, default=1, help='frames between trailing windows')
    parser.add_argument(
        '--window', type=int, help='recognition: frames per window')
    parser.add_argument(
        '--interval', type=int, help='recognition: frames between windows')
    parser.add_argument('--device', default='cpu', help='e.g. cpu, cuda:0')
    parser.add_argument('--threads', type=int, help='torch CPU threads')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--json', help='write all measurements here')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, key=value pairs')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    if args.frames < 1:
        raise SystemExit(f'--frames must be >= 1, got {args.frames}')
    if args.threads:
        torch.set_num_threads(args.threads)
    set_random_seed(args.seed)
    model = init_model(args.config, args.checkpoint, args.device,
                       args.cfg_options)
    dense = type(getattr(model, 'cls_head', None)).__name__ == \
        'DenseFrameHead'
    options = dict(
        mode=args.mode, hop=args.hop) if dense else dict(
            window=args.window, interval=args.interval)
    # the synthetic sequence is one person in a known order
    stream = stream_for(model, tracking=None, **options)
    keypoint, score = synthetic_sequence(stream, args.frames, args.seed)
    result = benchmark_streaming(stream, keypoint, score, fps=args.fps)
    print(f'{args.config} on {args.device} '
          f'({torch.get_num_threads()} threads)')
    print(result.format())
    if args.json:
        os.makedirs(osp.dirname(osp.abspath(args.json)), exist_ok=True)
        with open(args.json, 'w', encoding='utf-8') as f:
            json.dump(dict(result.to_dict(), config=args.config), f, indent=1)
        print(f'measurements written to {args.json}')
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
