"""The PKU-MMD temporal detection protocol: mAP_a and mAP_v (design.md §12.4).

A re-implementation of the official evaluation logic (the PKU-MMD
``evaluate.py`` as used by the TPAMI detection results):

- tIoU of a proposal and a ground truth is 0 unless label and video agree,
  else ``(min(e) - max(s)) / (max(e) - min(s))`` on continuous coordinates
  (it can be negative);
- matching is *not* exclusive: every proposal takes the ground truth with
  the highest tIoU among those with tIoU >= theta (the later one on a tie),
  or none; ``positive`` is the number of ground truths hit at least once;
- AP: proposals sorted by ascending confidence are removed lowest first.
  Removing an unmatched one only shrinks the proposal count; removing a
  matched one decrements its ground truth's hit count (``positive`` falls
  when it reaches 0), then ``p_max = max(p_max, P)`` and the score gains
  ``p_max * (R_prev - R)``, starting from the precision of the full set.

mAP_a averages the AP of every action class (a class without ground truth
scores 0 and still counts, so on a subset of the classes the official
figure is capped below 1; ``mAP_a_present`` is the mean over the classes
with ground truth, reported beside it). mAP_v averages the AP of every
video that has ground truth: the official ``evaluate.py`` averages over
the evaluated videos' result files (one per test video, empty when nothing
was detected), so a video without any proposal scores 0; proposals in a
video without ground truth count for mAP_a only.
"""
from collections import defaultdict
from typing import Dict, Hashable, List, NamedTuple, Sequence, Tuple


class Segment(NamedTuple):
    """A detection or ground-truth instance; ``end`` is exclusive."""
    label: int
    start: float
    end: float
    score: float = 1.0
    video: Hashable = None


def temporal_iou(a: Segment, b: Segment) -> float:
    """tIoU of the official protocol (0 across labels or videos)."""
    if int(a.label) != int(b.label) or a.video != b.video:
        return 0.0
    union = max(a.end, b.end) - min(a.start, b.start)
    if union <= 0:
        return 0.0
    return (min(a.end, b.end) - max(a.start, b.start)) / union


def match_proposals(proposals: Sequence[Segment], gts: Sequence[Segment],
                    theta: float) -> Tuple[List[int], List[int]]:
    """For every proposal the index of its ground truth (-1 for none), and
    for every ground truth how many proposals matched it."""
    by_key: Dict[tuple, List[int]] = defaultdict(list)
    for j, g in enumerate(gts):
        by_key[(int(g.label), g.video)].append(j)
    assigned, counts = [], [0] * len(gts)
    for p in proposals:
        best, best_iou = -1, None
        for j in by_key.get((int(p.label), p.video), ()):
            iou = temporal_iou(p, gts[j])
            if iou >= theta and (best_iou is None or iou >= best_iou):
                best, best_iou = j, iou  # ">=": the later one wins a tie
        assigned.append(best)
        if best >= 0:
            counts[best] += 1
    return assigned, counts


def _precision_recall(positive: int, num_props: int,
                      num_gts: int) -> Tuple[float, float]:
    if num_props == 0 or num_gts == 0:
        return 0.0, 0.0
    return positive / num_props, positive / num_gts


def pku_mmd_ap(proposals: Sequence[Segment],
               gts: Sequence[Segment],
               theta: float = 0.5) -> float:
    """Interpolated AP of one set of proposals against one set of ground
    truths (one class for mAP_a, one video for mAP_v)."""
    proposals = sorted(proposals, key=lambda p: p.score)  # ascending
    assigned, counts = match_proposals(proposals, gts, theta)
    positive = sum(c > 0 for c in counts)
    num_props = len(proposals)
    p_max, r_prev = _precision_recall(positive, num_props, len(gts))
    score = 0.0
    for j in assigned:
        num_props -= 1
        if j < 0:
            continue
        counts[j] -= 1
        if counts[j] == 0:
            positive -= 1
        precision, recall = _precision_recall(positive, num_props, len(gts))
        p_max = max(p_max, precision)
        score += p_max * (r_prev - recall)
        r_prev = recall
    return score


def pku_mmd_map(proposals: Sequence[Segment],
                gts: Sequence[Segment],
                num_classes: int,
                theta: float = 0.5,
                first_class: int = 1) -> Dict[str, float]:
    """mAP_a over the action classes ``first_class .. first_class +
    num_classes - 1``, ``mAP_a_present`` over those of them with ground
    truth, and mAP_v over the videos with ground truth."""
    props_by_class, gts_by_class = defaultdict(list), defaultdict(list)
    props_by_video, gts_by_video = defaultdict(list), defaultdict(list)
    for p in proposals:
        props_by_class[int(p.label)].append(p)
        props_by_video[p.video].append(p)
    for g in gts:
        gts_by_class[int(g.label)].append(g)
        gts_by_video[g.video].append(g)
    classes = range(first_class, first_class + num_classes)
    ap = {c: pku_mmd_ap(props_by_class[c], gts_by_class[c], theta)
          for c in classes}
    present = [c for c in classes if gts_by_class[c]]
    videos = list(gts_by_video)
    return dict(
        mAP_a=sum(ap.values()) / num_classes,
        mAP_a_present=_mean(ap[c] for c in present),
        mAP_v=_mean(
            pku_mmd_ap(props_by_video[v], gts_by_video[v], theta)
            for v in videos))


def _mean(values) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0
