"""Summarise a pretraining run from its Runner logs.

Prints, for every logged loss term, its mean over the first and the last
epoch, and writes the per-epoch curves to ``<work_dir>/loss_curves.png``.

    python tools/analysis_tools/summarize_pretraining.py work_dirs/RUN
"""
import argparse
import glob
import json
import os.path as osp
from collections import defaultdict
from typing import Dict, List

import numpy as np

TERMS = ('loss', 'loss_sim', 'loss_vac', 'loss_xcorr')


def read_scalars(work_dir: str) -> List[dict]:
    """Training records of ``work_dir`` in step order.

    Every run writes a timestamped folder; a resumed run continues the step
    count, a restarted one repeats it, so later folders win per step.
    """
    paths = sorted(
        glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json')))
    if not paths:
        raise FileNotFoundError(f'no */vis_data/scalars.json under {work_dir}'
                                '; is it a Runner work_dir?')
    by_step: Dict[int, dict] = {}
    for path in paths:
        with open(path) as f:
            for line in f:
                record = json.loads(line) if line.strip() else {}
                if 'loss' in record and 'epoch' in record:
                    by_step[record['step']] = record
    return [by_step[s] for s in sorted(by_step)]


def per_epoch(records: List[dict]) -> Dict[str, Dict[int, float]]:
    sums: Dict[str, Dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for r in records:
        for key, value in r.items():
            if key.startswith(('loss', 'sim_', 'vac_', 'xcorr_')):
                sums[key][r['epoch']].append(value)
    return {
        k: {
            e: float(np.mean(v))
            for e, v in sorted(by_epoch.items())
        }
        for k, by_epoch in sums.items()
    }


def plot(curves: Dict[str, Dict[int, float]], out: str) -> None:
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    keys = [k for k in TERMS if k in curves]
    fig, axes = plt.subplots(1, len(keys), figsize=(4 * len(keys), 3.2))
    for ax, key in zip(np.atleast_1d(axes), keys):
        epochs = list(curves[key])
        ax.plot(epochs, list(curves[key].values()), marker='.')
        ax.set_title(key)
        ax.set_xlabel('epoch')
        ax.grid(alpha=.3)
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('work_dir')
    parser.add_argument('--no-plot', action='store_true')
    args = parser.parse_args()

    curves = per_epoch(read_scalars(args.work_dir))
    width = max(len(k) for k in curves)
    print(f'{"term":<{width}}  first epoch    last epoch   last/first')
    for key in sorted(curves, key=lambda k: (k not in TERMS, k)):
        first = next(iter(curves[key].items()))
        last = list(curves[key].items())[-1]
        print(f'{key:<{width}}  {first[1]:11.4f}  {last[1]:12.4f}  '
              f'{last[1] / first[1]:10.3f}   (epochs {first[0]}, {last[0]})')
    if not args.no_plot:
        out = osp.join(args.work_dir, 'loss_curves.png')
        plot(curves, out)
        print(f'curves written to {out}')


if __name__ == '__main__':
    main()
