"""Training curves from mmengine Runner logs.

A Runner with ``LocalVisBackend`` appends one JSON record per logged step to
``<work_dir>/<timestamp>/vis_data/scalars.json``. Training records carry
``iter`` (and ``epoch`` in epoch-based runs) and ``step`` = the global
iteration; validation records carry the metrics and ``step`` = the epoch
(``LoggerHook(log_metric_by_epoch=True)``, the default) or the iteration
(iteration-based runs). Test metrics are not written there.

Used by ``tools/analysis_tools/plot_training_curves.py`` and
``tools/analysis_tools/summarize_pretraining.py``.
"""
import glob
import json
import math
import os
import os.path as osp
from collections import defaultdict
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import numpy as np

PHASES = ('train', 'val')
# bookkeeping fields of every record, never curves themselves
INDEX_KEYS = ('step', 'epoch', 'iter')
X_AXES = ('epoch', 'step')

Records = Dict[str, List[dict]]  # phase -> records in step order
Curve = Tuple[np.ndarray, np.ndarray]  # (x, y), both (P,)
RunCurves = Dict[str, Dict[str, Curve]]  # key -> phase -> curve


def scalar_files(path: str) -> List[str]:
    """The ``scalars.json`` files of a run: ``path`` itself when it is a
    file, else every ``path/*/vis_data/scalars.json`` in timestamp order."""
    if osp.isfile(path):
        return [path]
    paths = sorted(glob.glob(osp.join(path, '*', 'vis_data', 'scalars.json')))
    if not paths:
        raise FileNotFoundError(f'no */vis_data/scalars.json under {path}'
                                '; is it a Runner work_dir?')
    return paths


def read_scalars(path: str) -> Records:
    """Training and validation records of a run, each in step order.

    Args:
        path (str): A Runner work_dir or one ``scalars.json`` file.

    Returns:
        dict: ``{'train': [...], 'val': [...]}``. A training record is one
        with ``iter`` (only ``LoggerHook.after_train_iter`` writes it).
        Every run writes a timestamped folder; a resumed run continues the
        step count and a restarted one repeats it, so later folders win
        per step.
    """
    by_step: Dict[str, Dict[int, dict]] = {p: {} for p in PHASES}
    for file in scalar_files(path):
        with open(file) as f:
            for line in f:
                if not line.strip():
                    continue
                record = json.loads(line)
                phase = 'train' if 'iter' in record else 'val'
                by_step[phase][record['step']] = record
    return {
        phase: [records[s] for s in sorted(records)]
        for phase, records in by_step.items()
    }


def logged_keys(records: Records) -> Dict[str, List[str]]:
    """``{phase: sorted scalar keys}``, bookkeeping fields left out."""
    return {
        phase: sorted({k
                       for r in rs
                       for k in r if k not in INDEX_KEYS})
        for phase, rs in records.items()
    }


def per_epoch(
        records: Sequence[dict],
        keys: Optional[Iterable[str]] = None) -> Dict[str, Dict[int, float]]:
    """Mean of every key over each epoch of training records.

    Args:
        records (list[dict]): Training records with ``epoch``.
        keys (Iterable[str], optional): Keys to average; all logged scalar
            keys by default.

    Returns:
        dict: ``{key: {epoch: mean}}`` with epochs in increasing order.
    """
    wanted = None if keys is None else set(keys)
    sums: Dict[str, Dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for r in records:
        if 'epoch' not in r:
            raise ValueError('per-epoch curves need epoch-based training '
                             f'records; this one has no epoch: {r}')
        for key, value in r.items():
            if key in INDEX_KEYS or (wanted is not None and key not in wanted):
                continue
            sums[key][r['epoch']].append(value)
    return {
        k: {
            e: float(np.mean(v))
            for e, v in sorted(by_epoch.items())
        }
        for k, by_epoch in sums.items()
    }


def _last_step_of_epoch(train: Sequence[dict]) -> Dict[int, int]:
    """``{epoch: last global step}`` of epoch-based training records."""
    last: Dict[int, int] = {}
    for r in train:
        last[r['epoch']] = max(last.get(r['epoch'], 0), r['step'])
    return last


def run_curves(records: Records,
               keys: Sequence[str],
               x: str = 'epoch') -> RunCurves:
    """Curves of ``keys`` in one run, per phase that logs them.

    Args:
        records (dict): From :func:`read_scalars`.
        keys (list[str]): Logged keys (absent ones are skipped).
        x (str): ``'epoch'``: training values averaged per epoch,
            validation values at their epoch; ``'step'``: every training
            value at its iteration, validation values at the last iteration
            of their epoch.

    Returns:
        dict: ``{key: {phase: (x (P,), y (P,))}}``.
    """
    if x not in X_AXES:
        raise ValueError(f'x must be one of {X_AXES}, got {x!r}')
    train, val = records['train'], records['val']
    by_epoch = bool(train) and all('epoch' in r for r in train)
    if x == 'epoch' and train and not by_epoch:
        raise ValueError('the run is iteration-based (no epoch in its '
                         "training records); plot it with x='step'")
    means = per_epoch(train, keys) if x == 'epoch' and train else {}
    last_step = _last_step_of_epoch(train) if by_epoch else {}
    out: RunCurves = {}
    for key in keys:
        curves: Dict[str, Curve] = {}
        if x == 'epoch' and key in means:
            curves['train'] = (np.array(list(means[key])),
                               np.array(list(means[key].values())))
        elif x == 'step':
            points = [(r['step'], r[key]) for r in train if key in r]
            if points:
                curves['train'] = tuple(np.array(p) for p in zip(*points))
        points = [(r['step'], r[key]) for r in val if key in r]
        if x == 'step' and by_epoch:
            # validation steps count epochs here; place them at the end
            # of their epoch's iterations (epochs not trained are dropped)
            points = [(last_step[e], v) for e, v in points if e in last_step]
        if points:
            curves['val'] = tuple(np.array(p) for p in zip(*points))
        if curves:
            out[key] = curves
    return out


def check_keys(keys: Sequence[str],
               logged: Mapping[str, Mapping[str, Sequence[str]]]) -> None:
    """Raise ``KeyError`` naming the logged keys when a key is logged by no
    run.

    Args:
        keys (list[str]): Requested keys.
        logged (dict): ``{run: {phase: keys}}`` as from
            :func:`logged_keys`.
    """
    every = {
        k
        for phases in logged.values()
        for ks in phases.values()
        for k in ks
    }
    missing = [k for k in keys if k not in every]
    if missing:
        listing = '; '.join(f'{run} {phase}: {", ".join(ks) or "-"}'
                            for run, phases in logged.items()
                            for phase, ks in phases.items())
        raise KeyError(f'{", ".join(map(repr, missing))} not logged by any '
                       f'run; logged keys are {listing}')


def plot_curves(runs: Mapping[str, RunCurves],
                keys: Sequence[str],
                out_file: str,
                xlabel: str = 'epoch',
                max_cols: int = 4) -> str:
    """One subplot per key with every run's curves overlaid; saved as PNG.

    Validation curves are dashed with round markers. The legend names
    ``run`` (``run (val)`` for validation) and is left out for a single
    run with a single curve per subplot.

    Args:
        runs (dict): ``{run name: curves}`` from :func:`run_curves`.
        keys (list[str]): Subplot order.
        out_file (str): PNG path; folders are created.
        xlabel (str): Label of the x axes.
        max_cols (int): Subplots per row.

    Returns:
        str: ``out_file``.
    """
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    if not keys:
        raise ValueError('no keys to plot')
    ncols = min(len(keys), max_cols)
    nrows = math.ceil(len(keys) / ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(4 * ncols, 3.2 * nrows), squeeze=False)
    colors = plt.get_cmap('tab10')
    phases = {p for c in runs.values() for k in keys for p in c.get(k, {})}
    for ax, key in zip(axes.flat, keys):
        drawn = 0
        for i, (run, curves) in enumerate(runs.items()):
            for phase, (xs, ys) in curves.get(key, {}).items():
                val = phase == 'val'
                label = run if len(phases) == 1 or not val else f'{run} (val)'
                ax.plot(
                    xs,
                    ys,
                    marker='o' if val else '.',
                    linestyle='--' if val else '-',
                    color=colors(i % 10),
                    label=label)
                drawn += 1
        ax.set_title(key)
        ax.set_xlabel(xlabel)
        ax.grid(alpha=.3)
        if drawn and (drawn > 1 or len(runs) > 1):
            ax.legend(fontsize=7)
    for ax in list(axes.flat)[len(keys):]:
        ax.set_visible(False)
    fig.tight_layout()
    os.makedirs(osp.dirname(osp.abspath(out_file)), exist_ok=True)
    fig.savefig(out_file, dpi=100)
    plt.close(fig)
    return out_file
