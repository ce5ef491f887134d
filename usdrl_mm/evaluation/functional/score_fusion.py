"""Late fusion of the class scores of several models (the multi-stream
ensemble of skeleton papers, e.g. 3s-USDRL: joint + motion + bone).

Each model's predictions come from ``tools/test.py CONFIG CKPT --dump
FILE.pkl``; :func:`fuse_dumps` reads them with either MMAction2's field
names, checks that they hold the same samples in the same order, sums the
scores with one weight per model and reports MMAction2's accuracies
(:func:`fusion_accuracies`, the functions behind its ``AccMetric``), so the
numbers equal what ``tools/test.py`` prints for a single model.
"""
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmaction.evaluation.functional import mean_class_accuracy, top_k_accuracy

from usdrl_mm.fileio import load_pickle
from usdrl_mm.structures.action_labels import gt_label_of, pred_score_of

#: The top-k accuracies reported, as ``AccMetric``'s default ``topk``.
TOPK: Tuple[int, ...] = (1, 5)


def load_dumped_scores(
        path: str,
        trust_pickle: bool = False) -> Tuple[np.ndarray, np.ndarray]:
    """``(N, K)`` class scores and ``(N,)`` labels of a ``--dump`` pickle.

    Args:
        path (str): A file written by ``tools/test.py --dump``.
        trust_pickle (bool): Unpickle arbitrary objects; by default only
            plain data and tensors are loaded
            (:func:`usdrl_mm.fileio.load_pickle`).

    Returns:
        tuple[np.ndarray, np.ndarray]: float64 scores and int64 labels.

    Raises:
        ValueError: When the file is not a non-empty list of data samples
            or a sample has no class scores or label (e.g. a feature dump),
            naming the file and the sample.
    """
    samples = load_pickle(path, trust=trust_pickle, allow_tensors=True)
    if not isinstance(samples, list) or not samples:
        raise ValueError(f'{path}: expected the non-empty list of data '
                         'samples that tools/test.py --dump writes')
    scores, labels = [], []
    for i, sample in enumerate(samples):
        try:  # either MMAction2's names (1.1 pred_scores, 1.2 pred_score)
            score, label = pred_score_of(sample), gt_label_of(sample)
        except (KeyError, TypeError) as e:
            raise ValueError(f'{path}: sample {i} has no predicted scores or '
                             f'label ({e}); was it dumped from a '
                             'classifier?') from None
        scores.append(np.asarray(score, dtype=np.float64).reshape(-1))
        labels.append(int(np.asarray(label).reshape(-1)[0]))
    shapes = {s.shape for s in scores}
    if len(shapes) != 1:
        raise ValueError(f'{path}: the samples have scores of different '
                         f'lengths {sorted(shapes)}')
    return np.stack(scores), np.asarray(labels, dtype=np.int64)


def softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax of ``(N, K)`` scores."""
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def fuse_scores(score_list: Sequence[np.ndarray],
                coefficients: Sequence[float]) -> np.ndarray:
    """Weighted sum ``sum_i c_i * s_i`` of ``(N, K)`` score arrays.

    Raises:
        ValueError: When the counts of arrays and coefficients differ or the
            arrays differ in shape.
    """
    if len(score_list) != len(coefficients):
        raise ValueError(f'{len(score_list)} score arrays but '
                         f'{len(coefficients)} coefficients')
    shapes = {np.shape(s) for s in score_list}
    if len(shapes) != 1:
        raise ValueError(f'score arrays differ in shape: {sorted(shapes)}')
    return sum(c * np.asarray(s) for c, s in zip(coefficients, score_list))


def fusion_accuracies(scores: np.ndarray,
                      labels: np.ndarray,
                      topk: Sequence[int] = TOPK) -> Dict[str, float]:
    """Top-k and mean-class accuracy (fractions) as MMAction2's
    ``AccMetric`` computes them.

    ``mmaction.evaluation.functional.top_k_accuracy`` and
    ``mean_class_accuracy``: the mean over every class that occurs as a
    label or as a prediction, a class predicted but never the label
    counting 0.

    Returns:
        dict: ``top{k}`` for each ``k`` and ``mean_class``.
    """
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels).astype(np.int64)
    top = top_k_accuracy(scores, labels, tuple(topk))
    out = {f'top{k}': float(acc) for k, acc in zip(topk, top)}
    out['mean_class'] = float(mean_class_accuracy(scores, labels))
    return out


def fuse_dumps(paths: Sequence[str],
               coefficients: Optional[Sequence[float]] = None,
               apply_softmax: bool = False,
               trust_pickle: bool = False) -> Dict:
    """Fuse the ``--dump`` files of several models and score each model
    and the fusion.

    Args:
        paths (list[str]): ``tools/test.py --dump`` files of the same test
            set (same split and sampler).
        coefficients (list[float], optional): One weight per file; all 1
            by default.
        apply_softmax (bool): Softmax each model's scores before the sum.
        trust_pickle (bool): See :func:`load_dumped_scores`.

    Returns:
        dict: ``streams`` (``{path: accuracies}``), ``coefficients`` and
        ``fused`` (the accuracies of the weighted sum), each accuracy dict
        as :func:`fusion_accuracies` returns it.

    Raises:
        ValueError: When the files do not hold the same samples in the same
            order (checked on the labels), or the coefficients do not match
            the files.
    """
    paths = list(paths)
    if not paths:
        raise ValueError('give at least one --dump file')
    coefficients: List[float] = [float(c) for c in coefficients] \
        if coefficients is not None else [1.0] * len(paths)
    if len(coefficients) != len(paths):
        raise ValueError(f'{len(paths)} score files but {len(coefficients)} '
                         'coefficients: give one per file')
    loaded = [load_dumped_scores(p, trust_pickle) for p in paths]
    labels = loaded[0][1]
    for path, (_, other) in zip(paths[1:], loaded[1:]):
        if len(other) != len(labels) or (other != labels).any():
            raise ValueError(f'{path} does not hold the same samples in the '
                             f'same order as {paths[0]}: dump both with the '
                             'same test split and sampler')
    scores = [softmax(s) if apply_softmax else s for s, _ in loaded]
    return dict(
        streams={
            p: fusion_accuracies(s, labels)
            for p, s in zip(paths, scores)
        },
        coefficients=coefficients,
        fused=fusion_accuracies(fuse_scores(scores, coefficients), labels))
