"""Keep the joints of one skeleton layout out of annotations in another.

A subset (or reordering) of a known skeleton is a new layout plus this
conversion: every target joint is looked up **by name** in the source
layout, so the two layouts never share index tables, and a target joint
the source does not have is an error rather than a silent wrong joint.
"""
from collections import Counter
from typing import Any, Callable, Dict, List, Optional, Union

import numpy as np

from usdrl_mm.structures import SkeletonLayout, get_layout

# per-joint arrays of a PoseDataset sample and their joint axis
JOINT_AXIS = {'keypoint': 2, 'keypoint_score': 2}  # (M, T, V, C), (M, T, V)


def joint_index(source: Union[str, SkeletonLayout],
                target: Union[str, SkeletonLayout]) -> np.ndarray:
    """The source joint of every target joint, matched by name.

    Returns:
        np.ndarray: int64 ``(V_target, )``; ``x[..., index, :]`` turns
        source-layout joints ``(..., V_source, C)`` into target-layout ones
        ``(..., V_target, C)``, in the target's order.

    Raises:
        ValueError: A target joint name is not in the source layout (all
            missing names are listed), or a layout repeats a name.
    """
    source, target = get_layout(source), get_layout(target)
    for layout in (source, target):
        counts = Counter(layout.joint_names)
        repeated = sorted(n for n, k in counts.items() if k > 1)
        if repeated:
            raise ValueError(f'layout {layout.name!r} repeats joint names '
                             f'{repeated}; names must be unique to match')
    position = {name: i for i, name in enumerate(source.joint_names)}
    missing = [n for n in target.joint_names if n not in position]
    if missing:
        raise ValueError(
            f'{len(missing)} joint(s) of layout {target.name!r} missing '
            f'from layout {source.name!r}: {", ".join(missing)} (joints of '
            f'{source.name!r}: {", ".join(source.joint_names)})')
    return np.array([position[n] for n in target.joint_names], dtype=np.int64)


def select_sample_joints(sample: Dict, index: np.ndarray,
                         num_source_joints: int) -> Dict:
    """A copy of one annotation whose per-joint arrays keep ``index``.

    ``keypoint (M, T, V, C) -> (M, T, len(index), C)`` and, if present,
    ``keypoint_score (M, T, V) -> (M, T, len(index))``; every other key is
    shared with ``sample``, which is left unchanged.

    Raises:
        ValueError: The sample does not have ``num_source_joints`` joints.
    """
    out = dict(sample)
    for key, axis in JOINT_AXIS.items():
        if key not in sample:
            continue
        array = np.asarray(sample[key])
        if array.ndim <= axis or array.shape[axis] != num_source_joints:
            name = sample.get('frame_dir', sample.get('filename', '?'))
            raise ValueError(
                f'sample {name!r}: {key} has shape {array.shape}, expected '
                f'{num_source_joints} joints on axis {axis} (the source '
                'layout); pass the layout the file was written in')
        out[key] = np.take(array, index, axis=axis)  # a copy, not a view
    return out


def select_joints(
        data: Any,
        to_layout: Union[str, SkeletonLayout],
        from_layout: Union[str, SkeletonLayout] = 'nturgb+d',
        progress: Optional[Callable[[int, int], None]] = None) -> Any:
    """Convert a PoseDataset annotation file to ``to_layout``'s joints.

    Args:
        data: The unpickled file: a dict with ``annotations`` (and usually
            ``split``; every other key is kept) or a bare list of
            annotations.
        to_layout (str | SkeletonLayout): Layout to keep; each of its joint
            names must be in ``from_layout``.
        from_layout (str | SkeletonLayout): Layout the file is written in.
        progress (callable, optional): ``progress(done, total)`` per sample.

    Returns:
        A new object of the same form; the input is not modified.
    """
    source = get_layout(from_layout)
    index = joint_index(source, to_layout)
    if isinstance(data, dict):
        if 'annotations' not in data:
            raise ValueError('top-level dict has no "annotations" key '
                             f'(found {sorted(data, key=str)})')
        annotations = data['annotations']
    elif isinstance(data, list):
        annotations = data
    else:
        raise ValueError('expected a dict with "split" and "annotations" or '
                         f'a list, got {type(data).__name__}')
    converted: List[Dict] = []
    for sample in annotations:
        converted.append(
            select_sample_joints(sample, index, source.num_joints))
        if progress is not None:
            progress(len(converted), len(annotations))
    if isinstance(data, list):
        return converted
    return dict(data, annotations=converted)
