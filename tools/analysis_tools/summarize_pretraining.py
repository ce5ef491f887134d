"""Summarise a pretraining run from its Runner logs.

Prints, for every logged loss term, its mean over the first and the last
epoch, and writes the per-epoch curves to ``<work_dir>/loss_curves.png``.

    python tools/analysis_tools/summarize_pretraining.py work_dirs/RUN
"""
import argparse
import os.path as osp
from typing import Dict, List

import numpy as np

from usdrl_mm.visualization import curves as log_curves

TERMS = ('loss', 'loss_sim', 'loss_vac', 'loss_xcorr')
PREFIXES = ('loss', 'sim_', 'vac_', 'xcorr_')


def pretraining_curves(work_dir: str) -> Dict[str, Dict[int, float]]:
    """``{key: {epoch: mean}}`` of the loss terms and their grains
    (``sim_t``, ...) in ``work_dir``'s training records."""
    train = log_curves.read_scalars(work_dir)['train']
    keys: List[str] = [
        k for k in log_curves.logged_keys(dict(train=train))['train']
        if k.startswith(PREFIXES)
    ]
    return log_curves.per_epoch(train, keys)


def plot(curves: Dict[str, Dict[int, float]], out: str) -> None:
    """The per-epoch curves of the :data:`TERMS` side by side."""
    keys = [k for k in TERMS if k in curves]
    run = {}
    for key in keys:
        epochs, means = zip(*curves[key].items())
        run[key] = dict(train=(np.array(epochs), np.array(means)))
    log_curves.plot_curves({'': run}, keys, out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('work_dir')
    parser.add_argument('--no-plot', action='store_true')
    args = parser.parse_args()

    curves = pretraining_curves(args.work_dir)
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
