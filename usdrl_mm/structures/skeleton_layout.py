"""Skeleton layouts: joint names, bone parents, centre joint and flip pairs.

Every piece of code that needs the topology of a skeleton (bone modality,
augmentations, converters, the synthetic generator) asks this registry, so a
layout is written down exactly once. Names follow MMAction2 (``'nturgb+d'``,
``'coco'``) so the same string works in ``GenSkeFeat`` and ``Graph`` configs.
"""
from dataclasses import dataclass, field
from typing import Dict, Sequence, Tuple, Union

import numpy as np


@dataclass(frozen=True)
class SkeletonLayout:
    """A skeleton topology.

    Args:
        name (str): Registry name.
        joint_names (tuple[str]): One name per joint, in storage order.
        parents (tuple[int]): 0-based parent of every joint. The bone of joint
            ``v`` is ``x[v] - x[parents[v]]``; a joint that is its own parent
            has a zero bone.
        center (int): Centre joint (used for centring and as graph centre).
        flip_pairs (tuple[tuple[int, int]]): Left/right joint pairs swapped
            by a horizontal flip.
    """

    name: str
    joint_names: Tuple[str, ...]
    parents: Tuple[int, ...]
    center: int
    flip_pairs: Tuple[Tuple[int, int], ...] = field(default=())

    def __post_init__(self) -> None:
        v = len(self.joint_names)
        if len(self.parents) != v:
            raise ValueError(f'layout {self.name!r}: {len(self.parents)} '
                             f'parents for {v} joints')
        bad = [p for p in self.parents if not 0 <= p < v]
        if bad or not 0 <= self.center < v:
            raise ValueError(f'layout {self.name!r}: joint index out of '
                             f'range [0, {v}): parents {bad}, '
                             f'center {self.center}')
        for a, b in self.flip_pairs:
            if not (0 <= a < v and 0 <= b < v):
                raise ValueError(f'layout {self.name!r}: flip pair '
                                 f'({a}, {b}) out of range [0, {v})')

    @property
    def num_joints(self) -> int:
        return len(self.joint_names)

    @property
    def bone_pairs(self) -> Tuple[Tuple[int, int], ...]:
        """``(joint, parent)`` pairs, the form MMAction2's ``JointToBone``
        uses."""
        return tuple(enumerate(self.parents))

    def parent_index(self) -> np.ndarray:
        """Parents as an int64 array, ready for a gather."""
        return np.asarray(self.parents, dtype=np.int64)


_LAYOUTS: Dict[str, SkeletonLayout] = {}


def register_layout(layout: SkeletonLayout,
                    force: bool = False) -> SkeletonLayout:
    """Add ``layout`` to the registry; refuse to replace one unless
    ``force``."""
    if layout.name in _LAYOUTS and not force:
        raise KeyError(f'skeleton layout {layout.name!r} is already '
                       'registered; pass force=True to replace it')
    _LAYOUTS[layout.name] = layout
    return layout


def get_layout(layout: Union[str, SkeletonLayout]) -> SkeletonLayout:
    """Return a registered layout by name (a layout object passes through)."""
    if isinstance(layout, SkeletonLayout):
        return layout
    try:
        return _LAYOUTS[layout]
    except KeyError:
        raise KeyError(f'unknown skeleton layout {layout!r}; registered: '
                       f'{sorted(_LAYOUTS)}') from None


def list_layouts() -> Sequence[str]:
    return sorted(_LAYOUTS)


# Kinect v2 joints as NTU RGB+D orders them. Bone parents as in SPEC §11.5,
# identical to MMAction2's JointToBone pairs for 'nturgb+d'.
NTU25 = register_layout(
    SkeletonLayout(
        name='nturgb+d',
        joint_names=('spine_base', 'spine_mid', 'neck', 'head',
                     'left_shoulder', 'left_elbow', 'left_wrist', 'left_hand',
                     'right_shoulder', 'right_elbow', 'right_wrist',
                     'right_hand', 'left_hip', 'left_knee', 'left_ankle',
                     'left_foot', 'right_hip', 'right_knee', 'right_ankle',
                     'right_foot', 'spine_shoulder', 'left_hand_tip',
                     'left_thumb', 'right_hand_tip', 'right_thumb'),
        parents=(1, 20, 20, 2, 20, 4, 5, 6, 20, 8, 9, 10, 0, 12, 13, 14, 0, 16,
                 17, 18, 20, 22, 7, 24, 11),
        center=20,
        flip_pairs=((4, 8), (5, 9), (6, 10), (7, 11), (12, 16), (13, 17),
                    (14, 18), (15, 19), (21, 23), (22, 24))))

# COCO-17 keypoints (MMPose / HRNet order). Parents as MMAction2's
# JointToBone for 'coco'.
COCO17 = register_layout(
    SkeletonLayout(
        name='coco',
        joint_names=('nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear',
                     'left_shoulder', 'right_shoulder', 'left_elbow',
                     'right_elbow', 'left_wrist', 'right_wrist', 'left_hip',
                     'right_hip', 'left_knee', 'right_knee', 'left_ankle',
                     'right_ankle'),
        parents=(0, 0, 0, 1, 2, 0, 0, 5, 6, 7, 8, 0, 0, 11, 12, 13, 14),
        center=0,
        flip_pairs=((1, 2), (3, 4), (5, 6), (7, 8), (9, 10), (11, 12),
                    (13, 14), (15, 16))))
