"""Time one MG-FD pretraining step along usdrl_mm's optimisations, side by
side in one process.

Paths, each adding one change to the previous one:

- ``plain``: CA and DSA attention called one after the other, (D, D)
  covariance / cross-correlation matrices, Adam as a python loop;
- ``+fused-attention``: the three attention passes of a DST layer in one
  batched call;
- ``+gram-losses``: the decorrelation terms from (B, B) Gram matrices;
- ``+fused-adam``: one fused Adam kernel (= the usdrl_mm default);
- ``+bf16``: the default with bf16 autocast (``--amp`` on a CPU);
- ``+compile`` (opt-in, ``--paths ... +compile``): the default with the
  encoder compiled in place by ``torch.compile``, as ``--compile``
  (``CompileModulesHook``) does; the warm-up steps absorb the compilation.

Steps of all paths are interleaved round by round, so machine noise hits
them alike; the table gives the median seconds per step, clips/s and the
speed-up over ``plain``. Peak memory is measured in a fresh subprocess per
path running two steps (the process's peak resident set on a CPU; the peak
allocated over the built model on a GPU). Inputs are random clips of the
config's shape (4 views), so data loading is not included; see
``benchmark.py data`` for that.

    python tools/analysis_tools/benchmark_pretrain_paths.py \
        configs/usdrl/mgfd_dste_2xb178-joint-451e_ntu60-xsub-keypoint-3d.py \
        --hidden-dim 256 --batch-size 32 --rounds 5
"""
import argparse
import copy
import json
import os.path as osp
import resource
import statistics
import subprocess
import sys
import time
from typing import Dict, List

import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope

sys.path.insert(0,
                osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
from mmaction.registry import MODELS  # noqa: E402

import usdrl_mm  # noqa: E402,F401

PATHS = ('plain', '+fused-attention', '+gram-losses', '+fused-adam', '+bf16')
#: Paths off the chain above: the name and the chain path they build on.
EXTRA_PATHS = {'+compile': '+fused-adam'}


def path_config(cfg: Config, path: str, hidden_dim: int) -> Config:
    """The model and optim wrapper configs of one path."""
    cfg = copy.deepcopy(cfg)
    rank = PATHS.index(EXTRA_PATHS.get(path, path))
    model = cfg.model
    model.backbone.hidden_dim = hidden_dim
    model.projector.in_channels = hidden_dim
    model.backbone.fuse_attention = rank >= 1
    for term in ('loss_vac', 'loss_xcorr'):
        if term in model.head:
            model.head[term].gram = None if rank >= 2 else False
    optimizer = dict(cfg.optim_wrapper.optimizer)
    optimizer.pop('fused', None)
    if rank >= 3:
        optimizer['fused'] = True
    else:
        optimizer['foreach'] = False
    wrapper = 'MixedPrecisionOptimWrapper' if rank >= 4 else 'OptimWrapper'
    cfg.optim_wrapper = dict(type=wrapper, optimizer=optimizer)
    return cfg


class Step:
    """One path's model, optimizer and input batch."""

    def __init__(self,
                 cfg: Config,
                 args: argparse.Namespace,
                 device: str,
                 compile_backbone: bool = False) -> None:
        torch.manual_seed(0)
        self.model = MODELS.build(cfg.model).to(device)
        self.model.init_weights()
        self.model.train()
        if compile_backbone:  # in place, as CompileModulesHook does
            self.model.backbone.compile()
        self.optim = build_optim_wrapper(self.model, cfg.optim_wrapper)
        bb = cfg.model.backbone
        self.inputs = torch.randn(
            args.batch_size,
            args.views,
            bb.get('num_persons', 2),
            bb.get('clip_len', 64),
            bb.get('num_joints', 25),
            bb.get('in_channels', 3),
            device=device)

    def __call__(self) -> float:
        sync()
        start = time.perf_counter()
        with self.optim.optim_context(self.model):
            losses = self.model.loss(self.inputs)
        loss = sum(v for k, v in losses.items() if k.startswith('loss'))
        self.optim.update_params(loss)
        sync()
        if not torch.isfinite(loss):
            raise RuntimeError(f'non-finite loss {loss.item()}')
        return time.perf_counter() - start


def sync() -> None:
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def peak_memory_mib(cfg: Config, args: argparse.Namespace, path: str,
                    device: str) -> float:
    """Run ``--memory-of PATH`` in a fresh process and read its answer."""
    cmd = [
        sys.executable, __file__, args.config, '--memory-of', path,
        '--hidden-dim',
        str(args.hidden_dim), '--batch-size',
        str(args.batch_size), '--views',
        str(args.views)
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def measure_memory(cfg: Config, args: argparse.Namespace, path: str,
                   device: str) -> float:
    step = Step(
        path_config(cfg, path, args.hidden_dim), args, device,
        path == '+compile')
    if device == 'cuda':
        torch.cuda.reset_peak_memory_stats()
        base = torch.cuda.memory_allocated()
        for _ in range(2):
            step()
        return (torch.cuda.max_memory_allocated() - base) / 2**20
    # the peak resident set of the whole process: the same model, optimizer
    # state and input in every path, so the differences are the step's
    # working memory
    for _ in range(2):
        step()
    return peak_rss_mib()


def peak_rss_mib() -> float:
    """Peak resident set of this process in MiB: ``VmHWM`` on Linux (reset
    by exec, unlike ``ru_maxrss``, which a child started by a large parent
    inherits), ``ru_maxrss`` elsewhere."""
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def table(rows: List[Dict]) -> str:
    lines = [
        '| path | s / step | clips/s | speed-up over plain | '
        'peak memory (MiB) |', '|---|---|---|---|---|'
    ]
    for r in rows:
        lines.append(f"| {r['path']} | {r['s_per_step']:.3f} | "
                     f"{r['clips_per_s']:.1f} | {r['speedup']:.2f}x | "
                     f"{r['peak_mem_mib']:.0f} |")
    return '\n'.join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='an MG-FD pretraining config')
    parser.add_argument('--hidden-dim', type=int, default=256)
    parser.add_argument('--batch-size', type=int, default=32)
    parser.add_argument('--views', type=int, default=4)
    parser.add_argument('--rounds', type=int, default=5)
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument(
        '--paths',
        nargs='+',
        default=list(PATHS),
        choices=PATHS + tuple(EXTRA_PATHS))
    parser.add_argument('--no-memory', action='store_true')
    parser.add_argument('--out', help='also write the rows as JSON here')
    parser.add_argument(
        '--memory-of',
        choices=PATHS + tuple(EXTRA_PATHS),
        help=argparse.SUPPRESS)
    args = parser.parse_args()

    init_default_scope('mmaction')
    cfg = Config.fromfile(args.config)
    device = 'cuda' if torch.cuda.is_available() else 'cpu'
    if args.memory_of:
        print(measure_memory(cfg, args, args.memory_of, device))
        return

    steps = {
        p:
        Step(
            path_config(cfg, p, args.hidden_dim), args, device,
            p == '+compile')
        for p in args.paths
    }
    for _ in range(args.warmup):
        for step in steps.values():
            step()
    times: Dict[str, List[float]] = {p: [] for p in args.paths}
    for r in range(args.rounds):
        for p, step in steps.items():
            times[p].append(step())
        print(
            f'round {r + 1}/{args.rounds}: ' +
            ', '.join(f'{p} {times[p][-1]:.2f}s' for p in args.paths),
            flush=True)
    del steps
    base = statistics.median(times[args.paths[0]])
    rows = []
    for p in args.paths:
        med = statistics.median(times[p])
        rows.append(
            dict(
                path=p,
                s_per_step=med,
                clips_per_s=args.batch_size / med,
                speedup=base / med,
                peak_mem_mib=float('nan')
                if args.no_memory else peak_memory_mib(cfg, args, p, device),
                device=device,
                threads=torch.get_num_threads(),
                hidden_dim=args.hidden_dim,
                batch_size=args.batch_size,
                views=args.views))
    print(table(rows))
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(rows, f, indent=1)


if __name__ == '__main__':
    main()
