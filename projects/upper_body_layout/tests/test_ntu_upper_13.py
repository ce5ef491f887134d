"""The 'ntu-upper-13' layout, its configs, a training step of each
training config and a kNN evaluation on NTU-25 data converted to it."""
import os.path as osp
import pickle
from dataclasses import replace

import numpy as np
import pytest
import torch
from mmaction.registry import DATASETS, METRICS, MODELS
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper

from projects.upper_body_layout import NTU_UPPER13
from projects.upper_body_layout.ntu_upper_13 import register_once
from usdrl_mm.datasets.converters.select_joints import joint_index
from usdrl_mm.datasets.transforms.spatial_augments import \
    resolve_augmented_joints
from usdrl_mm.structures import bones_from_joints, get_layout

CONFIGS = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))), 'configs')
PRETRAIN = osp.join(
    CONFIGS,
    'mgfd_dste-tiny-upper13_1xb64-joint-24e_synthetic-xsub-keypoint-3d.py')
LINEAR = osp.join(
    CONFIGS,
    'dste-tiny-upper13-linear_1xb64-joint-20e_synthetic-xsub-keypoint-3d.py')
FINETUNE = osp.join(
    CONFIGS, 'dste-tiny-upper13-finetune_1xb32-joint-20e_synthetic-xsub-'
    'keypoint-3d.py')
KNN = osp.join(
    CONFIGS,
    'dste-tiny-upper13-knn_1xb128-joint_synthetic-xsub-keypoint-3d.py')


def ancestors(parents, v):
    """Joints above ``v`` up to (and including) the first self-parented
    one."""
    chain = []
    while parents[v] != v and len(chain) <= len(parents):
        v = parents[v]
        chain.append(v)
    return chain


def test_layout_is_registered_and_a_tree_rooted_at_the_centre():
    layout = get_layout('ntu-upper-13')
    assert layout is NTU_UPPER13 and layout.num_joints == 13
    assert len(set(layout.joint_names)) == 13
    assert layout.joint_names[layout.center] == 'spine_shoulder'
    roots = [v for v, p in enumerate(layout.parents) if p == v]
    assert roots == [layout.center]
    for v in range(13):  # no cycle: every joint reaches the centre
        assert v == layout.center or \
            ancestors(layout.parents, v)[-1] == layout.center
    for a, b in layout.flip_pairs:
        left, right = layout.joint_names[a], layout.joint_names[b]
        assert left.startswith('left_') and \
            left.replace('left', 'right') == right


def test_bones_are_ntu_bones_restricted_to_the_kept_joints():
    """Each joint hangs from its nearest kept ancestor in the NTU-25
    tree."""
    ntu, upper = get_layout('nturgb+d'), NTU_UPPER13
    kept = set(upper.joint_names)
    for v, name in enumerate(upper.joint_names):
        chain = ancestors(ntu.parents, ntu.joint_names.index(name))
        above = [
            ntu.joint_names[a] for a in chain if ntu.joint_names[a] in kept
        ]
        expected = above[0] if above else name  # the root is its own parent
        assert upper.joint_names[upper.parents[v]] == expected, name


def test_importing_again_is_harmless_but_a_clash_is_not():
    assert register_once(NTU_UPPER13) is NTU_UPPER13
    with pytest.raises(KeyError, match='already registered'):
        register_once(replace(NTU_UPPER13, center=1))
    assert get_layout('ntu-upper-13') is NTU_UPPER13


def datasets_of(cfg):
    """``(where, dataset dict)`` of every dataset of the config's loaders,
    ``where`` as ``'val_dataloader'``; a kNN test set gives its gallery and
    query (``'test_dataloader.gallery'``)."""
    found = []
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        dataset = cfg.get(loader, {}).get('dataset')
        if dataset is None:
            continue
        parts = [(n, dataset[n]) for n in ('gallery', 'query') if n in dataset]
        found += [(f'{loader}.{n}', d) for n, d in parts]
        found += [] if parts else [(loader, dataset)]
    return found


@pytest.mark.parametrize(
    'path', [PRETRAIN, LINEAR, FINETUNE, KNN], ids=osp.basename)
def test_config_speaks_the_layout(path):
    cfg = Config.fromfile(path)
    assert 'projects.upper_body_layout' in cfg.custom_imports.imports
    assert cfg.model.data_preprocessor.layout == 'ntu-upper-13'
    backbone = cfg.model.backbone
    assert backbone.num_joints == 13
    names = NTU_UPPER13.joint_names
    datasets = datasets_of(cfg)
    assert [where for where, _ in datasets] == {
        PRETRAIN: ['train_dataloader'],
        KNN: ['test_dataloader.gallery', 'test_dataloader.query']
    }.get(path, ['train_dataloader', 'val_dataloader', 'test_dataloader'])
    for where, dataset in datasets:
        assert dataset.layout == 'ntu-upper-13', where
        assert dataset.ann_file == \
            'data/synthetic/synthetic_upper13_3d.pkl', where
        norm = dataset.pipeline[0]
        assert norm.type == 'PreNormalize3DPerFrame'
        # the indices name the joints the NTU normalisation means
        assert names[norm.center_joint] == 'spine_mid'
        assert [names[v] for v in norm.xaxis] == \
            ['left_shoulder', 'right_shoulder']
        # the clips have the backbone's persons and frames
        steps = pipeline_transforms(dataset.pipeline)
        assert [
            t['num_person'] for t in steps if t['type'] == 'FormatGCNInput'
        ] == [backbone.num_persons]
        assert {
            t['clip_len']
            for t in steps if t['type'] == 'TemporalCropResize'
        } == {backbone.clip_len}
    # the views pick 8 of the 13 joints: the base's fraction, resolved on
    # this layout (USDRL's 15 of 25)
    picks = [
        resolve_augmented_joints(t['num_augmented_joints'],
                                 NTU_UPPER13.num_joints) for _, d in datasets
        for t in pipeline_transforms(d.pipeline)
        if t['type'] in ('RandomJointMask', 'RandomJointLinearMap')
    ]
    assert picks == ([8, 8] if path == PRETRAIN else [])


def pipeline_transforms(pipeline):
    """Every transform dict of a pipeline, nested ones too."""
    stack, found = list(pipeline), []
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack += list(item)
        elif isinstance(item, dict):
            found.append(item)
            stack += [v for v in item.values() if isinstance(v, list)]
    return found


def build(path, ann_file, hidden_dim=16):
    cfg = Config.fromfile(path)
    cfg.train_dataloader.dataset.ann_file = ann_file
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    cfg.model.backbone.update(hidden_dim=hidden_dim, init_cfg=None)
    if 'projector' in cfg.model:
        cfg.model.projector.in_channels = hidden_dim
    else:
        cfg.model.cls_head.in_channels = 2 * hidden_dim
    model = MODELS.build(cfg.model)
    model.init_weights()
    return cfg, dataset, model


@pytest.mark.parametrize(
    'path,shape', [(PRETRAIN, (4, 2, 64, 13, 3)), (LINEAR, (1, 2, 64, 13, 3)),
                   (FINETUNE, (1, 2, 64, 13, 3))],
    ids=['pretrain', 'linear', 'finetune'])
def test_a_train_step_on_converted_data(upper_data, path, shape):
    cfg, dataset, model = build(path, upper_data[1])
    np.random.seed(0)
    batch = [dataset[i] for i in range(4)]
    assert tuple(batch[0]['inputs'].shape) == shape
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    losses = model.train_step(pseudo_collate(batch), wrapper)
    assert losses and all(torch.isfinite(v) for v in losses.values())


def test_knn_config_retrieves_on_converted_data(upper_data):
    """The kNN test set and model of the config, built on converted data:
    features of gallery and query clips, and a score from them."""
    cfg = Config.fromfile(KNN)
    for part in ('gallery', 'query'):
        cfg.test_dataloader.dataset[part].ann_file = upper_data[1]
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    assert len(dataset) == 72  # 48 xsub_train + 24 xsub_val clips
    cfg.model.backbone.hidden_dim = 16
    model = MODELS.build(cfg.model).eval()
    # 6 gallery and 6 query clips, 2 of each class where the set has them
    picks = list(range(0, 48, 8)) + list(range(48, 72, 4))
    batch = pseudo_collate([dataset[i] for i in picks])
    assert tuple(batch['inputs'][0].shape) == (1, 2, 64, 13, 3)
    samples = model.test_step(batch)
    assert [s.knn_role for s in samples] == ['gallery'] * 6 + ['query'] * 6
    assert all(s.clip_feature.shape == (32, ) for s in samples)
    metric = METRICS.build(dict(type='KNNMetric', ks=(1, )))
    metric.process(batch, [s.to_dict() for s in samples])
    top1 = metric.compute_metrics(metric.results)['top1_k1']
    assert 0 <= top1 <= 1


def test_bone_modality_uses_the_new_parents(upper_data):
    source, ann_file = upper_data
    cfg = Config.fromfile(PRETRAIN)
    cfg.model.data_preprocessor.modality = 'bone'
    preprocessor = MODELS.build(cfg.model.data_preprocessor)
    assert preprocessor.layout.parents == NTU_UPPER13.parents
    with open(ann_file, 'rb') as f:
        upper = pickle.load(f)['annotations'][0]['keypoint']  # (M, T, 13, 3)
    ntu = source['annotations'][0]['keypoint']  # (M, T, 25, 3)
    bones = preprocessor(dict(inputs=torch.from_numpy(upper)[None, None]))
    bones = bones['inputs'][0, 0].numpy()  # (M, T, 13, 3)
    # the kept joints keep their NTU bones, the centre has none
    index = joint_index('nturgb+d', 'ntu-upper-13')
    ntu_bones = bones_from_joints(ntu, get_layout('nturgb+d').parents)
    assert np.allclose(bones, ntu_bones[..., index, :])
    assert np.abs(bones[..., NTU_UPPER13.center, :]).max() == 0
    hand, wrist = (
        NTU_UPPER13.joint_names.index(n) for n in ('left_hand', 'left_wrist'))
    assert np.allclose(bones[..., hand, :],
                       upper[..., hand, :] - upper[..., wrist, :])
    assert np.abs(bones[..., :12, :]).max() > 0
