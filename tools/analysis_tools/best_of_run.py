"""The final-epoch number of a run beside its best-of-run number.

Our tables report the final epoch. The original USDRL code reports the
best test accuracy over its evaluations during training; this prints both,
labelled, so that a number can be compared with the published ones like
with like:

    python tools/analysis_tools/best_of_run.py work_dirs/RUN --metric acc/top1
"""
import argparse
import sys
from typing import List, Optional

from usdrl_mm.evaluation.functional import final_and_best
from usdrl_mm.fileio import atomic_write_json


def main(argv: Optional[List[str]] = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('work_dir', help='a Runner work_dir')
    parser.add_argument(
        '--metric', default='acc/top1', help='validation key to report')
    parser.add_argument(
        '--lower-is-better',
        action='store_true',
        help='the best evaluation is the minimum (e.g. a loss)')
    parser.add_argument('--out', help='write the numbers as JSON')
    args = parser.parse_args(argv)
    try:
        result = final_and_best(args.work_dir, args.metric,
                                not args.lower_is_better)
    except (FileNotFoundError, KeyError) as err:
        sys.exit(f'best_of_run: {err.args[0]}')
    print(f'{args.metric} final (step {result["final_step"]}): '
          f'{result["final"]:.4f}  <- our reported number')
    print(f'{args.metric} best-of-run (step {result["best_step"]}, best of '
          f'{result["evaluations"]} evaluations): {result["best"]:.4f}  '
          '<- model selection on the evaluated split, as the original code '
          'reports; not a final-epoch number')
    if args.out:
        atomic_write_json(dict(result, metric=args.metric), args.out, indent=2)
    return result


if __name__ == '__main__':
    main()
