"""Validation of MMAction2 PoseDataset annotations.

A problem found here names the sample and what is wrong with it, so a bad
annotation file fails when the dataset loads, before any training starts,
instead of as a shape error deep inside a batch.

Two severities:

- **errors** make the file unusable or the training wrong: missing keys,
  shapes, ``total_frames`` larger than the array, NaN/inf, labels out of
  range, a joint count that does not match the layout (or differs between
  samples), duplicate sample names, unknown or empty splits. The datasets
  raise on them and ``tools/data/check_annotations.py`` exits non-zero.
- **warnings** are data-quality findings that training survives: an
  all-zero person after the first (padding, e.g. NTU's absent second
  actor, which ``FormatGCNInput`` would add anyway), an all-zero person 0
  while a later person has data (pipelines centre on person 0), split
  names without an annotation (``PoseDataset`` drops them silently), 2D
  keypoints without ``img_shape`` (``PreNormalize2D`` then assumes
  1080x1920).

An empty split (a name mapped to no sample) is an error here, in the
checker tool and in the converters, which refuse to write one (their
``--drop-empty-splits`` leaves it out of the file instead; see
``usdrl_mm/datasets/converters/report.py``): a dataset built on it has no
sample, and a file that the converter wrote should pass the checker.

A sample whose every person is all zeros over its valid frames (NTU's
"missing skeleton" samples) carries no data at all. The checker tool counts
it as an error (``empty='error'``); the datasets only log it
(``empty='warn'``, the default), because a few empty clips do not break a
run, and refusing to load would make every placeholder array an error.
"""
from dataclasses import dataclass, field
from numbers import Integral
from typing import Any, Dict, List, Optional, Sequence, Tuple

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
                 require_label: bool = True,
                 num_joints: Optional[int] = None,
                 warnings: Optional[List[str]] = None,
                 empty: str = 'warn') -> List[str]:
    """Problems of one annotation dict; an empty list when it is usable.

    Args:
        anno (dict): One annotation.
        index (int): Its position, used in messages.
        num_classes (int, optional): Labels must lie in ``[0, num_classes)``.
        require_label (bool): Whether ``label`` is required.
        num_joints (int, optional): Expected joints per person V (from the
            skeleton layout).
        warnings (list[str], optional): Data-quality findings are appended
            here (dropped when None).
        empty (str): ``'error'`` or ``'warn'``: the severity of a sample
            with no non-zero joint at all.

    Returns:
        list[str]: The errors, each naming the sample.
    """
    if empty not in ('error', 'warn'):
        raise ValueError(f"empty must be 'error' or 'warn', got {empty!r}")
    if warnings is None:
        warnings = []
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
    if num_joints is not None and v != num_joints:
        problems.append(f'{name}: keypoint has {v} joints but the skeleton '
                        f'layout has {num_joints}; convert the data to the '
                        'layout (tools/data/select_joints.py) or name the '
                        'layout the data has')
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
    elif m >= 1 and t >= 1:
        _check_persons(kp, total, name, problems, warnings, empty)
    if 'keypoint_score' in anno:
        score = anno['keypoint_score']
        if not isinstance(score, np.ndarray) or score.shape != (m, t, v):
            shape = getattr(score, 'shape', type(score).__name__)
            problems.append(f'{name}: keypoint_score shape {shape} does not '
                            f'match keypoint (M, T, V) = {(m, t, v)}')
        elif not np.isfinite(score).all():
            problems.append(f'{name}: keypoint_score has NaN/inf values')
    if c == 2 and 'img_shape' not in anno:
        warnings.append(f'{name}: 2D keypoints without img_shape '
                        '(PreNormalize2D will assume 1080x1920)')
    if 'label' in anno:
        label = anno['label']
        if not isinstance(label, Integral):
            problems.append(f'{name}: label must be an integer, got '
                            f'{label!r}')
        elif label < 0 or (num_classes is not None and label >= num_classes):
            bound = f'[0, {num_classes})' if num_classes else '>= 0'
            problems.append(f'{name}: label {label} out of range {bound}')
    return problems


def _check_persons(kp: np.ndarray, total: Any, name: str, problems: List[str],
                   warnings: List[str], empty: str) -> None:
    """All-zero persons over the valid frames (see the module docstring for
    the severities)."""
    t = kp.shape[1]
    if isinstance(total, Integral) and 0 < total < t:
        t = int(total)
    # (M, T, V, C) -> (M, ): does the person have any non-zero value
    present = np.any(kp[:, :t] != 0, axis=(1, 2, 3))
    if not present.any():
        message = f'{name}: every person is all zeros (no skeleton data)'
        (problems if empty == 'error' else warnings).append(message)
        return
    if not present[0]:
        warnings.append(f'{name}: person 0 is all zeros but person '
                        f'{int(np.argmax(present))} is not (pipelines '
                        'centre on person 0)')
    for p in np.flatnonzero(~present[1:]) + 1:
        warnings.append(f'{name}: person {p} is all zeros')


def _sample_key(anno: Any) -> Any:
    if not isinstance(anno, dict):
        return None
    return anno.get('filename', anno.get('frame_dir'))


def check_annotations(annotations: Sequence[Any],
                      num_classes: Optional[int] = None,
                      require_label: bool = True,
                      num_joints: Optional[int] = None,
                      warnings: Optional[List[str]] = None,
                      empty: str = 'warn') -> List[str]:
    """Errors of every sample of an annotation list, plus those between
    samples: duplicate names and, when no layout fixes ``num_joints``,
    joint counts that differ between samples. Arguments as
    :func:`check_sample`."""
    if len(annotations) == 0:
        return ['no samples']
    problems: List[str] = []
    for i, anno in enumerate(annotations):
        problems.extend(
            check_sample(anno, i, num_classes, require_label, num_joints,
                         warnings, empty))

    seen: Dict[Any, int] = {}
    for i, anno in enumerate(annotations):
        key = _sample_key(anno)
        if key is None:
            continue
        if key in seen:
            problems.append(f'sample {key!r} (#{i}): duplicate name, also '
                            f'sample #{seen[key]}')
        else:
            seen[key] = i

    if num_joints is None:
        counts: Dict[int, List[int]] = {}
        for i, anno in enumerate(annotations):
            kp = anno.get('keypoint') if isinstance(anno, dict) else None
            if isinstance(kp, np.ndarray) and kp.ndim == 4:
                counts.setdefault(kp.shape[2], []).append(i)
        if len(counts) > 1:
            common = max(counts, key=lambda v: len(counts[v]))
            for v, indices in sorted(counts.items()):
                if v == common:
                    continue
                for i in indices:
                    problems.append(
                        f'{sample_name(annotations[i], i)}: {v} joints, '
                        f'but most samples have {common}')
    return problems


def check_skeleton(annotations: Sequence[Any],
                   skeleton: Any,
                   warnings: Optional[List[str]] = None) -> List[str]:
    """Errors of every sample whose keypoints disagree with a skeleton
    spec in channels or persons (:meth:`SkeletonSpec.problems`), each
    naming the sample and the fix; persons beyond the spec's
    ``num_person`` (which ``FormatGCNInput`` drops) go to ``warnings``.

    Joint counts are left to :func:`check_annotations` (give it
    ``num_joints=skeleton.num_joints``), and samples it already refuses
    for their keypoint type or rank are skipped.

    Args:
        annotations (list[dict]): The samples.
        skeleton (SkeletonSpec | dict | str): The spec.
        warnings (list[str], optional): Where the warnings go.
    """
    from usdrl_mm.structures import SkeletonSpec
    spec = SkeletonSpec.build(skeleton)
    if warnings is None:
        warnings = []
    problems: List[str] = []
    for i, anno in enumerate(annotations):
        kp = anno.get('keypoint') if isinstance(anno, dict) else None
        if not isinstance(kp, np.ndarray) or kp.ndim != 4:
            continue
        errors, found = spec.problems(
            kp.shape, 'keypoint_score' in anno, check_joints=False)
        name = sample_name(anno, i)
        problems += [f'{name}: {e}' for e in errors]
        warnings += [f'{name}: {w}' for w in found]
    return problems


def check_splits(split: Any,
                 annotations: Sequence[Any]) -> Tuple[List[str], List[str]]:
    """``(errors, warnings)`` of the ``split`` dict of a PoseDataset file:
    it must map names to non-empty lists of sample names; names without an
    annotation and annotations in no split are warnings."""
    if not isinstance(split, dict):
        return [
            f'"split" must be a dict of lists, got '
            f'{type(split).__name__}'
        ], []
    errors: List[str] = []
    warnings: List[str] = []
    known = {_sample_key(a) for a in annotations} - {None}
    listed = set()
    for key, names in split.items():
        if not isinstance(names, (list, tuple)):
            errors.append(f'split {key!r}: expected a list of sample names, '
                          f'got {type(names).__name__}')
            continue
        if len(names) == 0:
            errors.append(f'split {key!r} is empty (a dataset of this '
                          'split would have no sample)')
            continue
        listed.update(names)
        absent = [n for n in names if n not in known]
        if absent:
            warnings.append(f'split {key!r}: {len(absent)} of {len(names)} '
                            f'name(s) have no annotation, e.g. {absent[:3]}')
        if len(absent) == len(names):
            errors.append(f'split {key!r}: none of its {len(names)} names '
                          'has an annotation')
    if split:
        unsplit = sorted(known - listed, key=str)
        if unsplit:
            warnings.append(f'{len(unsplit)} sample(s) are in no split, e.g. '
                            f'{unsplit[:3]}')
    return errors, warnings


@dataclass
class AnnotationReport:
    """The outcome of :func:`check_annotation_file`."""

    errors: List[str] = field(default_factory=list)
    warnings: List[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def check_annotation_file(data: Any,
                          num_classes: Optional[int] = None,
                          require_label: bool = True,
                          layout: Optional[str] = None,
                          empty: str = 'error') -> AnnotationReport:
    """Check a whole loaded annotation file: its top-level structure, its
    splits and every sample.

    Args:
        data: The unpickled file: a dict with ``annotations`` (and usually
            ``split``) or a bare list of annotations.
        num_classes (int, optional): Labels must lie in ``[0, num_classes)``.
        require_label (bool): Whether every sample needs a ``label``.
        layout (str, optional): Skeleton layout name; V must match it.
        empty (str): Severity of samples without data (see the module
            docstring); ``'error'`` by default here.
    """
    report = AnnotationReport()
    if isinstance(data, dict):
        if 'annotations' not in data:
            report.errors.append('top-level dict has no "annotations" key '
                                 f'(found {sorted(data, key=str)})')
            return report
        annotations = data['annotations']
    elif isinstance(data, list):
        annotations = data
    else:
        report.errors.append('expected a dict with "split" and '
                             f'"annotations" or a list, got '
                             f'{type(data).__name__}')
        return report
    if not isinstance(annotations, (list, tuple)):
        report.errors.append('"annotations" must be a list, got '
                             f'{type(annotations).__name__}')
        return report

    num_joints = None
    if layout is not None:
        from usdrl_mm.structures import get_layout
        try:
            num_joints = get_layout(layout).num_joints
        except KeyError as e:
            report.errors.append(str(e.args[0]))
    if isinstance(data, dict) and 'split' in data:
        errors, warnings = check_splits(data['split'], annotations)
        report.errors += errors
        report.warnings += warnings
    report.errors += check_annotations(annotations, num_classes, require_label,
                                       num_joints, report.warnings, empty)
    return report
