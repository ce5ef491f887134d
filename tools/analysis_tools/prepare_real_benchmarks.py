"""Write the configs of a real-data benchmark: one folder per protocol and
seed, every config retargeted to the converted data and the protocol's
split (see ``usdrl_mm/benchmarks/prepare.py``).

    python tools/analysis_tools/prepare_real_benchmarks.py --dataset pku1 \
        --recipe tiny --trimmed work_dirs/real/data/pkummd1_3d_trimmed.pkl \
        --untrimmed work_dirs/real/data/pkummd1_3d.pkl \
        --protocols xsub xview --seeds 0 1 --out-dir work_dirs/real/pku1

Called by ``tools/analysis_tools/run_real_benchmarks.sh``.
"""
import argparse
import os.path as osp
import sys
from typing import List, Optional

from usdrl_mm.apis.cli import report_errors
from usdrl_mm.benchmarks import DATASETS, RECIPE_NAMES, prepare_benchmark

# the recipes' config paths are relative to the repository root
REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--dataset', choices=sorted(DATASETS), required=True)
    parser.add_argument('--recipe', choices=RECIPE_NAMES, default='tiny')
    parser.add_argument(
        '--trimmed', required=True, help='annotation .pkl of the clips')
    parser.add_argument(
        '--untrimmed',
        help='annotation .pkl of the untrimmed sequences (detection and '
        'segmentation run only with it)')
    parser.add_argument(
        '--protocols', nargs='+', help="default: the dataset's")
    parser.add_argument('--seeds', nargs='+', type=int, default=[0])
    parser.add_argument('--semi-ratio', type=float, default=0.1)
    parser.add_argument('--raw-root', help='the raw release, for the report')
    parser.add_argument('--out-dir', required=True)
    return report_errors(
        prepare, parser.parse_args(argv), prog='prepare_real_benchmarks')


def prepare(args: argparse.Namespace) -> None:
    """Write the configs and list the runs."""
    manifest = prepare_benchmark(
        args.dataset,
        args.recipe,
        args.trimmed,
        args.out_dir,
        protocols=args.protocols,
        seeds=args.seeds,
        untrimmed=args.untrimmed,
        semi_ratio=args.semi_ratio,
        raw_root=args.raw_root,
        repo_root=REPO)
    for protocol, seeds in manifest['runs'].items():
        for seed, run in seeds.items():
            roles = ', '.join(f'{role} <- {c["source"]}'
                              for role, c in run['configs'].items())
            print(f'{protocol}, seed {seed}: {roles}')


if __name__ == '__main__':
    sys.exit(main())
