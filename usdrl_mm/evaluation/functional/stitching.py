"""Whole-sequence frame scores from the scores of overlapping windows."""
from collections import defaultdict
from typing import Dict, Hashable, Sequence, Tuple

import numpy as np


def stitch_windows(
        windows: Sequence[Dict]
) -> Dict[Hashable, Tuple[np.ndarray, np.ndarray]]:
    """Average window scores per frame and collect frame labels.

    Each window is a dict with ``video``, ``start``, ``interval``,
    ``num_frames`` (of the sequence), ``scores (L, C)`` and ``labels (L,)``;
    window sample ``i`` covers frames ``[start + i * interval, start + (i +
    1) * interval)``. Returns ``{video: (scores (T, C), labels (T,))}``
    where overlapping windows are averaged; a frame no window covers gets
    zero scores and the label -1.
    """
    grouped = defaultdict(list)
    for w in windows:
        grouped[w['video']].append(w)
    out = {}
    for video, items in grouped.items():
        num_frames = int(items[0]['num_frames'])
        num_classes = np.asarray(items[0]['scores']).shape[-1]
        total = np.zeros((num_frames, num_classes))
        count = np.zeros(num_frames)
        labels = np.full(num_frames, -1, dtype=np.int64)
        for w in items:
            scores = np.asarray(w['scores'], dtype=np.float64)
            interval = int(w['interval'])
            for i, (score, label) in enumerate(zip(scores, w['labels'])):
                lo = int(w['start']) + i * interval
                hi = min(lo + interval, num_frames)
                if lo >= num_frames:
                    break
                total[lo:hi] += score
                count[lo:hi] += 1
                if label >= 0:
                    labels[lo:hi] = label
        covered = count > 0
        total[covered] /= count[covered, None]
        out[video] = (total, labels)
    return out


def window_record(sample: Dict) -> Dict:
    """The fields :func:`stitch_windows` needs, from a packed data sample
    (as a dict) carrying ``pred_frame_scores`` and ``gt_frame_labels``."""
    missing = [
        k for k in ('pred_frame_scores', 'gt_frame_labels', 'frame_dir',
                    'window_start', 'video_frames') if k not in sample
    ]
    if missing:
        raise KeyError(f'dense metrics need {missing} in the data samples: '
                       'use DenseFrameHead with an UntrimmedPoseDataset and '
                       'PackDenseSkeletonInputs')
    return dict(
        video=sample['frame_dir'],
        start=int(sample['window_start']),
        interval=int(sample.get('frame_interval', 1)),
        num_frames=int(sample['video_frames']),
        scores=np.asarray(sample['pred_frame_scores'].float().cpu()),
        labels=np.asarray(sample['gt_frame_labels'].cpu()),
        gt_segments=np.asarray(sample.get('gt_segments', np.zeros(
            (0, 3)))).reshape(-1, 3))
