"""Fuse the class scores of several models into one accuracy.

The multi-stream ensemble of skeleton papers (3s-USDRL: joint + motion +
bone) sums the scores of separately trained models. Dump each model's
predictions with ``tools/test.py CONFIG CKPT --dump joint.pkl`` and fuse:

    python tools/analysis_tools/fuse_scores.py --preds joint.pkl motion.pkl \
        bone.pkl --coefficients 1 1 1 [--apply-softmax] [--out fused.json]

The dumps must cover the same samples in the same order (same test split and
sampler), which is checked on the labels. Top-k and mean-class accuracy are
MMAction2's (those of its ``AccMetric``); the fusion is
:func:`usdrl_mm.evaluation.functional.fuse_dumps`.
"""
import argparse
from typing import Dict, List, Optional

from usdrl_mm.evaluation.functional import fuse_dumps, load_dumped_scores
from usdrl_mm.fileio import add_trust_pickle_argument, atomic_write_json

# the reader under the tool's former name (tests/fileio checks that it
# refuses untrusted pickles)
load_scores = load_dumped_scores


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--preds', nargs='+', required=True, help='tools/test.py --dump files')
    parser.add_argument(
        '--coefficients',
        nargs='+',
        type=float,
        help='one weight per file (default: all 1)')
    parser.add_argument(
        '--apply-softmax',
        action='store_true',
        help='softmax each model\'s scores before fusing')
    parser.add_argument('--out', help='write the accuracies as JSON')
    add_trust_pickle_argument(parser)
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> Dict:
    args = parse_args(argv)
    result = fuse_dumps(args.preds, args.coefficients, args.apply_softmax,
                        args.trust_pickle)
    for path, acc in result['streams'].items():
        print(f'{path}: top1 {acc["top1"]:.4f}')
    fused = result['fused']
    weights = ' : '.join(f'{c:g}' for c in result['coefficients'])
    print(f'fused ({weights}): top1 {fused["top1"]:.4f}  '
          f'top5 {fused["top5"]:.4f}  mean class {fused["mean_class"]:.4f}')
    if args.out:
        atomic_write_json(result, args.out)
    return result


if __name__ == '__main__':
    main()
