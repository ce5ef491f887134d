import os.path as osp

import pytest
from mmengine.config import Config

from usdrl_mm.benchmarks import protocol_splits, retarget_config

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
BENCH = osp.join(REPO, 'configs/usdrl/benchmarks')


def load(*parts):
    return Config.fromfile(osp.join(REPO, 'configs', *parts))


def test_protocol_splits():
    assert protocol_splits('xview') == dict(
        xsub_train='xview_train', xsub_val='xview_val')
    assert protocol_splits('xsub') == dict(
        xsub_train='xsub_train', xsub_val='xsub_val')


def test_knn_gallery_and_query_are_retargeted():
    cfg = load('usdrl/benchmarks',
               'dste-tiny-knn_1xb128-joint_pku1-xsub-keypoint-3d.py')
    changes = retarget_config(cfg, 'new.pkl', protocol_splits('xview'))
    dataset = cfg.test_dataloader.dataset
    assert dataset.type == 'GalleryQueryDataset'
    assert (dataset.gallery.ann_file, dataset.gallery.split) == ('new.pkl',
                                                                 'xview_train')
    assert (dataset.query.ann_file, dataset.query.split) == ('new.pkl',
                                                             'xview_val')
    assert "test_dataloader.dataset.gallery.split: 'xsub_train' -> " \
        "'xview_train'" in changes
    assert cfg.ann_file == 'new.pkl'  # the top-level variable too


def test_semi_needs_the_subset_of_the_new_split():
    path = ('usdrl/benchmarks',
            'dste-tiny-semi10pct_1xb16-joint-10e_pku1-xsub-keypoint-3d.py')
    with pytest.raises(ValueError, match='subset of the new split'):
        retarget_config(load(*path), 'new.pkl', protocol_splits('xview'))
    cfg = load(*path)
    retarget_config(
        cfg, 'new.pkl', protocol_splits('xview'), subset_file='xview.json')
    assert cfg.train_dataloader.dataset.subset_file == 'xview.json'
    assert cfg.train_dataloader.dataset.split == 'xview_train'
    assert 'subset_file' not in cfg.val_dataloader.dataset
    with pytest.raises(ValueError, match='no dataset .* label subset'):
        retarget_config(
            load('usdrl/benchmarks',
                 'dste-tiny-linear_1xb64-joint-20e_pku1-xsub-keypoint-3d.py'),
            'new.pkl',
            protocol_splits('xview'),
            subset_file='xview.json')


def test_num_classes_of_datasets_heads_and_evaluators():
    dense = load(
        'usdrl/dense',
        'dste-tiny-detection-linear_1xb64-joint-5e_pku1-xsub-keypoint-3d.py')
    retarget_config(dense, 'u.pkl', protocol_splits('xsub'), num_classes=10)
    assert dense.model.cls_head.type == 'DenseFrameHead'
    assert dense.model.cls_head.num_classes == 11  # + background
    assert dense.train_dataloader.dataset.num_classes == 10
    assert dense.test_evaluator[0].num_classes == 10
    linear = load('usdrl/benchmarks',
                  'dste-tiny-linear_1xb64-joint-20e_pku1-xsub-keypoint-3d.py')
    retarget_config(linear, 't.pkl', protocol_splits('xsub'), num_classes=60)
    assert linear.model.cls_head.num_classes == 60
    assert linear.val_dataloader.dataset.num_classes == 60


def test_a_split_outside_the_map_is_an_error():
    cfg = dict(train_dataloader=dict(dataset=dict(ann_file='a', split='x')))
    with pytest.raises(ValueError, match=r'train_dataloader\.dataset\.split'):
        retarget_config(cfg, 'b', protocol_splits('xview'))
    # a split that already is the target stays
    cfg = dict(dataset=dict(ann_file='a', split='xview_val'))
    assert retarget_config(cfg, 'a', protocol_splits('xview')) == []


def test_retargeted_cross_subject_config_is_the_cross_view_one():
    """The published NTU-60 cross-view pretraining changes only the split."""
    xsub = load('usdrl',
                'mgfd_dste_2xb178-joint-451e_ntu60-xsub-keypoint-3d.py')
    xview = load('usdrl',
                 'mgfd_dste_2xb178-joint-451e_ntu60-xview-keypoint-3d.py')
    changes = retarget_config(xsub, xsub.ann_file, protocol_splits('xview'))
    assert changes == [
        "train_dataloader.dataset.split: 'xsub_train' -> 'xview_train'"
    ]
    assert xsub.to_dict() == xview.to_dict()
