"""The NTU-60 2D and UAV-Human configs run end to end on data of their
layout (a few generated samples, tiny encoder)."""
import os.path as osp
import pickle

import numpy as np
import pytest
import torch
from mmaction.registry import DATASETS, MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
PRETRAIN_2D = ('configs/usdrl/'
               'mgfd_dste_2xb178-joint-451e_ntu60-xsub-keypoint-2d.py')
LINEAR_2D = ('configs/usdrl/benchmarks/'
             'dste-linear_1xb512-joint-160e_ntu60-xsub-keypoint-2d.py')
UAV = 'configs/usdrl/mgfd_dste_2xb178-joint-451e_uavhuman-xsub-keypoint-3d.py'


def write_data(tmp_path, dim):
    rng = np.random.default_rng(0)
    annos = []
    for i in range(4):
        t = 50 + 10 * i
        anno = dict(frame_dir=f'v{i}', label=i, total_frames=t)
        if dim == 2:  # pixels of a 1080 x 1920 frame, with scores
            anno['keypoint'] = rng.uniform(0, 1000,
                                           (2, t, 17, 2)).astype(np.float32)
            anno['keypoint_score'] = rng.uniform(0.2, 1,
                                                 (2, t, 17)).astype(np.float32)
            anno['img_shape'] = (1080, 1920)
        else:
            anno['keypoint'] = rng.normal(size=(1, t, 17,
                                                3)).astype(np.float32)
        annos.append(anno)
    names = [a['frame_dir'] for a in annos]
    path = tmp_path / f'data_{dim}d.pkl'
    with open(path, 'wb') as f:
        pickle.dump(
            dict(
                split=dict(xsub_train=names, xsub_val=names),
                annotations=annos), f)
    return str(path)


def build(cfg_path, ann_file, key='train_dataloader'):
    cfg = Config.fromfile(osp.join(REPO, cfg_path))
    ds_cfg = cfg[key].dataset
    ds_cfg.ann_file = ann_file
    dataset = DATASETS.build(ds_cfg)
    model_cfg = cfg.model
    model_cfg.backbone.update(hidden_dim=16, init_cfg=None)
    if 'projector' in model_cfg:
        model_cfg.projector.in_channels = 16
    else:
        model_cfg.cls_head.in_channels = 32
    model = MODELS.build(model_cfg)
    model.init_weights()
    return cfg, dataset, model


@pytest.mark.parametrize('path,dim', [(PRETRAIN_2D, 2), (UAV, 3)])
def test_pretraining_configs(tmp_path, path, dim):
    cfg, dataset, model = build(path, write_data(tmp_path, dim))
    assert cfg.model.backbone.num_joints == 17
    np.random.seed(0)
    item = dataset[3]
    assert item['inputs'].shape == (4, 2, 64, 17, 3)
    if dim == 2:
        # the third channel is the score (or 0 where a joint was masked);
        # the augmentations leave it alone
        score = item['inputs'][..., 2]
        assert ((score == 0) | ((score >= 0.2) & (score <= 1))).all()
    else:
        assert torch.allclose(item['inputs'][:, 0, :, 1], torch.zeros(1))
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    losses = model.train_step(
        pseudo_collate([dataset[i] for i in range(4)]), wrapper)
    assert all(torch.isfinite(v) for v in losses.values())


def test_linear_2d_config(tmp_path):
    ann = write_data(tmp_path, 2)
    backbone = Config.fromfile(osp.join(REPO, LINEAR_2D)).model.backbone
    assert backbone.frozen and backbone.num_joints == 17
    assert '-keypoint-2d/' in backbone.init_cfg.checkpoint
    cfg, dataset, model = build(LINEAR_2D, ann)
    item = dataset[0]
    assert item['inputs'].shape == (1, 2, 64, 17, 3)
    # PreNormalize2D: pixels of the 1920 x 1080 frame -> [-1, 1]
    assert item['inputs'][..., :2].abs().max() <= 1
    assert item['inputs'][..., :2].min() >= -1
    assert isinstance(item['data_samples'], ActionDataSample)
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    losses = model.train_step(
        pseudo_collate([dataset[i] for i in range(4)]), wrapper)
    assert torch.isfinite(losses['loss_cls'])
    _, val, _ = build(LINEAR_2D, ann, 'val_dataloader')
    assert val.test_mode and len(val) == 4


def test_layout_mismatch_stops_before_training(tmp_path):
    uav_data = write_data(tmp_path, 3)
    cfg = Config.fromfile(osp.join(REPO, PRETRAIN_2D))
    cfg.train_dataloader.dataset.update(
        ann_file=uav_data, skeleton=dict(layout='nturgb+d'))
    with pytest.raises(ValueError, match='the skeleton layout has 25'):
        DATASETS.build(cfg.train_dataloader.dataset)
    # a layout beside the config's skeleton spec must be the spec's
    cfg = Config.fromfile(osp.join(REPO, PRETRAIN_2D))
    cfg.train_dataloader.dataset.update(ann_file=uav_data, layout='nturgb+d')
    with pytest.raises(ValueError, match='disagrees with the skeleton spec'):
        DATASETS.build(cfg.train_dataloader.dataset)


@pytest.mark.parametrize('path', [PRETRAIN_2D, LINEAR_2D])
def test_the_2d_configs_refuse_3d_data_by_its_channels(tmp_path, path):
    """The skeleton spec of the 2D configs (COCO-17, x y + score) stops a
    3D file of the same joint count when the dataset loads, naming the
    sample and the fix."""
    cfg = Config.fromfile(osp.join(REPO, path))
    ds_cfg = cfg.train_dataloader.dataset
    assert ds_cfg.skeleton == dict(
        layout='coco', num_person=2, coord_dims=2, with_score=True)
    assert cfg.model.data_preprocessor.skeleton == ds_cfg.skeleton
    ds_cfg.ann_file = write_data(tmp_path, 3)  # 17 joints, x y z, no score
    with pytest.raises(ValueError) as err:
        DATASETS.build(ds_cfg)
    message = str(err.value)
    assert 'data_3d.pkl' in message and "sample 'v0' (#0)" in message
    assert 'keypoint has 3 channels but the skeleton spec declares 2' \
        in message
    assert 'coord_dims=3 if these are 3D points' in message


@pytest.mark.parametrize('path,count', [(PRETRAIN_2D, 15), (UAV, 15)])
def test_17_joint_configs_keep_foundskelmodels_15_joints(path, count):
    """FoundSkelModel corrupts 15 of 17 joints; the NTU base's fraction
    0.6 would give 10, so these configs state the count."""
    from usdrl_mm.datasets.transforms.spatial_augments import \
        resolve_augmented_joints
    cfg = Config.fromfile(osp.join(REPO, path))
    views = cfg.train_dataloader.dataset.pipeline[1].transforms
    picks = [
        t[0].num_augmented_joints for t in views[1].transforms
        if t[0].type != 'RandomSkeletonShear'
    ]
    assert picks == [count, count]
    assert resolve_augmented_joints(0.6, 17) == 10
