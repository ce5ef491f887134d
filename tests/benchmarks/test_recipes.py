import copy
import os.path as osp

import pytest
from mmengine.config import Config

from usdrl_mm.benchmarks import (DATASETS, RECIPE_NAMES, RECIPES, ROLES,
                                 protocol_splits, recipe_configs,
                                 recipe_options, retarget_config)

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
_loaded = {}


def load(path):
    if path not in _loaded:
        _loaded[path] = Config.fromfile(osp.join(REPO, path))
    return copy.deepcopy(_loaded[path])


@pytest.mark.parametrize('dataset', sorted(RECIPES))
@pytest.mark.parametrize('recipe', RECIPE_NAMES)
def test_every_config_loads_and_retargets(dataset, recipe):
    """The static check of every recipe (the paper ones need GPUs)."""
    classes = DATASETS[dataset]['num_classes']
    for protocol in DATASETS[dataset]['protocols']:
        configs = recipe_configs(dataset, recipe, protocol)
        expected = set(ROLES) - ({'dense'} if dataset != 'pku1' else set())
        assert set(configs) == expected
        for role, path in configs.items():
            cfg = load(path)
            retarget_config(
                cfg,
                'data.pkl',
                protocol_splits(protocol),
                subset_file='subset.json' if role == 'semi' else None,
                num_classes=classes)
            cfg.merge_from_dict(recipe_options(recipe, role))
            loaders = [
                cfg[k] for k in ('train_dataloader', 'test_dataloader')
                if k in cfg
            ]
            datasets = [
                d for loader in loaders
                for d in ([loader.dataset.gallery, loader.dataset.query]
                          if 'gallery' in loader.dataset else [loader.dataset])
            ]
            assert all(d.ann_file == 'data.pkl' for d in datasets)
            assert all(d.split.startswith(protocol) for d in datasets)
            head = cfg.model.get('cls_head') or {}
            if head.get('num_classes'):
                assert head.num_classes in (classes, classes + 1)
            if recipe == 'smoke' and 'train_cfg' in cfg:
                assert cfg.train_cfg.max_epochs == 1


def test_paper_recipes_keep_per_protocol_settings():
    xview = recipe_configs('ntu60', 'paper', 'xview')
    assert xview['linear'].endswith('_ntu60-xview-keypoint-3d.py')
    assert load(xview['linear']).optim_wrapper.optimizer.lr == 0.03
    # no cross-view early-prediction config: the cross-subject one
    assert xview['early'].endswith('_ntu60-xsub-keypoint-3d.py')
    pku = recipe_configs('pku1', 'paper', 'xview')
    dense = load(pku['dense'])
    assert dense.model.backbone.get('frozen') is not True  # fine-tuned
    metrics = [m.type for m in dense.test_evaluator]
    assert metrics == ['PKUDetectionMetric', 'SegmentationMetric']
    assert dense.test_evaluator[0].proposal == dict(
        method='class_runs', threshold=0.02, smooth=1)


def test_tiny_pku_configs_report_mean_class_accuracy():
    for role in ('linear', 'finetune', 'semi', 'early'):
        cfg = load(recipe_configs('pku1', 'tiny', 'xsub')[role])
        assert cfg.test_evaluator[0].metric_list == ('top_k_accuracy',
                                                     'mean_class_accuracy')
        assert cfg.model.cls_head.num_classes == 51


@pytest.mark.parametrize('args,message', [
    (('ucla', 'tiny', 'xsub'), 'unknown dataset'),
    (('pku1', 'huge', 'xsub'), 'unknown recipe'),
    (('ntu120', 'tiny', 'xview'), 'protocols'),
])
def test_bad_arguments_are_named(args, message):
    with pytest.raises(ValueError, match=message):
        recipe_configs(*args)
