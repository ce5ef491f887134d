"""Action segmentation metrics: frame accuracy, segmental Edit and F1@tau
(design.md §13.4), as the skeleton segmentation literature computes them.

Per video, frames whose ground truth is ``ignore_index`` are dropped
first. Segments are maximal runs of one label; runs of ``background`` are
not segments. A segment's end is the index where the label changes, except
for the video's last segment, whose end is ``T - 1`` as in the DeST code
(kept for parity with the published numbers); MS-TCN's evaluation ends it
at ``T``, which gives a slightly different F1 on the last segment.

- Acc: correct frames over valid frames, summed over all videos (micro).
- Edit: ``1 - D / max(n, m)`` with D the Levenshtein distance between the
  predicted and ground-truth segment label sequences, averaged over videos
  (macro). Two empty sequences agree perfectly (1.0); the reference code
  divides by zero there.
- F1@tau: predicted segments in order take the ground truth of the same
  label with the highest IoU; a true positive if that IoU >= tau and the
  ground truth is not taken yet, else a false positive; unmatched ground
  truths are false negatives. Counts are summed over videos (micro), then
  ``F1 = 2PR / (P + R + 1e-7)``.

All values are fractions in [0, 1].
"""
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

Segments = Tuple[List[int], List[int], List[int]]  # labels, starts, ends


def segments_of(labels: Sequence[int],
                background: Optional[int] = None) -> Segments:
    """Label, start and end of every non-background run of ``labels``."""
    labels = list(labels)
    seg_labels: List[int] = []
    starts: List[int] = []
    ends: List[int] = []
    if not labels:
        return seg_labels, starts, ends
    last = labels[0]
    if last != background:
        seg_labels.append(last)
        starts.append(0)
    for i, label in enumerate(labels):
        if label != last:
            if label != background:
                seg_labels.append(label)
                starts.append(i)
            if last != background:
                ends.append(i)
            last = label
    if last != background:
        ends.append(len(labels) - 1)  # the last segment ends at T - 1
    return seg_labels, starts, ends


def levenshtein(a: Sequence[int], b: Sequence[int]) -> int:
    """Edit distance with unit costs."""
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, y in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y))
        prev = cur
    return prev[-1]


def edit_score(pred: Sequence[int],
               gt: Sequence[int],
               background: Optional[int] = None) -> float:
    p = segments_of(pred, background)[0]
    g = segments_of(gt, background)[0]
    if not p and not g:
        return 1.0
    return 1.0 - levenshtein(p, g) / max(len(p), len(g))


def f1_counts(pred: Sequence[int],
              gt: Sequence[int],
              tau: float,
              background: Optional[int] = None) -> Tuple[int, int, int]:
    """(true positives, false positives, false negatives) of one video."""
    p_lab, p_start, p_end = segments_of(pred, background)
    g_lab, g_start, g_end = (
        np.asarray(x) for x in segments_of(gt, background))
    hits = np.zeros(len(g_lab), dtype=bool)
    tp = fp = 0
    for label, start, end in zip(p_lab, p_start, p_end):
        if len(g_lab) == 0:
            fp += 1
            continue
        inter = np.minimum(end, g_end) - np.maximum(start, g_start)
        union = np.maximum(end, g_end) - np.minimum(start, g_start)
        iou = np.where(union > 0, inter / np.maximum(union, 1e-12), 0.0)
        iou = iou * (g_lab == label)
        best = int(iou.argmax())
        if iou[best] >= tau and not hits[best]:
            tp += 1
            hits[best] = True
        else:
            fp += 1
    return tp, fp, int(len(g_lab) - hits.sum())


def segmentation_scores(
        preds: Sequence[np.ndarray],
        gts: Sequence[np.ndarray],
        taus: Sequence[float] = (0.1, 0.25, 0.5),
        background: Optional[int] = None,
        ignore_index: Optional[int] = None) -> Dict[str, float]:
    """Acc, Edit and F1@tau of per-frame label sequences, one pair per
    video. Keys: ``acc``, ``edit``, ``f1@10`` (for tau 0.1), ..."""
    if len(preds) != len(gts) or not preds:
        raise ValueError(f'need equal, non-empty lists of videos, got '
                         f'{len(preds)} and {len(gts)}')
    correct = total = 0
    edits = []
    counts = {tau: np.zeros(3, dtype=np.int64) for tau in taus}
    for pred, gt in zip(preds, gts):
        pred, gt = np.asarray(pred), np.asarray(gt)
        if pred.shape != gt.shape:
            raise ValueError(f'prediction {pred.shape} and ground truth '
                             f'{gt.shape} differ in length')
        if ignore_index is not None:
            keep = gt != ignore_index
            pred, gt = pred[keep], gt[keep]
        correct += int((pred == gt).sum())
        total += len(gt)
        edits.append(edit_score(pred.tolist(), gt.tolist(), background))
        for tau in taus:
            counts[tau] += f1_counts(pred.tolist(), gt.tolist(), tau,
                                     background)
    out = dict(acc=correct / max(total, 1), edit=float(np.mean(edits)))
    for tau, (tp, fp, fn) in counts.items():
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall + 1e-7)
        out[f'f1@{int(round(tau * 100))}'] = float(np.nan_to_num(f1))
    return out
