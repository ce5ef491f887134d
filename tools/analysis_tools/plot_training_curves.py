"""Plot logged scalars of one or more mmengine Runner runs.

Every RUN is a work_dir (all its ``*/vis_data/scalars.json``, later runs
winning per step) or one ``scalars.json`` file, optionally named as
``NAME=RUN``. One subplot per key, the runs overlaid; training curves solid,
validation curves dashed.

    python tools/analysis_tools/plot_training_curves.py \
        work_dirs/demo_pretrain [more runs ...] \
        [--keys loss acc/top1] [--x epoch|step] [--out curves.png]

Without ``--keys`` it draws every training ``loss*`` key and every
validation metric. With ``--x epoch`` training values are averaged per
epoch; with ``--x step`` every logged iteration is drawn.
"""
import argparse
import os
import os.path as osp
import sys
from typing import Dict, List, Optional, Sequence, Tuple

from usdrl_mm.visualization import curves

# timing fields of every record; plotted only when asked for by name
TIMING = ('data_time', 'time', 'memory')


def run_name(path: str) -> str:
    """``work_dirs/RUN`` and ``work_dirs/RUN/<stamp>/vis_data/scalars.json``
    are both called ``RUN``; another file is called by its stem."""
    path = osp.normpath(path)
    if osp.isfile(path):
        parts = path.split(os.sep)
        if parts[-2:] == ['vis_data', 'scalars.json'] and len(parts) >= 4:
            return parts[-4]
        return osp.splitext(osp.basename(path))[0]
    return osp.basename(path)


def parse_runs(specs: Sequence[str]) -> List[Tuple[str, str]]:
    """``[NAME=]PATH`` arguments -> unique ``(name, path)`` pairs."""
    runs: List[Tuple[str, str]] = []
    for spec in specs:
        name, sep, path = spec.partition('=')
        if not sep or osp.exists(spec):  # a path that contains '='
            name, path = '', spec
        if not osp.exists(path):
            raise FileNotFoundError(f'{path} does not exist')
        name = name or run_name(path)
        taken = {n for n, _ in runs}
        unique, i = name, 2
        while unique in taken:
            unique, i = f'{name}-{i}', i + 1
        runs.append((unique, path))
    return runs


def default_keys(logged: Dict[str, Dict[str, List[str]]]) -> List[str]:
    """Training ``loss*`` keys, then validation metrics, in first-seen
    order over the runs."""
    keys: List[str] = []
    for phases in logged.values():
        keys += [k for k in phases['train'] if k.startswith('loss')]
    for phases in logged.values():
        keys += [k for k in phases['val'] if k not in TIMING]
    return list(dict.fromkeys(keys))


def main(argv: Optional[List[str]] = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        'runs', nargs='+', help='[NAME=]WORK_DIR or [NAME=]scalars.json')
    parser.add_argument(
        '--keys', nargs='+', help='logged keys, one subplot each')
    parser.add_argument('--x', choices=curves.X_AXES, default='epoch')
    parser.add_argument('--out', default='curves.png')
    args = parser.parse_args(argv)

    try:
        runs = parse_runs(args.runs)
        records = {name: curves.read_scalars(path) for name, path in runs}
        logged = {name: curves.logged_keys(r) for name, r in records.items()}
        keys = args.keys or default_keys(logged)
        if not keys:
            raise ValueError('no loss or validation metric logged; name '
                             'the keys with --keys')
        curves.check_keys(keys, logged)
        drawn = {
            name: curves.run_curves(r, keys, x=args.x)
            for name, r in records.items()
        }
    except (FileNotFoundError, KeyError, ValueError) as err:
        # a KeyError's str() is its repr; show the message itself
        sys.exit(f'plot_training_curves: {err.args[0]}')
    for name, run in drawn.items():
        absent = [k for k in keys if k not in run]
        if absent:
            print(f'{name}: no {", ".join(absent)} logged')
    curves.plot_curves(drawn, keys, args.out, xlabel=args.x)
    print(f'curves of {", ".join(keys)} for {len(runs)} run(s) written to '
          f'{args.out}')
    return args.out


if __name__ == '__main__':
    main()
