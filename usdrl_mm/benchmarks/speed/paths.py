"""One MG-FD pretraining step along usdrl_mm's optimisations, side by side
in one process.

Paths, each adding one change to the previous one:

- ``plain``: CA and DSA attention called one after the other, (D, D)
  covariance / cross-correlation matrices, Adam as a python loop;
- ``+fused-attention``: the three attention passes of a DST layer in one
  batched call;
- ``+gram-losses``: the decorrelation terms from (B, B) Gram matrices;
- ``+fused-adam``: one fused Adam kernel (= the usdrl_mm default);
- ``+bf16``: the default with bf16 autocast (``MixedPrecisionOptimWrapper``
  with ``dtype='bfloat16'``: bf16 on a CPU and on a GPU);
- ``+compile`` (opt-in): the default with the encoder compiled in place by
  ``torch.compile``, as ``--compile`` (``CompileModulesHook``) does; the
  warm-up steps absorb the compilation.

Steps of all paths are interleaved round by round
(:func:`.timing.interleave`), so machine noise hits them alike. Inputs
are random clips of the config's shape (``views`` clips per sample), so
data loading is not included. Peak memory
(:mod:`.memory`) is measured in a fresh process per path, from before the
model is built to the end of two steps: model, optimizer state, input and
the steps' working memory. Each path's FLOPs are counted once, on one
extra step before the warm-up (before the compilation of ``+compile``, which
runs the same FLOPs), and every row gives its achieved GFLOP/s and fraction
of the measured GEMM peak of its precision (:mod:`.flops`).
"""
import copy
from typing import Dict, List, Optional, Sequence

import torch
from mmaction.registry import MODELS
from mmengine.config import Config, ConfigDict
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope

from .flops import count_flops, flop_fields
from .memory import PeakMemory, in_fresh_process
from .precision import optim_wrapper_precision
from .rates import speed_summary
from .tables import comparison_table
from .timing import interleave, machine_fields

PATHS = ('plain', '+fused-attention', '+gram-losses', '+fused-adam', '+bf16')
#: Paths off the chain above: the name and the chain path they build on.
EXTRA_PATHS = {'+compile': '+fused-adam'}
ALL_PATHS = PATHS + tuple(EXTRA_PATHS)


def path_config(cfg: Config, path: str, hidden_dim: int) -> ConfigDict:
    """The ``model`` and ``optim_wrapper`` configs of one path, as plain
    dicts in a ``ConfigDict``."""
    if path not in ALL_PATHS:
        raise ValueError(f'path must be one of {ALL_PATHS}, got {path!r}')
    rank = PATHS.index(EXTRA_PATHS.get(path, path))
    model = copy.deepcopy(cfg.model)
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
    if rank >= 4:
        wrapper = dict(
            type='MixedPrecisionOptimWrapper',
            dtype='bfloat16',
            optimizer=optimizer)
    else:
        wrapper = dict(type='OptimWrapper', optimizer=optimizer)
    return ConfigDict(
        model=model.to_dict(),
        optim_wrapper=wrapper,
        compile_backbone=path == '+compile')


class PathStep:
    """One path's model, optim wrapper and input batch of
    ``(batch_size, views, M, T, V, C)`` random clips.

    With ``flops``, one step is run under the FLOP counter first
    (:attr:`flops`, else ``None``), before ``+compile`` compiles.
    """

    def __init__(self,
                 path_cfg: ConfigDict,
                 batch_size: int,
                 views: int,
                 device: torch.device,
                 flops: bool = False) -> None:
        torch.manual_seed(0)
        self.device = torch.device(device)
        self.model = MODELS.build(path_cfg.model).to(self.device)
        self.model.init_weights()
        self.model.train()
        self.optim = build_optim_wrapper(self.model, path_cfg.optim_wrapper)
        self.precision = optim_wrapper_precision(self.optim, self.device)
        # (N, views, M, T, V, C): random clips of the built encoder's shape
        self.inputs = torch.randn(
            batch_size,
            views,
            *self.model.backbone.clip_shape,
            device=self.device)
        self.flops: Optional[int] = count_flops(self) if flops else None
        if path_cfg.compile_backbone:  # in place, as CompileModulesHook does
            self.model.backbone.compile()

    def __call__(self) -> None:
        """One training step."""
        with self.optim.optim_context(self.model):
            losses = self.model.loss(self.inputs)
        loss = sum(v for k, v in losses.items() if k.startswith('loss'))
        self.optim.update_params(loss)
        if not torch.isfinite(loss):
            raise RuntimeError(f'non-finite loss {loss.item()}')


def path_peak_memory(path_cfg: ConfigDict, batch_size: int, views: int,
                     device: str, threads: int) -> Dict:
    """Peak memory of building one path and running two steps, in this
    process (:func:`measure_paths` calls it in a fresh one)."""
    import usdrl_mm  # noqa: F401  registries, in a spawned process
    init_default_scope('mmaction')
    torch.set_num_threads(threads)
    memory = PeakMemory(torch.device(device))
    memory.start()
    step = PathStep(path_cfg, batch_size, views, device)
    for _ in range(2):
        step()
    return dict(peak_mem_mib=memory.peak_mib(), peak_mem_kind=memory.kind)


def peak_memory_in_fresh_process(path_cfg: ConfigDict, batch_size: int,
                                 views: int, device: torch.device) -> Dict:
    """:func:`path_peak_memory` in a new (spawned) python process."""
    return in_fresh_process(path_peak_memory, path_cfg, batch_size, views,
                            str(device), torch.get_num_threads())


def measure_paths(cfg: Config,
                  device: torch.device,
                  paths: Sequence[str] = PATHS,
                  hidden_dim: int = 256,
                  batch_size: int = 32,
                  views: int = 4,
                  rounds: int = 5,
                  warmup: int = 1,
                  memory: bool = True,
                  log=print,
                  flops: bool = True,
                  gemm_sizes: Optional[Sequence[int]] = None) -> List[Dict]:
    """One row per path: step statistics over ``rounds`` interleaved
    rounds, both rates, ``speedup`` (median step of the first path over
    this one's), ``precision``, the FLOP fields of :func:`.flops.flop_fields`
    (``None`` without ``flops``; ``gemm_sizes`` for the peak) and the peak
    memory (NaN without ``memory``). ``log`` gets a line per round
    (``None``: silent)."""
    if rounds < 1 or warmup < 0:
        raise ValueError('need rounds >= 1 and warmup >= 0')
    path_cfgs = {p: path_config(cfg, p, hidden_dim) for p in paths}
    steps = {
        p: PathStep(path_cfgs[p], batch_size, views, device, flops)
        for p in paths
    }
    precision = {p: step.precision for p, step in steps.items()}
    counted = {p: step.flops for p, step in steps.items()}
    times = interleave(steps, rounds, warmup, device, log)
    del steps
    rows = []
    for p in paths:
        row = dict(mode='paths', path=p, precision=precision[p])
        row.update(speed_summary(times[p], batch_size, views))
        row['speedup'] = rows[0]['step_s'] / row['step_s'] if rows else 1.0
        row.update(
            flop_fields(counted[p], row['step_s'], precision[p], device,
                        gemm_sizes))
        if memory:
            row.update(
                peak_memory_in_fresh_process(path_cfgs[p], batch_size, views,
                                             device))
        else:
            row.update(peak_mem_mib=float('nan'), peak_mem_kind='')
        row.update(
            hidden_dim=hidden_dim,
            batch_size=batch_size,
            rounds=rounds,
            warmup=warmup)
        row.update(machine_fields(device))
        rows.append(row)
    return rows


def paths_table(rows: Sequence[Dict]) -> str:
    """The markdown table of :func:`measure_paths`."""
    return comparison_table(
        rows, ('path', lambda r: r['path']),
        ('speed-up over the first', lambda r: f"{r['speedup']:.2f}x"),
        step_digits=3)
