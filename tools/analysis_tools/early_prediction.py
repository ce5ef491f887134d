"""Early action prediction: accuracy against the observed fraction.

Tests one checkpoint of a recognition config whose test pipeline contains
``ObservePrefix`` at every ratio of ``--ratios`` (the first ``ratio`` of each
sequence is observed, then resized to the clip length; design.md §14), and
writes
``early_prediction.md``, ``.csv`` and ``.png``: top-1 accuracy and, when
the config's ``AccMetric`` reports it, mean-class accuracy against the
observed fraction.

    python tools/analysis_tools/early_prediction.py CONFIG CHECKPOINT \
        [--ratios 0.1 0.2 ... 1.0] [--out-dir DIR]
"""
import argparse
import copy
import csv
import os
import os.path as osp
import sys
import time
from typing import Dict, List, Sequence

for path in (osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))),
             os.getcwd()):
    if path not in sys.path:
        sys.path.insert(1, path)

from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.runner import Runner  # noqa: E402

import usdrl_mm  # noqa: E402,F401  registries, checkpoint allow-list

DEFAULT_RATIOS = [round(0.1 * i, 1) for i in range(1, 11)]


def with_ratio(cfg: Config, ratio: float) -> Config:
    """A copy of ``cfg`` whose test pipeline observes ``ratio``."""
    cfg = copy.deepcopy(cfg)
    pipeline = cfg.test_dataloader.dataset.pipeline
    observe = [t for t in pipeline if t.type == 'ObservePrefix']
    if not observe:
        raise ValueError('the test pipeline has no ObservePrefix transform; '
                         'use an early-prediction config')
    for t in observe:
        t.ratio = ratio
    return cfg


def plot(rows: List[Dict], out: str) -> None:
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
    """Test ``checkpoint`` at every observation ratio; one row per ratio
    with ``top1`` and, when the config's ``AccMetric`` reports it, the
    mean-class accuracy ``mean1``."""
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
    plot(rows, osp.join(out_dir, 'early_prediction.png'))
    return table


def main(argv=None) -> List[Dict]:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument(
        '--ratios', nargs='+', type=float, default=DEFAULT_RATIOS)
    parser.add_argument('--out-dir', default='work_dirs/early_prediction')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    args = parser.parse_args(argv)

    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    rows = sweep(cfg, args.checkpoint, args.ratios, args.out_dir)
    print(write_curve(rows, args.out_dir))
    return rows


if __name__ == '__main__':
    main()
