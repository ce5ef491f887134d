import numpy as np
import pytest
from mmaction.datasets.transforms import JointToBone

from usdrl_mm.structures import (SkeletonLayout, bones_from_joints, get_layout,
                                 register_layout)


@pytest.mark.parametrize('name', ['nturgb+d', 'coco'])
def test_bones_agree_with_mmaction_joint_to_bone(name):
    layout = get_layout(name)
    kp = np.random.default_rng(0).normal(size=(2, 5, layout.num_joints,
                                               3)).astype(np.float32)
    ours = bones_from_joints(kp, layout.parents)
    theirs = JointToBone(dataset=name)(dict(keypoint=kp[..., :2].copy()))
    assert np.allclose(ours[..., :2], theirs['keypoint'])


def test_ntu_parent_table_is_the_spec_table():
    # SPEC §11.5, 1-based (joint, parent) pairs
    pairs = [(1, 2), (2, 21), (3, 21), (4, 3), (5, 21), (6, 5), (7, 6), (8, 7),
             (9, 21), (10, 9), (11, 10), (12, 11), (13, 1), (14, 13), (15, 14),
             (16, 15), (17, 1), (18, 17), (19, 18), (20, 19), (21, 21),
             (22, 23), (23, 8), (24, 25), (25, 12)]
    layout = get_layout('nturgb+d')
    assert layout.bone_pairs == tuple((a - 1, b - 1) for a, b in pairs)
    assert layout.num_joints == 25 and layout.center == 20


def test_flip_pairs_swap_left_and_right_names():
    for name in ('nturgb+d', 'coco'):
        layout = get_layout(name)
        for a, b in layout.flip_pairs:
            left, right = layout.joint_names[a], layout.joint_names[b]
            assert left.replace('left', 'right') == right


def test_registry_errors():
    with pytest.raises(KeyError, match='unknown skeleton layout'):
        get_layout('kinect-99')
    with pytest.raises(KeyError, match='already registered'):
        register_layout(get_layout('coco'))
    with pytest.raises(ValueError, match='parents'):
        SkeletonLayout('bad', ('a', 'b'), (0, ), 0)
    with pytest.raises(ValueError, match='out of range'):
        SkeletonLayout('bad', ('a', 'b'), (0, 5), 0)
    with pytest.raises(ValueError, match='flip pair'):
        SkeletonLayout('bad', ('a', 'b'), (0, 0), 0, flip_pairs=((0, 3), ))


def test_user_layout_round_trip():
    layout = SkeletonLayout(
        'test-three', ('root', 'mid', 'tip'), (0, 0, 1), center=0)
    register_layout(layout, force=True)
    assert get_layout('test-three') is layout
    x = np.arange(9, dtype=np.float32).reshape(1, 3, 3)
    assert np.array_equal(
        bones_from_joints(x, layout.parents)[0, 2], [3, 3, 3])
