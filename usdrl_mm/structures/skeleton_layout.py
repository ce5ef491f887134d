"""Skeleton layouts: joint names, bone parents, centre joint and flip pairs.

Every piece of code that needs the topology of a skeleton (bone modality,
augmentations, converters, the synthetic generator) asks this registry, so a
layout is written down exactly once. Names follow MMAction2 (``'nturgb+d'``,
``'coco'``, ``'openpose'``) so the same string works in ``GenSkeFeat`` and
``Graph`` configs.

Registered here: ``'nturgb+d'`` (Kinect v2, 25), ``'coco'`` (17),
``'coco-wholebody-body'`` (23: COCO-17 and six foot points),
``'openpose'`` (OpenPose COCO-18), ``'openpose-body25'`` (25),
``'openpose-body25b'`` (25, another order and other joints),
``'mediapipe-33'`` (33) and ``'uav-human'`` (17, COCO order). Other
skeletons (an upper-body subset, a different estimator) are added with
:func:`register_layout`, after which every config can name them.
"""
from dataclasses import dataclass, field, replace
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
    """The registered layout names, sorted."""
    return sorted(_LAYOUTS)


# Kinect v2 joints as NTU RGB+D orders them. Bone parents as in design.md
# §11.5, identical to MMAction2's JointToBone pairs for 'nturgb+d'.
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

# The body part of COCO-WholeBody (MMPose 'coco_wholebody' keypoints 0-22):
# COCO-17, then left big toe, small toe and heel, and the same on the right.
# The feet hang from the ankles as in 'openpose-body25' (small toe on the
# big toe); the rest is 'coco'.
COCO_WHOLEBODY_BODY23 = register_layout(
    SkeletonLayout(
        name='coco-wholebody-body',
        joint_names=COCO17.joint_names +
        ('left_big_toe', 'left_small_toe', 'left_heel', 'right_big_toe',
         'right_small_toe', 'right_heel'),
        parents=COCO17.parents + (15, 17, 15, 16, 20, 16),
        center=COCO17.center,
        flip_pairs=COCO17.flip_pairs + ((17, 20), (18, 21), (19, 22))))

# OpenPose COCO-18 ("COCO" model of OpenPose: COCO-17 plus a neck, in
# OpenPose's own order). Name and parents as MMAction2's JointToBone /
# Graph for 'openpose', so GenSkeFeat(dataset='openpose') agrees.
OPENPOSE18 = register_layout(
    SkeletonLayout(
        name='openpose',
        joint_names=('nose', 'neck', 'right_shoulder', 'right_elbow',
                     'right_wrist', 'left_shoulder', 'left_elbow',
                     'left_wrist', 'right_hip', 'right_knee', 'right_ankle',
                     'left_hip', 'left_knee', 'left_ankle', 'right_eye',
                     'left_eye', 'right_ear', 'left_ear'),
        parents=(0, 0, 1, 2, 3, 1, 5, 6, 2, 8, 9, 5, 11, 12, 0, 0, 14, 15),
        center=1,
        flip_pairs=((5, 2), (6, 3), (7, 4), (11, 8), (12, 9), (13, 10),
                    (15, 14), (17, 16))))

# OpenPose BODY-25 (the default model of OpenPose >= 1.3): COCO-18 with a
# mid hip and six foot points. MMAction2 has no BODY-25 graph; the tree
# follows the OpenPose-18 one (nose root, neck below it) with the hips hung
# from the mid hip and the feet from the ankles, as OpenPose draws them.
OPENPOSE_BODY25 = register_layout(
    SkeletonLayout(
        name='openpose-body25',
        joint_names=('nose', 'neck', 'right_shoulder', 'right_elbow',
                     'right_wrist', 'left_shoulder', 'left_elbow',
                     'left_wrist', 'mid_hip', 'right_hip', 'right_knee',
                     'right_ankle', 'left_hip', 'left_knee', 'left_ankle',
                     'right_eye', 'left_eye', 'right_ear', 'left_ear',
                     'left_big_toe', 'left_small_toe', 'left_heel',
                     'right_big_toe', 'right_small_toe', 'right_heel'),
        parents=(0, 0, 1, 2, 3, 1, 5, 6, 1, 8, 9, 10, 8, 12, 13, 0, 0, 15, 16,
                 14, 19, 14, 11, 22, 11),
        center=1,
        flip_pairs=((5, 2), (6, 3), (7, 4), (12, 9), (13, 10), (14, 11),
                    (16, 15), (18, 17), (19, 22), (20, 23), (21, 24))))

# OpenPose BODY_25B (OpenPose's experimental model, --model_pose BODY_25B):
# 25 keypoints like BODY-25 but in COCO-17 order first, then an upper neck (the
# top of the neck, not BODY-25's shoulder midpoint), the top of the head and
# the six foot points; there is no mid hip. Same joint count as BODY-25, so
# files of the two cannot be told apart by their shape
# (usdrl_mm/datasets/converters/openpose.py tells them apart by geometry).
# Tree as for BODY-25: the nose is the root with the upper neck below it,
# the shoulders hang from the upper neck, the hips from the shoulders
# (there is no mid hip), the head top from the upper neck and the feet from
# the ankles.
OPENPOSE_BODY25B = register_layout(
    SkeletonLayout(
        name='openpose-body25b',
        joint_names=('nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear',
                     'left_shoulder', 'right_shoulder', 'left_elbow',
                     'right_elbow', 'left_wrist', 'right_wrist', 'left_hip',
                     'right_hip', 'left_knee', 'right_knee', 'left_ankle',
                     'right_ankle', 'upper_neck', 'head_top', 'left_big_toe',
                     'left_small_toe', 'left_heel', 'right_big_toe',
                     'right_small_toe', 'right_heel'),
        parents=(0, 0, 0, 1, 2, 17, 17, 5, 6, 7, 8, 5, 6, 11, 12, 13, 14, 0,
                 17, 15, 19, 15, 16, 22, 16),
        center=17,
        flip_pairs=((1, 2), (3, 4), (5, 6), (7, 8), (9, 10), (11, 12),
                    (13, 14), (15, 16), (19, 22), (20, 23), (21, 24))))

# MediaPipe Pose / BlazePose 33 landmarks in MediaPipe's order. Parents:
# MediaPipe's POSE_CONNECTIONS as a tree rooted at the nose (face points
# chained outwards, shoulders and mouth corners on the nose as COCO does,
# hips on the shoulders, hand and foot points on the wrists and ankles).
MEDIAPIPE33 = register_layout(
    SkeletonLayout(
        name='mediapipe-33',
        joint_names=('nose', 'left_eye_inner', 'left_eye', 'left_eye_outer',
                     'right_eye_inner', 'right_eye', 'right_eye_outer',
                     'left_ear', 'right_ear', 'mouth_left', 'mouth_right',
                     'left_shoulder', 'right_shoulder', 'left_elbow',
                     'right_elbow', 'left_wrist', 'right_wrist', 'left_pinky',
                     'right_pinky', 'left_index', 'right_index', 'left_thumb',
                     'right_thumb', 'left_hip', 'right_hip', 'left_knee',
                     'right_knee', 'left_ankle', 'right_ankle', 'left_heel',
                     'right_heel', 'left_foot_index', 'right_foot_index'),
        parents=(0, 0, 1, 2, 0, 4, 5, 3, 6, 0, 0, 0, 0, 11, 12, 13, 14, 15, 16,
                 15, 16, 15, 16, 11, 12, 23, 24, 25, 26, 27, 28, 27, 28),
        center=0,
        flip_pairs=((1, 4), (2, 5), (3, 6), (7, 8), (9, 10), (11, 12),
                    (13, 14), (15, 16), (17, 18), (19, 20), (21, 22), (23, 24),
                    (25, 26), (27, 28), (29, 30), (31, 32))))

# UAV-Human (Li et al., CVPR 2021; github.com/SUTDCV/UAV-Human): 17 joints
# per body in COCO-17 order. The raw files use the Kinect text format with
# 17 joint lines per body (FoundSkelModel data_gen/uav_gendata.py,
# NUM_JOINT = 17), and the graphs of the UAV-Human baselines list the joints
# as COCO's. Same topology as 'coco'; a separate name so configs say which
# data they expect. FoundSkelModel's own 2D bone table (design.md §11.4) is
# not a tree (it pairs some joints both ways) and is not used here.
UAV_HUMAN17 = register_layout(replace(COCO17, name='uav-human'))
