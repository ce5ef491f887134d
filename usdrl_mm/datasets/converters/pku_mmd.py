"""PKU-MMD raw release -> MMAction2-style pickles (design.md §11.2, §11.3).

The release has one skeleton text file per video (``0002-L.txt``: one line
per frame, 150 numbers = 2 bodies x 25 Kinect joints x xyz, an absent body
all zeros) and one label file per video (``label,start,end,confidence`` per
action instance, labels 1-based). What real files contain and how it is
handled:

- ``start > end`` (down to -889 frames in part I): dropped by default with
  a warning naming the file and line, since swapping the one such line of
  part I gives a very long clip that overlaps four other actions;
  ``reversed_segments='swap'`` keeps it swapped; counted in the summary;
- confidence 0 (not in the documented 1 / 2): kept, counted; no metric
  reads confidence;
- a body that is absent for the whole video: dropped (M = 1);
- frame coordinates are kept as the label files give them, ``end``
  exclusive, so predictions and ground truth share one frame axis.

Untrimmed output: one annotation per video with ``keypoint (M, T, 25, 3)``,
``total_frames`` and ``segments (S, 3)`` = ``(label - 1, start, end)``.
Trimmed output (:func:`trim_instances`): one clip per instance with a
0-based ``label``, for recognition on PKU-MMD II.
"""
import os
import os.path as osp
import re
from collections import Counter
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

NUM_JOINTS = 25
VALUES_PER_BODY = NUM_JOINTS * 3


def read_pku_skeleton(path: str) -> np.ndarray:
    """(M, T, 25, 3) float32 joints of one video; all-zero bodies dropped
    (at least one body is kept)."""
    rows = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            values = line.split()
            if len(values) % VALUES_PER_BODY:
                raise ValueError(f'{path}:{n}: {len(values)} numbers, expected'
                                 f' a multiple of {VALUES_PER_BODY} (bodies '
                                 'x 25 joints x xyz)')
            rows.append(np.asarray(values, dtype=np.float32))
    if not rows:
        raise ValueError(f'{path}: no frames')
    width = max(len(r) for r in rows)
    frames = np.zeros((len(rows), width), np.float32)
    for t, r in enumerate(rows):
        frames[t, :len(r)] = r
    # (T, M*75) -> (T, M, 25, 3) -> (M, T, 25, 3)
    kp = frames.reshape(len(rows), -1, NUM_JOINTS, 3).transpose(1, 0, 2, 3)
    if not np.isfinite(kp).all():
        raise ValueError(f'{path}: NaN or inf coordinates')
    present = np.abs(kp).sum(axis=(1, 2, 3)) > 0
    if not present.any():
        present[0] = True  # keep one (empty) body rather than none
    return np.ascontiguousarray(kp[present])


def read_pku_labels(
        path: str,
        reversed_segments: str = 'drop',
        log: Callable[[str], None] = print) -> Tuple[np.ndarray, Counter]:
    """(S, 3) ``(label - 1, start, end)`` int64 segments of one video and a
    counter of the oddities met (``reversed``, ``dropped``,
    ``zero_confidence``); ``log`` gets a warning per reversed line."""
    if reversed_segments not in ('swap', 'drop'):
        raise ValueError("reversed_segments must be 'swap' or 'drop'")
    stats: Counter = Counter()
    segments = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            fields = [x for x in re.split(r'[,\s]+', line.strip()) if x]
            if len(fields) < 3:
                raise ValueError(f'{path}:{n}: expected label,start,end'
                                 f'[,confidence], got {line.strip()!r}')
            label, start, end = (int(float(x)) for x in fields[:3])
            if len(fields) > 3 and float(fields[3]) == 0:
                stats['zero_confidence'] += 1
            if label < 1:
                raise ValueError(f'{path}:{n}: labels are 1-based, got '
                                 f'{label}')
            if start > end:
                stats['reversed'] += 1
                if reversed_segments == 'drop':
                    log(f'warning: {path}:{n}: start {start} > end {end}; '
                        'segment dropped (--reversed-segments swap keeps '
                        'it swapped)')
                    stats['dropped'] += 1
                    continue
                log(f'warning: {path}:{n}: start {start} > end {end}; '
                    'swapped')
                start, end = end, start
            if start == end:
                stats['dropped'] += 1
                continue
            segments.append((label - 1, start, end))
    segments.sort(key=lambda s: (s[1], s[2]))
    return np.asarray(segments, dtype=np.int64).reshape(-1, 3), stats


def parse_split_file(path: str) -> Dict[str, List[str]]:
    """The official split files: a ``Training videos:`` and a
    ``Validation videos:`` header (any spelling containing "train" / "val"
    or "test"), each followed by comma-separated video names."""
    parts: Dict[str, List[str]] = {}
    current = None
    with open(path) as f:
        for line in f:
            text = line.strip()
            lower = text.lower()
            if 'train' in lower and lower.endswith(':'):
                current = parts.setdefault('train', [])
            elif ('val' in lower or 'test' in lower) and lower.endswith(':'):
                current = parts.setdefault('val', [])
            elif text:
                if current is None:
                    raise ValueError(f'{path}: names before a "Training '
                                     'videos:" / "Validation videos:" header')
                current.extend(n.strip() for n in text.split(',') if n.strip())
    if not parts.get('train') or not parts.get('val'):
        raise ValueError(f'{path}: needs both a training and a validation '
                         'list')
    return parts


def convert_pku_mmd(
    skeleton_dir: str,
    label_dir: str,
    split_files: Optional[Dict[str, str]] = None,
    xview_val_views: Sequence[str] = ('L', ),
    xsub_val_ids: Optional[Sequence[int]] = None,
    reversed_segments: str = 'drop',
    progress: Optional[Callable[[int, int],
                                None]] = None) -> Tuple[Dict, Dict]:
    """Convert every video with both a skeleton and a label file.

    Splits come from ``split_files`` (``{'xsub': path, 'xview': path}``) when
    given; otherwise cross-view puts the views ``xview_val_views`` (the
    name suffix, ``0002-L``) in validation and cross-subject puts the video
    ids ``xsub_val_ids`` there (part I: 291-334).

    Returns the pickle dict and a summary of what was kept and skipped.
    """
    skeletons = {
        osp.splitext(n)[0]
        for n in os.listdir(skeleton_dir) if n.endswith('.txt')
    }
    labels = {
        osp.splitext(n)[0]
        for n in os.listdir(label_dir) if n.endswith('.txt')
    }
    names = sorted(skeletons & labels)
    if not names:
        raise ValueError(f'no video has both a skeleton file in '
                         f'{skeleton_dir} and a label file in {label_dir}')
    summary: Counter = Counter(
        videos=len(names),
        skeleton_without_labels=len(skeletons - labels),
        labels_without_skeleton=len(labels - skeletons))
    annotations = []
    for i, name in enumerate(names):
        kp = read_pku_skeleton(osp.join(skeleton_dir, name + '.txt'))
        segments, stats = read_pku_labels(
            osp.join(label_dir, name + '.txt'), reversed_segments)
        summary.update(stats)
        outside = segments[:, 1] >= kp.shape[1]
        if outside.any():
            summary['segments_past_the_end'] += int(outside.sum())
            segments = segments[~outside]
        segments[:, 2] = np.minimum(segments[:, 2], kp.shape[1])
        summary['segments'] += len(segments)
        summary['one_body_videos'] += int(kp.shape[0] == 1)
        annotations.append(
            dict(
                frame_dir=name,
                keypoint=kp,
                total_frames=kp.shape[1],
                segments=segments))  # Kinect metres: no image shape
        if progress is not None:
            progress(i + 1, len(names))

    split = {}
    for protocol in ('xsub', 'xview'):
        if split_files and protocol in split_files:
            parts = parse_split_file(split_files[protocol])
            val = set(parts['val'])
            train = set(parts['train'])
        elif protocol == 'xview':
            val = {
                n
                for n in names if n.rsplit('-', 1)[-1] in set(xview_val_views)
            }
            train = set(names) - val
        elif xsub_val_ids is not None:
            ids = set(int(i) for i in xsub_val_ids)
            val = {n for n in names if int(n.split('-')[0]) in ids}
            train = set(names) - val
        else:
            continue
        split[f'{protocol}_train'] = [n for n in names if n in train]
        split[f'{protocol}_val'] = [n for n in names if n in val]
    return dict(split=split, annotations=annotations), dict(summary)


def trim_instances(data: Dict, min_frames: int = 1) -> Dict:
    """One trimmed clip per action instance, named ``{video}_{index}``, with
    the splits of its video."""
    clips, owner = [], {}
    for anno in data['annotations']:
        for j, (label, start, end) in enumerate(anno['segments']):
            if end - start < min_frames:
                continue
            name = f'{anno["frame_dir"]}_{j:03d}'
            owner[name] = anno['frame_dir']
            clips.append(
                dict(
                    frame_dir=name,
                    label=int(label),
                    keypoint=anno['keypoint'][:, start:end].copy(),
                    total_frames=int(end - start)))
    split = {}
    for key, videos in data['split'].items():
        members = set(videos)
        split[key] = [
            c['frame_dir'] for c in clips if owner[c['frame_dir']] in members
        ]
    return dict(split=split, annotations=clips)
