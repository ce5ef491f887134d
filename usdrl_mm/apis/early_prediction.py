"""Early action prediction: test one checkpoint at several observed
fractions of each sequence and write the accuracy curve.

The config's test pipeline must contain ``ObservePrefix`` (the first
``ratio`` of each sequence is observed, then resized to the clip length;
design.md §14). Used by ``tools/analysis_tools/early_prediction.py`` and the
``--early`` protocol of ``tools/analysis_tools/eval_encoders.py``.
"""
import copy
import csv
import os
import os.path as osp
import time
from typing import Dict, List, Sequence

from mmengine.config import Config
from mmengine.runner import Runner

DEFAULT_RATIOS = [round(0.1 * i, 1) for i in range(1, 11)]


def with_ratio(cfg: Config, ratio: float) -> Config:
    """A copy of ``cfg`` whose test pipeline observes ``ratio``.

    Raises:
        ValueError: When the test pipeline has no ``ObservePrefix``.
    """
    cfg = copy.deepcopy(cfg)
    pipeline = cfg.test_dataloader.dataset.pipeline
    observe = [t for t in pipeline if t.type == 'ObservePrefix']
    if not observe:
        raise ValueError('the test pipeline has no ObservePrefix transform; '
                         'use an early-prediction config')
    for t in observe:
        t.ratio = ratio
    return cfg


def plot_curve(rows: List[Dict], out: str) -> None:
    """Top-1 (and mean-class) accuracy against the observed part, as a
    PNG."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(4.5, 3.2))
    percent = [100 * r['ratio'] for r in rows]
    ax.plot(percent, [r['top1'] for r in rows], marker='o', label='top-1')
    if all('mean1' in r for r in rows):
        ax.plot(
            percent, [r['mean1'] for r in rows],
            marker='s',
            linestyle='--',
            label='mean-class')
        ax.legend(loc='best')
    ax.set_xlabel('observed part of the sequence (%)')
    ax.set_ylabel('accuracy')
    ax.set_ylim(0, 1)
    ax.grid(alpha=.3)
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)


def sweep(cfg: Config, checkpoint: str, ratios: Sequence[float],
          out_dir: str) -> List[Dict]:
    """Test ``checkpoint`` at every observation ratio (one mmengine Runner
    each, work dir ``out_dir/ratio_R``); one row per ratio with ``top1``
    and, when the config's ``AccMetric`` reports it, the mean-class
    accuracy ``mean1``."""
    rows = []
    for ratio in ratios:
        run_cfg = with_ratio(cfg, ratio)
        run_cfg.load_from = checkpoint
        run_cfg.launcher = 'none'
        run_cfg.work_dir = osp.join(out_dir, f'ratio_{ratio:g}')
        run_cfg.experiment_name = f'early_{ratio:g}_{time.strftime("%H%M%S")}'
        metrics = Runner.from_cfg(run_cfg).test()
        row = dict(ratio=ratio, top1=float(metrics['acc/top1']))
        if 'acc/mean1' in metrics:
            row['mean1'] = float(metrics['acc/mean1'])
        rows.append(row)
    return rows


def write_curve(rows: List[Dict], out_dir: str) -> str:
    """Write ``early_prediction.md``, ``.csv`` and ``.png`` of ``rows`` to
    ``out_dir``; returns the markdown table."""
    mean = all('mean1' in r for r in rows)
    lines = [
        '| observed | top-1 |' + (' mean-class |' if mean else ''),
        '|---|---|' + ('---|' if mean else '')
    ]
    lines += [
        f'| {100 * r["ratio"]:.0f} % | {r["top1"]:.4f} |' +
        (f' {r["mean1"]:.4f} |' if mean else '') for r in rows
    ]
    table = '\n'.join(lines) + '\n'
    os.makedirs(out_dir, exist_ok=True)
    with open(osp.join(out_dir, 'early_prediction.md'), 'w') as f:
        f.write(table)
    with open(osp.join(out_dir, 'early_prediction.csv'), 'w', newline='') as f:
        writer = csv.DictWriter(
            f,
            fieldnames=['ratio', 'top1'] + (['mean1'] if mean else []),
            extrasaction='ignore')
        writer.writeheader()
        writer.writerows(rows)
    plot_curve(rows, osp.join(out_dir, 'early_prediction.png'))
    return table
