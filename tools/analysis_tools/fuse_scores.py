"""Fuse the class scores of several models into one accuracy.

The multi-stream ensemble of skeleton papers (3s-USDRL: joint + motion +
bone) sums the scores of separately trained models. Dump each model's
predictions with ``tools/test.py CONFIG CKPT --dump joint.pkl`` and fuse:

    python tools/analysis_tools/fuse_scores.py --preds joint.pkl motion.pkl \
        bone.pkl --coefficients 1 1 1 [--apply-softmax] [--out fused.json]

The dumps must cover the same samples in the same order (same test split and
sampler), which is checked on the labels.
"""
import argparse
import json
from typing import List, Sequence, Tuple

import numpy as np


def load_scores(path: str,
                trust_pickle: bool = False) -> Tuple[np.ndarray, np.ndarray]:
    """(N, K) scores and (N,) labels from a ``--dump`` pickle (plain data
    and tensors only, unless ``trust_pickle``)."""
    from usdrl_mm.fileio import load_pickle
    from usdrl_mm.structures.action_labels import gt_label_of, pred_score_of
    samples = load_pickle(path, trust=trust_pickle, allow_tensors=True)
    if not isinstance(samples, list) or not samples:
        raise ValueError(f'{path}: expected the non-empty list of data '
                         'samples that tools/test.py --dump writes')
    scores, labels = [], []
    for i, s in enumerate(samples):
        try:  # either MMAction2's names (1.1 pred_scores, 1.2 pred_score)
            score, label = pred_score_of(s), gt_label_of(s)
        except (KeyError, TypeError) as e:
            raise ValueError(f'{path}: sample {i} has no predicted scores or '
                             f'label ({e}); was it dumped from a '
                             'classifier?') from None
        scores.append(np.asarray(score, dtype=np.float64).reshape(-1))
        labels.append(int(np.asarray(label).reshape(-1)[0]))
    return np.stack(scores), np.asarray(labels)


def softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def fuse(score_list: Sequence[np.ndarray],
         coefficients: Sequence[float]) -> np.ndarray:
    """Weighted sum of (N, K) score arrays."""
    if len(score_list) != len(coefficients):
        raise ValueError(f'{len(score_list)} score files but '
                         f'{len(coefficients)} coefficients')
    shapes = {s.shape for s in score_list}
    if len(shapes) != 1:
        raise ValueError(f'score arrays differ in shape: {sorted(shapes)}')
    return sum(c * s for c, s in zip(coefficients, score_list))


def accuracies(scores: np.ndarray,
               labels: np.ndarray,
               topk: Sequence[int] = (1, 5)) -> dict:
    """Top-k and mean-class accuracy (fractions)."""
    ranked = np.argsort(-scores, axis=1)
    out = {
        f'top{k}': float((ranked[:, :k] == labels[:, None]).any(1).mean())
        for k in topk
    }
    per_class = [(ranked[labels == c, 0] == c).mean()
                 for c in np.unique(labels)]
    out['mean_class'] = float(np.mean(per_class))
    return out


def main(argv: List[str] = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--preds', nargs='+', required=True)
    parser.add_argument('--coefficients', nargs='+', type=float)
    parser.add_argument(
        '--apply-softmax',
        action='store_true',
        help='softmax each model\'s scores before fusing')
    parser.add_argument('--out', help='write the accuracies as JSON')
    from usdrl_mm.fileio import add_trust_pickle_argument
    add_trust_pickle_argument(parser)
    args = parser.parse_args(argv)
    coefficients = args.coefficients or [1.0] * len(args.preds)

    loaded = [load_scores(p, args.trust_pickle) for p in args.preds]
    labels = loaded[0][1]
    for path, (_, other) in zip(args.preds[1:], loaded[1:]):
        if len(other) != len(labels) or (other != labels).any():
            raise ValueError(f'{path} does not hold the same samples in the '
                             f'same order as {args.preds[0]}')
    scores = [softmax(s) if args.apply_softmax else s for s, _ in loaded]
    result = dict(
        streams={
            p: accuracies(s, labels)
            for p, s in zip(args.preds, scores)
        },
        coefficients=coefficients,
        fused=accuracies(fuse(scores, coefficients), labels))
    for path, acc in result['streams'].items():
        print(f'{path}: top1 {acc["top1"]:.4f}')
    fused = result['fused']
    print(f'fused ({" : ".join(f"{c:g}" for c in coefficients)}): '
          f'top1 {fused["top1"]:.4f}  top5 {fused["top5"]:.4f}  '
          f'mean class {fused["mean_class"]:.4f}')
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(result, f, indent=1)
    return result


if __name__ == '__main__':
    main()
