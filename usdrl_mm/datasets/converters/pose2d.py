"""2D pose-estimator output -> PoseDataset pickles with ``keypoint_score``.

The format readers (:mod:`.mmpose_coco`, :mod:`.openpose`,
:mod:`.mediapipe`) turn one video into a list of frames, each a pair
``(keypoints (N, V, 2), scores (N, V))`` for the N people detected in that
frame. This module links people across frames, attaches labels and splits,
and writes the MMAction2 2D annotation::

    frame_dir, label, total_frames, img_shape, original_shape,
    keypoint (M, T, V, 2) float32 pixels, keypoint_score (M, T, V) float32

**Person tracking** (:func:`track_people`), two deliberately simple rules.
The centre of a person is the mean of the keypoints with a positive score,
their size the diagonal of the bounding box of those keypoints.

``tracking='score'`` (the default):

1. In every frame keep the ``max_persons`` people with the highest mean
   keypoint score.
2. The first frame with people opens one slot per person, by decreasing
   mean score. In every later frame the people are matched to the slots by
   the smallest summed distance between a person's centre and the slot's
   last seen centre (Hungarian matching); a person left over opens a new
   slot while fewer than ``max_persons`` exist.

There is no distance gate: with at most ``max_persons`` people kept per
frame, someone entering as someone else leaves takes over that slot, and
in a frame where the estimator misses a person or splits them into
low-scoring fragments, a static background detection takes the person's
slot (a jump of hundreds of pixels, and back).

``tracking='continuity'`` adds a distance gate:

1. Every person of a frame is a candidate, not only the ``max_persons``
   most confident, so a person stays tracked in a frame where a background
   detection scores higher.
2. Each slot keeps the centre and size of the person it last held. A
   person may join a slot only if their centre is within ``gate`` times
   the larger of the two sizes (the slot's and the person's) of the slot's
   last centre; among the pairs within the gate, the matching takes as
   many as it can, then the smallest summed distance (Hungarian).
3. A slot with no person within its gate stays empty in that frame (zeros,
   score 0) and keeps waiting at its last centre: it never takes a far
   detection. A person matched to no slot opens a new slot while fewer
   than ``max_persons`` exist, most confident first (in the first frame
   with people that is the ``'score'`` rule's start); otherwise they are
   left out.

The gate is relative to the person's size, so one value fits every image
resolution and camera distance: a walking person moves a few hundredths
of their bounding-box diagonal per frame (at 30 fps), while the centre of
a fragment (the upper or lower body alone) lies about a quarter of a
diagonal from the whole person's. The default ``gate=0.5`` keeps fragments
and several missed frames of walking on the track and refuses a background
detection more than half a person away. Taking the larger size means a
fragment is judged in the whole person's size (before and after it)
rather than its own small one; an absolute pixel gate would need a value
per resolution and camera distance. Slots are never freed: a person who
comes back beyond the gate from where they were lost needs a free slot (a
larger ``max_persons``), and a leftover fragment can open a short track
of its own while a slot is free.

With both rules, slots are finally ordered by their mean score over all
frames (a frame where the slot is empty counts as 0), so person 0 is the
person seen longest and most confidently. Frames where a slot is empty are
zeros, score 0.
"""
import json
from numbers import Integral, Real
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
from scipy.optimize import linear_sum_assignment

from .report import ConversionReport

#: One frame: keypoints (N, V, 2) and scores (N, V) of its N people.
Frame = Tuple[np.ndarray, np.ndarray]
#: Most people kept per video. A sanity bound, not a memory guarantee: the
#: tracked arrays hold ``max_persons * T * V * 3`` float32 values, so a
#: typo like 10**12 would otherwise end in a MemoryError, while crowded
#: scenes give pose estimators a few dozen people and the models take 1-2.
MAX_PERSONS = 1000
#: The tracking rules of :func:`track_people` (module docstring).
TRACKING_RULES = ('score', 'continuity')
#: The default gate of ``tracking='continuity'``: a fraction of the
#: person's bounding-box diagonal (module docstring).
DEFAULT_GATE = 0.5


def check_max_persons(max_persons: Any, name: str = 'max_persons') -> int:
    """``max_persons`` as an int, refused unless it is a whole number from
    1 to :data:`MAX_PERSONS`.

    Args:
        max_persons: The value to check.
        name (str): What to call it in the message (an option or setting).

    Returns:
        int: The value.

    Raises:
        ValueError: If it is not an integer (bools are refused) or is out of
            range.
    """
    if not isinstance(max_persons, Integral) or isinstance(max_persons, bool):
        raise ValueError(f'{name} must be an integer from 1 to {MAX_PERSONS} '
                         f'(people kept per video), got {max_persons!r}')
    if not 1 <= max_persons <= MAX_PERSONS:
        raise ValueError(f'{name} must be from 1 to {MAX_PERSONS} (people '
                         f'kept per video), got {max_persons}')
    return int(max_persons)


def load_json(path: str) -> Any:
    """``json.load`` with errors that name the file and line.

    Raises:
        ValueError: On invalid JSON, and on JSON nested deeper than the
            parser's recursion limit (``[[[[...]]]]``), which ``json`` reports
            as a RecursionError.
    """
    with open(path) as f:
        try:
            return json.load(f)
        except json.JSONDecodeError as e:
            raise ValueError(f'{path}:{e.lineno}: invalid JSON: '
                             f'{e.msg}') from None
        except RecursionError:
            raise ValueError(f'{path}: JSON nested too deeply (arrays or '
                             'objects inside each other beyond Python\'s '
                             'recursion limit); pose-estimator output nests '
                             'a few levels only') from None


def person_arrays(keypoints, scores, num_joints: Optional[int],
                  where: str) -> Tuple[np.ndarray, np.ndarray]:
    """One person's ``keypoints (V, 2)`` and ``scores (V, )`` as float32,
    checked against ``num_joints`` (None: any V); ``where`` names the
    source in errors."""
    try:
        kp = np.asarray(keypoints, dtype=np.float32)
        sc = np.asarray(scores, dtype=np.float32)
    except (TypeError, ValueError):
        raise ValueError(f'{where}: keypoints or scores are not a numeric '
                         '(V, 2) / (V, ) array') from None
    v = kp.shape[0] if kp.ndim else 0
    if kp.shape != (v, 2) or sc.shape != (v, ) or v == 0:
        raise ValueError(f'{where}: keypoints of shape {kp.shape} and scores '
                         f'of shape {sc.shape}; expected (V, 2) and (V, )')
    if num_joints is not None and v != num_joints:
        raise ValueError(f'{where}: {v} keypoints, expected {num_joints}')
    if not (np.isfinite(kp).all() and np.isfinite(sc).all()):
        raise ValueError(f'{where}: NaN or inf values')
    return kp, sc


def stack_frame(people: Sequence[Tuple[np.ndarray, np.ndarray]],
                num_joints: int) -> Frame:
    """The :data:`Frame` of a list of checked ``(V, 2), (V, )`` people."""
    if not people:
        return (np.zeros((0, num_joints, 2),
                         np.float32), np.zeros((0, num_joints), np.float32))
    return (np.stack([p[0] for p in people]), np.stack([p[1] for p in people]))


def person_centres(keypoints: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """``(N, V, 2), (N, V) -> (N, 2)``: the mean of each person's keypoints
    with a positive score (all keypoints when none has)."""
    weight = (scores > 0).astype(np.float32)
    weight[weight.sum(1) == 0] = 1
    return (keypoints * weight[..., None]).sum(1) / weight.sum(1)[:, None]


def person_sizes(keypoints: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """``(N, V, 2), (N, V) -> (N, )``: the diagonal of the bounding box of
    each person's keypoints with a positive score (all keypoints when none
    has)."""
    valid = scores > 0
    valid[~valid.any(1)] = True
    # (N, V, 1) mask: invalid keypoints become +-inf so min / max skip them
    mask = valid[..., None]
    lo = np.where(mask, keypoints, np.inf).min(1)
    hi = np.where(mask, keypoints, -np.inf).max(1)
    return np.linalg.norm(hi - lo, axis=-1)


def check_tracking(tracking: Any, gate: Any) -> Tuple[str, float]:
    """``tracking`` and ``gate`` of :func:`track_people`, checked.

    Raises:
        ValueError: If ``tracking`` is not one of :data:`TRACKING_RULES` or
            ``gate`` is not a positive finite number.
    """
    if tracking not in TRACKING_RULES:
        raise ValueError(f'tracking must be one of {TRACKING_RULES}, got '
                         f'{tracking!r}')
    if isinstance(gate, bool) or not isinstance(gate, Real) \
            or not 0 < gate < float('inf'):
        raise ValueError('the tracking gate must be a positive number, a '
                         "fraction of the person's bounding-box diagonal "
                         f'(default {DEFAULT_GATE}), got {gate!r}')
    return tracking, float(gate)


def track_people(frames: Sequence[Frame],
                 max_persons: int = 2,
                 tracking: str = 'score',
                 gate: float = DEFAULT_GATE) -> Tuple[np.ndarray, np.ndarray]:
    """Link the people of consecutive frames into ``M <= max_persons``
    slots by the rules of the module docstring.

    Args:
        frames: The :data:`Frame` of every frame of the video.
        max_persons (int): Slots kept, 1 to :data:`MAX_PERSONS`.
        tracking (str): ``'score'`` (default, no distance gate) or
            ``'continuity'`` (a slot only takes a person within ``gate``).
        gate (float): For ``'continuity'``: the largest distance from a
            slot's last centre, as a fraction of the person's bounding-box
            diagonal, at which a person may join it. Ignored by
            ``'score'``.

    Returns:
        tuple: ``keypoint (M, T, V, 2)`` and ``keypoint_score (M, T, V)``,
        float32.

    Raises:
        ValueError: If no frame has a person, ``max_persons`` is not from 1
            to :data:`MAX_PERSONS`, or ``tracking`` / ``gate`` is invalid.
    """
    kp, score, _ = _track(frames, max_persons, tracking, gate)
    return kp, score


def _track(frames: Sequence[Frame], max_persons: int, tracking: str,
           gate: float) -> Tuple[np.ndarray, np.ndarray, int]:
    """:func:`track_people` and the number of people it placed in a
    slot."""
    max_persons = check_max_persons(max_persons)
    tracking, gate = check_tracking(tracking, gate)
    num_joints = next((f[0].shape[1] for f in frames if len(f[0])), 0)
    t = len(frames)
    kp = np.zeros((max_persons, t, num_joints, 2), np.float32)
    score = np.zeros((max_persons, t, num_joints), np.float32)
    last = np.zeros((max_persons, 2), np.float32)  # last centre of a slot
    size = np.zeros(max_persons, np.float32)  # last size of a slot
    num_slots = placed = 0
    for i, (fkp, fsc) in enumerate(frames):
        if len(fkp) == 0:
            continue
        by_score = np.argsort(-fsc.mean(1), kind='stable')
        if tracking == 'score':
            fkp, fsc = fkp[by_score[:max_persons]], fsc[by_score[:max_persons]]
            by_score = np.arange(len(fkp))
        centres = person_centres(fkp, fsc)
        sizes = person_sizes(fkp, fsc)
        slot_of = np.full(len(fkp), -1)
        if num_slots:
            # (N, 1, 2) - (1, S, 2) -> (N, S) distances to the slots
            cost = np.linalg.norm(
                centres[:, None] - last[None, :num_slots], axis=-1)
            if tracking == 'score':
                rows, cols = linear_sum_assignment(cost)
            else:
                rows, cols = gated_matching(
                    cost,
                    gate * np.maximum(sizes[:, None], size[None, :num_slots]))
            slot_of[rows] = cols
        for p in by_score:
            if slot_of[p] < 0 and num_slots < max_persons:
                slot_of[p] = num_slots
                num_slots += 1
        kept = np.flatnonzero(slot_of >= 0)
        kp[slot_of[kept], i] = fkp[kept]
        score[slot_of[kept], i] = fsc[kept]
        last[slot_of[kept]] = centres[kept]
        size[slot_of[kept]] = sizes[kept]
        placed += len(kept)
    if num_slots == 0:
        raise ValueError('no person in any frame')
    order = np.argsort(-score[:num_slots].mean(axis=(1, 2)), kind='stable')
    return kp[order], score[order], placed


def gated_matching(cost: np.ndarray,
                   reach: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Rows and columns of the ``(N, S)`` matching that takes the most
    pairs with ``cost <= reach``, then the smallest summed cost; pairs
    beyond their reach are left out."""
    inside = cost <= reach
    if not inside.any():
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    # a pair outside costs more than all pairs inside together, so the
    # Hungarian matching first maximises the pairs inside
    penalty = 2 * float(cost[inside].sum()) + 1.0
    rows, cols = linear_sum_assignment(np.where(inside, cost, penalty))
    ok = inside[rows, cols]
    return rows[ok], cols[ok]


def read_label_file(path: str) -> Dict[str, int]:
    """Labels per video: a JSON object ``{name: label}`` or a text file with
    one ``name label`` (or ``name,label``) per line; blank lines and ``#``
    comments are ignored.

    Raises:
        ValueError: On a malformed line, naming the file and line.
    """
    if path.endswith('.json'):
        obj = load_json(path)
        if not isinstance(obj, dict) or not all(
                isinstance(v, Integral) and not isinstance(v, bool)
                for v in obj.values()):
            raise ValueError(f'{path}: expected a JSON object of '
                             'name: integer label')
        return {str(k): int(v) for k, v in obj.items()}
    labels = {}
    with open(path) as f:
        lines = f.read().splitlines()
    for n, line in enumerate(lines, 1):
        fields = line.split('#', 1)[0].replace(',', ' ').split()
        if not fields:
            continue
        if len(fields) != 2 or not fields[1].lstrip('-').isdigit():
            raise ValueError(f'{path}:{n}: expected "name label", got '
                             f'{line.strip()!r}')
        if fields[0] in labels:
            raise ValueError(f'{path}:{n}: {fields[0]!r} is labelled twice')
        labels[fields[0]] = int(fields[1])
    return labels


def read_split_file(path: str) -> Dict[str, List[str]]:
    """A JSON object ``{split_name: [video names]}``."""
    obj = load_json(path)
    if not isinstance(obj, dict) or not all(
            isinstance(v, list) for v in obj.values()):
        raise ValueError(f'{path}: expected a JSON object of split name: '
                         'list of video names')
    return {str(k): [str(n) for n in v] for k, v in obj.items()}


def convert_pose_videos(
        videos: Sequence[Tuple[str, Callable[[], List[Frame]]]],
        img_shape: Tuple[int, int],
        labels: Optional[Union[Dict[str, int], int]] = None,
        max_persons: int = 2,
        splits: Optional[Dict[str, List[str]]] = None,
        split_name: str = 'train',
        skip_malformed: bool = False,
        progress: Optional[Callable[[int, int], None]] = None,
        tracking: str = 'score',
        tracking_gate: float = DEFAULT_GATE) -> Tuple[Dict, ConversionReport]:
    """Convert videos given as ``(name, load_frames)`` pairs.

    Args:
        videos: ``load_frames()`` returns the :data:`Frame` list of a video
            and raises ValueError on malformed input.
        img_shape (tuple[int, int]): ``(height, width)`` of the frames.
        labels (dict | int, optional): A label per video name (videos
            without one are skipped, ``no_label``), one label for all, or
            None for unlabelled data (pretraining).
        max_persons (int): People kept per video (M), 1 to
            :data:`MAX_PERSONS`.
        splits (dict, optional): ``{split: [names]}``; names that were not
            converted are left out. Default: every video in ``split_name``.
        split_name (str): The split of every video when ``splits`` is None.
        skip_malformed (bool): Skip (``malformed``, with the first error
            message in the report) instead of raising.
        progress (callable, optional): ``progress(done, total)``.
        tracking (str): The :func:`track_people` rule, ``'score'``
            (default) or ``'continuity'``.
        tracking_gate (float): The ``gate`` of ``'continuity'``, a
            fraction of the person's bounding-box diagonal.

    Returns:
        tuple: The pickle dict and a :class:`ConversionReport`. When every
        video is skipped, ``annotations`` is empty and the report says what
        was skipped and why; the CLI then refuses to write.
    """
    max_persons = check_max_persons(max_persons)
    tracking, tracking_gate = check_tracking(tracking, tracking_gate)
    h, w = (int(x) for x in img_shape)
    if h < 1 or w < 1:
        raise ValueError(f'img_shape must be positive (height, width), got '
                         f'{img_shape}')
    report = ConversionReport()
    annotations = []
    seen = set()
    for i, (name, load) in enumerate(videos):
        if progress is not None:
            progress(i + 1, len(videos))
        if name in seen:
            raise ValueError(f'two videos are named {name!r}')
        seen.add(name)
        if isinstance(labels, dict) and name not in labels:
            report.skip('no_label', name)
            continue
        try:
            frames = load()
        except ValueError as e:
            if not skip_malformed:
                raise
            report.skip('malformed', name, str(e))
            continue
        if not any(len(f[0]) for f in frames):
            report.skip('empty', name)
            continue
        kp, score, placed = _track(frames, max_persons, tracking,
                                   tracking_gate)
        report.note('frames_without_people',
                    sum(len(f[0]) == 0 for f in frames))
        report.note('people_beyond_max_persons',
                    sum(max(len(f[0]) - max_persons, 0) for f in frames))
        if tracking == 'continuity':
            report.note('people_not_tracked',
                        sum(len(f[0]) for f in frames) - placed)
        anno = dict(
            frame_dir=name,
            keypoint=kp,
            keypoint_score=score,
            total_frames=kp.shape[1],
            img_shape=(h, w),
            original_shape=(h, w))
        if isinstance(labels, dict):
            anno['label'] = labels[name]
        elif labels is not None:
            anno['label'] = int(labels)
        annotations.append(anno)
        report.kept += 1

    names = [a['frame_dir'] for a in annotations]
    if splits is None:
        split = {split_name: names}
    else:
        converted = set(names)
        split = {
            k: [n for n in v if n in converted]
            for k, v in splits.items()
        }
        report.note(
            'split_names_not_converted',
            sum(n not in converted for v in splits.values() for n in v))
    return dict(split=split, annotations=annotations), report
