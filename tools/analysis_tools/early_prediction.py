"""Early action prediction: accuracy against the observed fraction.

Tests one checkpoint of a recognition config whose test pipeline contains
``ObservePrefix`` at every ratio of ``--ratios`` (the first ``ratio`` of each
sequence is observed, then resized to the clip length; design.md §14), and
writes
``early_prediction.md``, ``.csv`` and ``.png``: top-1 accuracy and, when
the config's ``AccMetric`` reports it, mean-class accuracy against the
observed fraction (:mod:`usdrl_mm.apis.early_prediction`).

    python tools/analysis_tools/early_prediction.py CONFIG CHECKPOINT \
        [--ratios 0.1 0.2 ... 1.0] [--out-dir DIR]
"""
import argparse
from typing import Dict, List, Optional

import usdrl_mm  # noqa: F401  registries, checkpoint allow-list
from usdrl_mm.apis import load_config
from usdrl_mm.apis.arguments import add_cfg_options_argument
from usdrl_mm.apis.early_prediction import DEFAULT_RATIOS, sweep, write_curve


def main(argv: Optional[List[str]] = None) -> List[Dict]:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument(
        '--ratios', nargs='+', type=float, default=DEFAULT_RATIOS)
    parser.add_argument('--out-dir', default='work_dirs/early_prediction')
    add_cfg_options_argument(parser)
    args = parser.parse_args(argv)

    cfg = load_config(args.config, args.cfg_options)
    rows = sweep(cfg, args.checkpoint, args.ratios, args.out_dir)
    print(write_curve(rows, args.out_dir))
    return rows


if __name__ == '__main__':
    main()
