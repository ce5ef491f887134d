"""Validation of MMAction2 PoseDataset annotations.

A problem found here names the sample and what is wrong with it, so a bad
annotation file fails when the dataset loads, before any training starts,
instead of as a shape error deep inside a batch.
"""
from numbers import Integral
from typing import Any, Dict, List, Optional, Sequence

import numpy as np


class AnnotationError(ValueError):
    """An annotation file that cannot be used; ``problems`` lists every
    issue found."""

    def __init__(self,
                 source: str,
                 problems: Sequence[str],
                 max_shown: int = 20) -> None:
        self.problems = list(problems)
        shown = '\n  - '.join(self.problems[:max_shown])
        more = len(self.problems) - max_shown
        tail = f'\n  ... and {more} more' if more > 0 else ''
        super().__init__(f'{len(self.problems)} problem(s) in {source}:\n'
                         f'  - {shown}{tail}')


def sample_name(anno: Dict[str, Any], index: int) -> str:
    name = anno.get('frame_dir', anno.get('filename'))
    return f'sample {name!r} (#{index})' if name is not None \
        else f'sample #{index}'


def check_sample(anno: Any,
                 index: int,
                 num_classes: Optional[int] = None,
                 require_label: bool = True) -> List[str]:
    """Problems of one annotation dict; an empty list when it is usable."""
    if not isinstance(anno, dict):
        return [f'sample #{index}: expected a dict, got {type(anno).__name__}']
    name = sample_name(anno, index)
    required = ['keypoint', 'total_frames']
    if 'frame_dir' not in anno and 'filename' not in anno:
        required.append('frame_dir')
    if require_label:
        required.append('label')
    missing = [k for k in required if k not in anno]
    if missing:
        return [f'{name}: missing key(s) {missing}']

    problems = []
    kp = anno['keypoint']
    if not isinstance(kp, np.ndarray):
        return [
            f'{name}: keypoint must be a numpy array, got '
            f'{type(kp).__name__}'
        ]
    if kp.ndim != 4:
        return [
            f'{name}: keypoint must have rank 4 (M, T, V, C), got shape '
            f'{kp.shape}'
        ]
    m, t, v, c = kp.shape
    if m < 1 or v < 1 or c not in (2, 3):
        problems.append(f'{name}: keypoint shape {kp.shape} needs M >= 1, '
                        'V >= 1 and C in (2, 3)')
    total = anno['total_frames']
    if not isinstance(total, Integral) or total < 1:
        problems.append(f'{name}: total_frames must be a positive integer, '
                        f'got {total!r}')
    elif t < total:
        problems.append(f'{name}: keypoint holds {t} frames but total_frames '
                        f'is {total}')
    if t == 0:
        problems.append(f'{name}: keypoint has zero frames')
    if not np.issubdtype(kp.dtype, np.number):
        problems.append(f'{name}: keypoint dtype {kp.dtype} is not numeric')
    elif not np.isfinite(kp).all():
        bad = int((~np.isfinite(kp)).sum())
        problems.append(f'{name}: keypoint has {bad} NaN/inf value(s)')
    if 'keypoint_score' in anno:
        score = anno['keypoint_score']
        if not isinstance(score, np.ndarray) or score.shape != (m, t, v):
            shape = getattr(score, 'shape', type(score).__name__)
            problems.append(f'{name}: keypoint_score shape {shape} does not '
                            f'match keypoint (M, T, V) = {(m, t, v)}')
        elif not np.isfinite(score).all():
            problems.append(f'{name}: keypoint_score has NaN/inf values')
    if 'label' in anno:
        label = anno['label']
        if not isinstance(label, Integral):
            problems.append(f'{name}: label must be an integer, got '
                            f'{label!r}')
        elif label < 0 or (num_classes is not None and label >= num_classes):
            bound = f'[0, {num_classes})' if num_classes else '>= 0'
            problems.append(f'{name}: label {label} out of range {bound}')
    return problems


def check_annotations(annotations: Sequence[Any],
                      num_classes: Optional[int] = None,
                      require_label: bool = True) -> List[str]:
    """Problems of every sample of an annotation list."""
    if len(annotations) == 0:
        return ['no samples']
    problems: List[str] = []
    for i, anno in enumerate(annotations):
        problems.extend(check_sample(anno, i, num_classes, require_label))
    return problems
