"""Early action prediction: accuracy against the observed fraction.

Tests one checkpoint of a recognition config whose test pipeline contains
``ObservePrefix`` at every ratio of ``--ratios`` (the first ``ratio`` of each
sequence is observed, then resized to the clip length; SPEC §14), and writes
``early_prediction.md``, ``.csv`` and ``.png`` (accuracy vs observation).

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
from typing import Dict, List

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
    ax.plot([100 * r['ratio'] for r in rows], [r['top1'] for r in rows],
            marker='o')
    ax.set_xlabel('observed part of the sequence (%)')
    ax.set_ylabel('top-1 accuracy')
    ax.set_ylim(0, 1)
    ax.grid(alpha=.3)
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)


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
    os.makedirs(args.out_dir, exist_ok=True)
    rows = []
    for ratio in args.ratios:
        run_cfg = with_ratio(cfg, ratio)
        run_cfg.load_from = args.checkpoint
        run_cfg.launcher = 'none'
        run_cfg.work_dir = osp.join(args.out_dir, f'ratio_{ratio:g}')
        run_cfg.experiment_name = f'early_{ratio:g}_{time.strftime("%H%M%S")}'
        metrics = Runner.from_cfg(run_cfg).test()
        rows.append(dict(ratio=ratio, top1=float(metrics['acc/top1'])))

    lines = ['| observed | top-1 |', '|---|---|']
    lines += [f'| {100 * r["ratio"]:.0f} % | {r["top1"]:.4f} |' for r in rows]
    table = '\n'.join(lines) + '\n'
    with open(osp.join(args.out_dir, 'early_prediction.md'), 'w') as f:
        f.write(table)
    with open(
            osp.join(args.out_dir, 'early_prediction.csv'), 'w',
            newline='') as f:
        writer = csv.DictWriter(f, fieldnames=['ratio', 'top1'])
        writer.writeheader()
        writer.writerows(rows)
    plot(rows, osp.join(args.out_dir, 'early_prediction.png'))
    print(table)
    return rows


if __name__ == '__main__':
    main()
