import numpy as np
import pytest
from mmaction.datasets.transforms import JointToBone

from usdrl_mm.structures import (SkeletonLayout, bones_from_joints, get_layout,
                                 list_layouts, register_layout)


@pytest.mark.parametrize('name', ['nturgb+d', 'coco'])
def test_bones_agree_with_mmaction_joint_to_bone(name):
    layout = get_layout(name)
    kp = np.random.default_rng(0).normal(size=(2, 5, layout.num_joints,
                                               3)).astype(np.float32)
    ours = bones_from_joints(kp, layout.parents)
    theirs = JointToBone(dataset=name)(dict(keypoint=kp[..., :2].copy()))
    assert np.allclose(ours[..., :2], theirs['keypoint'])


def test_ntu_parent_table_is_the_spec_table():
    # design.md §11.5, 1-based (joint, parent) pairs
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


# --- every registered layout ------------------------------------------------
REGISTERED = [
    'nturgb+d', 'coco', 'openpose', 'openpose-body25', 'openpose-body25b',
    'coco-wholebody-body', 'mediapipe-33', 'uav-human'
]


def test_new_layouts_are_registered_with_their_sizes():
    sizes = {name: get_layout(name).num_joints for name in REGISTERED}
    assert sizes == {
        'nturgb+d': 25,
        'coco': 17,
        'openpose': 18,
        'openpose-body25': 25,
        'openpose-body25b': 25,
        'coco-wholebody-body': 23,
        'mediapipe-33': 33,
        'uav-human': 17
    }
    assert set(REGISTERED) <= set(list_layouts())


@pytest.mark.parametrize('name', REGISTERED)
def test_every_layout_is_a_tree_with_named_flips(name):
    layout = get_layout(name)
    roots = [v for v, p in enumerate(layout.parents) if p == v]
    if name == 'nturgb+d':
        assert roots == [20]  # spine_shoulder; joint 0 hangs off joint 1
    else:
        assert len(roots) == 1
    for v in range(layout.num_joints):  # every joint reaches the root
        seen = set()
        while layout.parents[v] != v:
            assert v not in seen, f'cycle through joint {v}'
            seen.add(v)
            v = layout.parents[v]
    flipped = [j for pair in layout.flip_pairs for j in pair]
    assert len(flipped) == len(set(flipped))
    for a, b in layout.flip_pairs:
        assert 'left' in layout.joint_names[a]
        assert layout.joint_names[a].replace('left',
                                             'right') == layout.joint_names[b]
    # every left/right joint has its mirror listed
    sided = [
        v for v, n in enumerate(layout.joint_names)
        if 'left' in n or 'right' in n
    ]
    assert sorted(sided) == sorted(flipped)


def test_openpose_matches_mmaction_and_uav_human_matches_coco():
    kp = np.random.default_rng(1).normal(size=(1, 4, 18, 2)).astype(np.float32)
    theirs = JointToBone(dataset='openpose')(dict(keypoint=kp.copy()))
    ours = bones_from_joints(kp, get_layout('openpose').parents)
    assert np.allclose(ours, theirs['keypoint'])
    uav, coco = get_layout('uav-human'), get_layout('coco')
    assert (uav.joint_names, uav.parents, uav.center,
            uav.flip_pairs) == (coco.joint_names, coco.parents, coco.center,
                                coco.flip_pairs)
    body25 = get_layout('openpose-body25')
    shared = [
        n for n in body25.joint_names
        if n in get_layout('openpose').joint_names
    ]
    assert len(shared) == 18  # BODY-25 extends COCO-18


@pytest.mark.parametrize('name', REGISTERED)
@pytest.mark.parametrize('modality', ['joint', 'bone', 'motion'])
def test_data_preprocessor_and_dste_take_any_layout(name, modality):
    import torch
    from mmaction.registry import MODELS
    layout = get_layout(name)
    v = layout.num_joints
    prep = MODELS.build(
        dict(type='SkeletonDataPreprocessor', modality=modality, layout=name))
    x = torch.randn(3, 2, 2, 8, v, 3)
    out = prep(dict(inputs=x))['inputs']
    if modality == 'bone':
        expected = x - x[..., list(layout.parents), :]
    elif modality == 'motion':
        expected = torch.cat([
            x[..., 1:, :, :] - x[..., :-1, :, :],
            torch.zeros_like(x[..., :1, :, :])
        ],
                             dim=-3)
    else:
        expected = x
    assert torch.allclose(out, expected)
    backbone = MODELS.build(
        dict(type='DSTE', num_joints=v, clip_len=8, hidden_dim=16))
    temporal, spatial = backbone(out[:, 0])
    assert temporal.shape == (3, 8, 16) and spatial.shape == (3, 2 * v, 16)
    assert torch.isfinite(temporal).all() and torch.isfinite(spatial).all()
    wrong = MODELS.build(
        dict(
            type='SkeletonDataPreprocessor',
            modality='bone',
            layout='coco' if v != 17 else 'nturgb+d'))
    if modality == 'bone':
        with pytest.raises(ValueError, match='layout does not match'):
            wrong(dict(inputs=x))


@pytest.mark.parametrize('name', REGISTERED)
def test_augmentations_and_configs_work_for_any_layout(name, repo_root):
    import os.path as osp

    import torch
    from mmaction.registry import MODELS, TRANSFORMS
    from mmengine.config import Config
    from mmengine.optim import build_optim_wrapper
    v = get_layout(name).num_joints
    # the view pipeline of the pretraining configs, on data of this layout
    cfg = Config.fromfile(
        osp.join(
            repo_root, 'configs/usdrl/'
            'mgfd_dste-tiny_1xb64-joint-24e_synthetic-xsub-keypoint-3d.py'))
    view = cfg.train_dataloader.dataset.pipeline[1]
    assert view.type == 'SkeletonMultiView'
    multi = TRANSFORMS.build(view)
    rng = np.random.default_rng(0)
    results = dict(
        keypoint=rng.normal(size=(2, 40, v, 3)).astype(np.float32),
        total_frames=40)
    np.random.seed(0)
    inputs = multi(results)['keypoint']
    assert inputs.shape == (4, 2, 64, v, 3)

    # the pretraining and the linear configs with the layout by name
    for path, mode in [
        (cfg.filename, 'mgfd'),
        (osp.join(
            repo_root, 'configs/usdrl/benchmarks/'
            'dste-tiny-linear_1xb64-joint-20e_synthetic-xsub-keypoint'
            '-3d.py'), 'linear')
    ]:
        model_cfg = Config.fromfile(path).model
        model_cfg.data_preprocessor.update(layout=name, modality='bone')
        model_cfg.backbone.update(num_joints=v, hidden_dim=16, init_cfg=None)
        if mode == 'mgfd':
            model_cfg.projector.in_channels = 16
        else:
            model_cfg.cls_head.in_channels = 32
        model = MODELS.build(model_cfg)
        model.init_weights()
        wrapper = build_optim_wrapper(
            model, dict(optimizer=dict(type='SGD', lr=0.01, momentum=0.9)))
        batch = [torch.as_tensor(inputs)] * 4
        data = dict(inputs=batch)
        if mode == 'linear':
            from mmaction.structures import ActionDataSample

            from usdrl_mm.structures.action_labels import set_gt_label
            samples = [ActionDataSample() for _ in range(4)]
            for i, s in enumerate(samples):
                set_gt_label(s, i)
            data = dict(inputs=[x[:1] for x in batch], data_samples=samples)
        losses = model.train_step(data, wrapper)
        assert all(torch.isfinite(x) for x in losses.values())


def test_body25b_is_not_body25():
    """BODY_25B (OpenPose's experimental model) starts with COCO-17 in COCO
    order, then upper neck, head top and the feet; BODY_25 has the same
    count in another order, with a neck and a mid hip instead."""
    b25b, b25 = get_layout('openpose-body25b'), get_layout('openpose-body25')
    coco = get_layout('coco')
    assert b25b.joint_names[:17] == coco.joint_names
    assert b25b.joint_names[17:19] == ('upper_neck', 'head_top')
    assert b25b.joint_names[19:] == b25.joint_names[19:]  # the same feet
    assert set(b25.joint_names) - set(b25b.joint_names) == {'neck', 'mid_hip'}
    assert b25.joint_names.index('neck') == 1
    assert b25b.joint_names[1] == 'left_eye'
    # each bone of BODY_25B joins joints OpenPose draws together or, for
    # the hips (no mid hip), a hip and the shoulder above it
    named = {(b25b.joint_names[j], b25b.joint_names[p])
             for j, p in b25b.bone_pairs if j != p}
    assert ('left_hip', 'left_shoulder') in named
    assert ('left_shoulder', 'upper_neck') in named
    assert ('left_small_toe', 'left_big_toe') in named


def test_wholebody_body_extends_coco_with_the_feet():
    body, coco = get_layout('coco-wholebody-body'), get_layout('coco')
    assert body.joint_names[:17] == coco.joint_names
    assert body.parents[:17] == coco.parents
    assert body.joint_names[17:] == ('left_big_toe', 'left_small_toe',
                                     'left_heel', 'right_big_toe',
                                     'right_small_toe', 'right_heel')
    assert [body.joint_names[body.parents[v]] for v in (17, 19, 20, 22)
            ] == ['left_ankle', 'left_ankle', 'right_ankle', 'right_ankle']
