"""Training steps on the config's own batches for every combination of
torch CPU threads and data-loader workers, in one process.

For each ``(threads, workers)`` the model and optim wrapper built once
(:func:`.steps.build_training`) train on a fresh training dataloader with
``num_workers=workers`` (``persistent_workers`` exactly when there are
workers) under ``torch.set_num_threads(threads)``; the wait for the next
batch counts, as in a training loop (``benchmark.py pretrain --real-data``).
The combinations run one after the other within a round and the rounds
repeat the sequence, so slow drifts of the machine hit all of them; steps
of different combinations are not interleaved one by one, because the
workers of a live loader would prefetch while another combination is timed.
Each block of steps starts with ``warmup`` untimed ones (worker start-up).
"""
import gc
import os.path as osp
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import torch
from mmengine.config import Config

from .inputs import clips_per_sample, endless_batches, loader_config
from .memory import PeakMemory
from .rates import speed_summary
from .steps import build_training
from .tables import markdown_table, memory_column, rate_columns, step_columns
from .timing import machine_fields, time_steps


def _time_block(model: torch.nn.Module, optim_wrapper, source: Iterator[dict],
                iters: int, warmup: int,
                device: torch.device) -> Tuple[List[float], float, str]:
    """Training steps on the batches of ``source``: their seconds, the
    peak memory and its kind."""

    def step() -> None:
        model.train_step(next(source), optim_wrapper)

    memory = PeakMemory(device)
    times = time_steps(step, iters, warmup, device, memory)
    return times, memory.peak_mib(), memory.kind


def measure_threads(cfg: Config,
                    config_path: str,
                    device: torch.device,
                    threads: Sequence[int],
                    workers: Sequence[int],
                    batch_size: Optional[int] = None,
                    iters: int = 10,
                    warmup: int = 2,
                    rounds: int = 1,
                    amp: bool = False,
                    seed: int = 0) -> List[Dict]:
    """One result per ``(threads, workers)``, threads-major, with
    ``iters * rounds`` timed steps each (see the module docstring)."""
    if rounds < 1:
        raise ValueError(f'rounds must be >= 1, got {rounds}')
    if min(threads) < 1 or min(workers) < 0:
        raise ValueError(f'need threads >= 1 and workers >= 0, got '
                         f'{list(threads)}, {list(workers)}')
    if batch_size is None:
        batch_size = cfg.train_dataloader.batch_size
    model, optim_wrapper, precision = build_training(cfg, device, amp)
    combos = [(t, w) for t in threads for w in workers]
    times: Dict[tuple, List[float]] = {c: [] for c in combos}
    peaks: Dict[tuple, float] = {c: 0.0 for c in combos}
    kinds: Dict[tuple, str] = {}
    k = None
    before = torch.get_num_threads()
    try:
        for _ in range(rounds):
            for combo in combos:
                torch.set_num_threads(combo[0])
                source = endless_batches(
                    loader_config(cfg, 'train_dataloader', batch_size,
                                  combo[1]), seed)
                if k is None:
                    k = clips_per_sample(model.data_preprocessor, next(source))

                block, peak, kinds[combo] = _time_block(
                    model, optim_wrapper, source, iters, warmup, device)
                times[combo] += block
                peaks[combo] = max(peaks[combo], peak)
                source.close()  # let the loader and its workers go
                gc.collect()
    finally:
        torch.set_num_threads(before)
    rows = []
    for t, w in combos:
        row = dict(
            mode='threads',
            config=osp.splitext(osp.basename(config_path))[0],
            threads=t,
            workers=w,
            persistent_workers=w > 0,
            batch_size=batch_size,
            iters=iters,
            warmup=warmup,
            rounds=rounds,
            real_data=True,
            precision=precision)
        row.update(speed_summary(times[(t, w)], batch_size, k))
        row.update(peak_mem_mib=peaks[(t, w)], peak_mem_kind=kinds[(t, w)])
        row.update(machine_fields(device))
        row['torch_threads'] = t
        rows.append(row)
    return rows


def threads_table(rows: Sequence[Dict]) -> str:
    """The markdown table of :func:`measure_threads`."""
    columns = [
        ('torch threads', lambda r: str(r['threads'])),
        ('loader workers', lambda r: str(r['workers'])),
        *step_columns(),
        *rate_columns(),
        ('precision', lambda r: r['precision']),
        memory_column(),
    ]
    return markdown_table(columns, rows)
