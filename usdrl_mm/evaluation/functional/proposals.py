"""Temporal action proposals from per-frame class scores (design.md §12.3).

Scores are ``(T, C)`` with background at index 0. A proposal is
``(label, start, end, score)`` with ``end`` exclusive and ``label`` in
``1 .. C-1``.

A *proposal rule* is a dict with ``method`` (a key of
:data:`PROPOSAL_METHODS`) and that method's keyword arguments, as
``PKUDetectionMetric(proposal=...)`` takes it; :func:`proposals_by_rule`
applies one. :data:`DEFAULT_PROPOSAL` is the rule used wherever none is
given (the metric, ``inference_action_detector`` and the demo without
a ``PKUDetectionMetric`` in the config).
"""
from types import MappingProxyType
from typing import List, Mapping, Tuple

import numpy as np

Proposal = Tuple[int, int, int, float]

# smoothing + activity threshold (the Simple-Skeleton-Detection codebase's);
# read-only: take ``dict(DEFAULT_PROPOSAL)`` for a copy to change
DEFAULT_PROPOSAL: Mapping = MappingProxyType(
    dict(method='activity', smooth=20, threshold=0.4))


def runs(mask: np.ndarray) -> List[Tuple[int, int]]:
    """Maximal ``[start, end)`` runs of True in a 1-D boolean mask."""
    padded = np.concatenate([[False], np.asarray(mask, bool), [False]])
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def mean_filter(scores: np.ndarray, window: int) -> np.ndarray:
    """Row ``t`` averages rows ``[t - window // 2, t + window // 2)``,
    clipped to the sequence."""
    t = scores.shape[0]
    half = window // 2
    cum = np.concatenate(
        [np.zeros((1, scores.shape[1])),
         np.cumsum(scores, axis=0)])
    lo = np.clip(np.arange(t) - half, 0, t)
    hi = np.clip(np.arange(t) + half, 1, t)
    hi = np.maximum(hi, lo + 1)
    return (cum[hi] - cum[lo]) / (hi - lo)[:, None]


def activity_proposals(
        scores: np.ndarray,
        smooth: int = DEFAULT_PROPOSAL['smooth'],
        threshold: float = DEFAULT_PROPOSAL['threshold']) -> List[Proposal]:
    """Smoothing + activity threshold (the SSD default rule).

    Mean-filter the track, call a frame active where ``1 - p_bg >=
    threshold``, and make every maximal active run one proposal labelled
    with the non-background class of highest run-mean score, scored by that
    mean.
    """
    if smooth > 1:
        scores = mean_filter(scores, smooth)
    active = 1 - scores[:, 0] >= threshold
    out = []
    for start, end in runs(active):
        mean = scores[start:end, 1:].mean(axis=0)
        label = int(mean.argmax()) + 1
        out.append((label, start, end, float(mean[label - 1])))
    return out


def class_run_proposals(scores: np.ndarray,
                        threshold: float = 0.02,
                        smooth: int = 1) -> List[Proposal]:
    """Per-class run cutting (the TPAMI code's rule): every maximal run
    where ``p_c > threshold`` is a proposal of class ``c`` scored by the
    run-mean of ``p_c``. Produces many overlapping proposals. ``smooth > 1``
    mean-filters the track first (the TPAMI rule has none)."""
    if smooth > 1:
        scores = mean_filter(scores, smooth)
    out = []
    for c in range(1, scores.shape[1]):
        for start, end in runs(scores[:, c] > threshold):
            out.append((c, start, end, float(scores[start:end, c].mean())))
    return out


PROPOSAL_METHODS = dict(
    activity=activity_proposals, class_runs=class_run_proposals)


def generate_proposals(scores: np.ndarray,
                       method: str = DEFAULT_PROPOSAL['method'],
                       **kwargs) -> List[Proposal]:
    """Proposals of ``(T, C)`` scores by ``method`` (a key of
    :data:`PROPOSAL_METHODS`) with its keyword arguments."""
    if method not in PROPOSAL_METHODS:
        raise ValueError(f'unknown proposal method {method!r}; choose one '
                         f'of {sorted(PROPOSAL_METHODS)}')
    return PROPOSAL_METHODS[method](np.asarray(scores), **kwargs)


def proposals_by_rule(scores: np.ndarray,
                      rule: Mapping = DEFAULT_PROPOSAL) -> List[Proposal]:
    """Proposals of ``(T, C)`` scores by a proposal rule: ``method``
    (:data:`DEFAULT_PROPOSAL`'s when absent) and its keyword arguments,
    e.g. ``dict(method='class_runs', threshold=0.02, smooth=1)``."""
    options = dict(rule)
    method = options.pop('method', DEFAULT_PROPOSAL['method'])
    return generate_proposals(scores, method, **options)
