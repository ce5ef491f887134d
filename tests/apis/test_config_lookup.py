"""usdrl_mm.apis.config_lookup: the config reading that inference and the
tools share (which dataset, which metrics, which proposal rule)."""
import os.path as osp
from pathlib import Path

import pytest
from mmengine.config import Config

from usdrl_mm.apis import (dataset_cfg, evaluator_cfgs, find_evaluator,
                           load_config, proposal_rule, segmentation_smooth)
from usdrl_mm.apis.inference import DEFAULT_PROPOSAL as INFERENCE_DEFAULT
from usdrl_mm.evaluation.functional import DEFAULT_PROPOSAL

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DENSE_CFG = osp.join(
    REPO, 'configs/usdrl/dense/'
    'dste-tiny-detection-linear_1xb64-joint-15e_synthetic-xsub-keypoint-3d.py')
PKU1_CFG = osp.join(
    REPO, 'configs/usdrl/dense/'
    'dste-detection_1xb512-joint-150e_pku1-xsub-keypoint-3d.py')
TPAMI = dict(method='class_runs', threshold=0.02, smooth=1)


def loaders(**datasets) -> Config:
    return Config({
        f'{name}_dataloader': dict(batch_size=1, dataset=dataset)
        for name, dataset in datasets.items()
    })


def test_load_config_from_a_file_with_options(tmp_path):
    path = tmp_path / 'cfg.py'
    path.write_text("model = dict(type='M', depth=2)\nname = 'a'\n")
    cfg = load_config(str(path), {'model.depth': 4})
    assert cfg.model.depth == 4 and cfg.name == 'a'
    assert load_config(Path(path)).model.depth == 2


def test_load_config_copies_a_config():
    original = Config(dict(model=dict(depth=2)))
    cfg = load_config(original, {'model.depth': 3})
    assert cfg.model.depth == 3
    assert original.model.depth == 2  # not modified


def test_load_config_names_a_missing_file(tmp_path):
    missing = tmp_path / 'none.py'
    with pytest.raises(FileNotFoundError, match=f'config {missing} not'):
        load_config(str(missing))


def test_load_config_refuses_other_types():
    with pytest.raises(TypeError, match='file name or a Config, got dict'):
        load_config(dict(model=dict()))


def test_dataset_cfg_prefers_test_then_val():
    cfg = loaders(
        train=dict(type='Train'), val=dict(type='Val'), test=dict(type='Test'))
    assert dataset_cfg(cfg).type == 'Test'
    cfg.test_dataloader = None
    assert dataset_cfg(cfg).type == 'Val'
    cfg.val_dataloader = dict(batch_size=1)  # a loader without a dataset
    assert dataset_cfg(cfg) == {}
    assert dataset_cfg(cfg, ('test', 'val', 'train')).type == 'Train'


def test_dataset_cfg_of_a_config_without_loaders():
    assert dataset_cfg(Config(dict(model=dict()))) == {}


def test_evaluator_cfgs_take_a_dict_a_list_or_none():
    one = dict(type='AccMetric')
    assert evaluator_cfgs(Config(dict(test_evaluator=one))) == [one]
    two = [one, dict(type='DumpResults')]
    assert evaluator_cfgs(Config(dict(test_evaluator=two))) == two
    assert evaluator_cfgs(Config(dict(test_evaluator=None))) == []
    assert evaluator_cfgs(Config(dict())) == []
    assert evaluator_cfgs(Config(dict(val_evaluator=one)),
                          'val_evaluator') == [one]


def test_evaluator_cfgs_are_the_configs_own_dicts():
    cfg = Config(dict(test_evaluator=[dict(type='AccMetric')]))
    evaluator_cfgs(cfg)[0].plot_dir = 'x'  # eval_encoders.py sets it so
    assert cfg.test_evaluator[0].plot_dir == 'x'


def test_find_evaluator_takes_the_first_of_its_type():
    cfg = Config(
        dict(test_evaluator=[
            dict(type='AccMetric'),
            dict(type='SegmentationMetric', smooth=5),
            dict(type='SegmentationMetric', smooth=9)
        ]))
    assert find_evaluator(cfg, 'SegmentationMetric').smooth == 5
    assert find_evaluator(cfg, 'PKUDetectionMetric') is None


def test_proposal_rule_of_the_detection_metric():
    cfg = Config(
        dict(test_evaluator=[
            dict(type='SegmentationMetric'),
            dict(type='PKUDetectionMetric', num_classes=4, proposal=TPAMI)
        ]))
    rule = proposal_rule(cfg)
    assert rule == TPAMI
    rule['threshold'] = 0.5  # a copy
    assert cfg.test_evaluator[1].proposal.threshold == 0.02


def test_proposal_rule_defaults_to_the_metrics_default():
    metric_only = Config(
        dict(test_evaluator=dict(type='PKUDetectionMetric', num_classes=4)))
    none = Config(dict(test_evaluator=[dict(type='SegmentationMetric')]))
    for cfg in (metric_only, none):
        rule = proposal_rule(cfg)
        assert rule == dict(method='activity', smooth=20, threshold=0.4)
        assert rule == dict(DEFAULT_PROPOSAL) and type(rule) is dict
        rule['smooth'] = 1  # a copy: the default stays
    assert DEFAULT_PROPOSAL['smooth'] == 20
    assert INFERENCE_DEFAULT is DEFAULT_PROPOSAL  # the old import works


def test_segmentation_smooth():
    cfg = Config(
        dict(test_evaluator=[dict(type='SegmentationMetric', smooth=15)]))
    assert segmentation_smooth(cfg) == 15
    assert segmentation_smooth(
        Config(dict(test_evaluator=dict(type='SegmentationMetric')))) == 1
    assert segmentation_smooth(Config(dict(test_evaluator=[]))) == 1


def test_the_project_configs():
    """The synthetic demo keeps the metric's default rule; PKU-MMD I scores
    on the TPAMI code's rule."""
    dense = load_config(DENSE_CFG)
    assert dataset_cfg(dense).type == 'UntrimmedPoseDataset'
    assert segmentation_smooth(dense) == find_evaluator(
        dense, 'SegmentationMetric').get('smooth', 1)
    assert proposal_rule(load_config(PKU1_CFG)) == TPAMI
