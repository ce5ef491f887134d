"""The ``'ntu-upper-13'`` skeleton layout: the upper body of NTU RGB+D.

The 13 Kinect v2 joints above the hips that a waist-up camera still sees:
the spine, neck and head, and both arms down to the hand. Hand tips,
thumbs, hips, legs and feet are dropped.

The joints keep NTU's relative order, so joints 0-11 have their NTU-25
indices (``spine_mid`` is 1, the shoulders are 4 and 8, as the NTU
pre-normalisation expects) and ``spine_shoulder`` moves from 20 to 12. The
bone tree is NTU's with every dropped joint removed: each joint hangs from
its nearest kept NTU ancestor, which here is always its NTU parent, and the
root is the centre, ``spine_shoulder``.
"""
from usdrl_mm.structures import (SkeletonLayout, get_layout, list_layouts,
                                 register_layout)

NTU_UPPER13 = SkeletonLayout(
    name='ntu-upper-13',
    joint_names=('spine_base', 'spine_mid', 'neck', 'head', 'left_shoulder',
                 'left_elbow', 'left_wrist', 'left_hand', 'right_shoulder',
                 'right_elbow', 'right_wrist', 'right_hand', 'spine_shoulder'),
    # spine_base -> spine_mid -> spine_shoulder (root, its own parent);
    # neck -> spine_shoulder, head -> neck; each arm: shoulder ->
    # spine_shoulder, elbow -> shoulder, wrist -> elbow, hand -> wrist
    parents=(1, 12, 12, 2, 12, 4, 5, 6, 12, 8, 9, 10, 12),
    center=12,
    flip_pairs=((4, 8), (5, 9), (6, 10), (7, 11)))


def register_once(layout: SkeletonLayout) -> SkeletonLayout:
    """Register ``layout`` unless the same layout is registered already.

    Importing this module twice (a config's ``custom_imports`` and a tool's
    ``--import`` in one process) is harmless; a *different* layout under
    the same name still raises ``KeyError``.
    """
    if layout.name in list_layouts() and get_layout(layout.name) == layout:
        return get_layout(layout.name)
    return register_layout(layout)


register_once(NTU_UPPER13)
