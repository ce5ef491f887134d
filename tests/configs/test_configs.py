import glob
import os.path as osp
import re

import pytest
from mmaction.registry import MODELS, TRANSFORMS
from mmengine.config import Config

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = sorted(
    glob.glob(osp.join(REPO, 'configs', '**', '*.py'), recursive=True))
TOP_LEVEL = [c for c in CONFIGS if '_base_' not in c]
PROJECT_CONFIGS = sorted(
    glob.glob(osp.join(REPO, 'projects', '*', 'configs', '*.py')))
_built_models = {}


def datasets_of(cfg):
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg.get(key)
        if not loader:
            continue
        stack = [loader.dataset]
        while stack:  # unwrap RepeatDataset / GalleryQueryDataset
            ds = stack.pop()
            if 'pipeline' in ds:
                yield ds
            stack += [
                ds[k] for k in ('dataset', 'gallery', 'query') if k in ds
            ]


@pytest.mark.parametrize('path', TOP_LEVEL + PROJECT_CONFIGS, ids=osp.basename)
def test_config_loads_and_builds(path):
    cfg = Config.fromfile(path)
    assert cfg.default_scope == 'mmaction'
    assert 'usdrl_mm' in cfg.custom_imports.imports
    found = list(datasets_of(cfg))
    assert found
    for ds in found:
        assert ds.type in ('CheckedPoseDataset', 'PoseDataset',
                           'UntrimmedPoseDataset')
        [TRANSFORMS.build(t) for t in ds.pipeline]
    key = cfg.model.pretty_text if hasattr(cfg.model, 'pretty_text') \
        else str(cfg.model)
    if key not in _built_models:  # sizes and wiring; no init
        _built_models[key] = type(MODELS.build(cfg.model)).__name__
    assert _built_models[key] in ('MGFD', 'MPCT', 'USDRLRecognizer',
                                  'RecognizerGCN', 'Recognizer3D')


def test_config_names_follow_the_grammar():
    # {algorithm}_{backbone}[-variant]_{gpus}xb{batch}-{modality}-{epochs}e_
    # {dataset}-{split}-keypoint-3d.py and the benchmark / baseline forms
    # jmb: joint, bone and motion in one model (MPCT, docs/mpct.md)
    pretrain = re.compile(
        r'^(mgfd|mpct)_(dste|sttr)(-(tiny|tpami)(-[a-z]+)?)?_'
        r'\d+xb\d+-(joint|bone|motion|jmb)-'
        r'\d+e_[a-z0-9]+-[a-z]+-keypoint-[23]d\.py$')
    bench = re.compile(
        r'^dste(-tiny|-tpami)?-(early-linear|linear|knn|finetune|'
        r'semi\d+pct|detection|detection-linear|segmentation)_'
        r'\d+xb\d+-(joint|bone|motion|jmb)(-\d+e)?_[a-z0-9]+-'
        r'[a-z]+-keypoint-[23]d\.py$|^dste-transfer-')
    for path in TOP_LEVEL:
        name = osp.basename(path)
        if '/usdrl/benchmarks/' in path or '/usdrl/dense/' in path:
            assert bench.match(name), name
        elif '/usdrl/' in path:
            assert pretrain.match(name), name


@pytest.mark.parametrize('modality', ['joint', 'bone', 'motion'])
def test_modality_variants_change_only_the_modality(modality):
    base = Config.fromfile(
        osp.join(
            REPO, 'configs/usdrl/'
            'mgfd_dste_2xb178-joint-451e_ntu60-xsub-keypoint-3d.py'))
    other = Config.fromfile(
        osp.join(
            REPO, f'configs/usdrl/mgfd_dste_2xb178-{modality}-451e_'
            'ntu60-xsub-keypoint-3d.py'))
    assert other.model.data_preprocessor.modality == modality
    other.model.data_preprocessor.modality = 'joint'
    assert other.model == base.model
    assert other.train_dataloader == base.train_dataloader


def test_paper_recipe_values():
    cfg = Config.fromfile(
        osp.join(
            REPO, 'configs/usdrl/'
            'mgfd_dste_2xb178-joint-451e_ntu60-xsub-keypoint-3d.py'))
    # fused only selects the one-kernel implementation of the same update
    assert cfg.optim_wrapper.optimizer == dict(
        type='Adam',
        lr=5e-4,
        betas=(0.9, 0.999),
        weight_decay=1e-5,
        fused=True)
    assert cfg.train_cfg.max_epochs == 451
    assert cfg.param_scheduler[0].milestones == [351]
    assert cfg.train_dataloader.batch_size * 2 == 356
    head = cfg.model.head
    assert (head.loss_sim.loss_weight, head.loss_vac.loss_weight,
            head.loss_xcorr.loss_weight) == (5.0, 1.0, 1e-3)
    assert head.grain_weights == dict(i=1.0, t=0.5, s=0.5)
    pku = Config.fromfile(
        osp.join(
            REPO, 'configs/usdrl/'
            'mgfd_dste_2xb256-joint-1201e_pku2-xsub-keypoint-3d.py'))
    assert pku.train_cfg.max_epochs == 1201
    assert pku.param_scheduler[0].milestones == [801]
    assert pku.train_dataloader.batch_size * 2 == 512


def bench(name):
    return Config.fromfile(osp.join(REPO, 'configs/usdrl/benchmarks', name))


@pytest.mark.parametrize('dataset,lr,classes', [('ntu60-xsub', 0.006, 60),
                                                ('ntu60-xview', 0.03, 60),
                                                ('ntu120-xsub', 0.006, 120),
                                                ('ntu120-xset', 0.006, 120),
                                                ('pku2-xsub', 0.01, 51)])
@pytest.mark.parametrize('modality', ['joint', 'bone', 'motion'])
def test_linear_protocol_values(dataset, lr, classes, modality):
    cfg = bench(f'dste-linear_1xb512-{modality}-160e_{dataset}-keypoint-3d.py')
    assert cfg.model.backbone.frozen is True
    assert cfg.model.backbone.init_cfg.prefix == 'backbone.'
    assert f'-{modality}-' in cfg.model.backbone.init_cfg.checkpoint
    assert cfg.model.data_preprocessor.modality == modality
    assert cfg.optim_wrapper.optimizer == dict(
        type='SGD', lr=lr, momentum=0.9, weight_decay=0.)
    assert cfg.param_scheduler[0].milestones == [120, 140]
    assert cfg.train_cfg.max_epochs == 160
    assert cfg.train_dataloader.batch_size == 512
    assert cfg.model.cls_head.num_classes == classes
    split = dataset.split('-')[1]
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        assert cfg[key].dataset.num_classes == classes
        assert cfg[key].dataset.split.startswith(split)
    crops = [
        t for t in cfg.train_dataloader.dataset.pipeline
        if t.type == 'TemporalCropResize'
    ]
    assert crops[0].mode == 'center'
    assert crops[0].ratio == (0.5 if dataset == 'pku2-xsub' else 1.0)


@pytest.mark.parametrize('split', ['xsub', 'xview'])
def test_pku_mmd_detection_uses_the_tpami_proposal_rule(split):
    """Per-class runs above 0.02, no smoothing, no NMS: the rule of the
    TPAMI code's detection results, on a real PKU-MMD I config."""
    cfg = Config.fromfile(
        osp.join(
            REPO, 'configs/usdrl/dense/'
            f'dste-detection_1xb512-joint-150e_pku1-{split}-keypoint-3d.py'))
    for evaluator in (cfg.val_evaluator, cfg.test_evaluator):
        metric = evaluator[0]
        assert metric.type == 'PKUDetectionMetric'
        assert metric.proposal == dict(
            method='class_runs', threshold=0.02, smooth=1)


@pytest.mark.parametrize('variant,base,changes', [
    ('usdrl/mgfd_dste-tpami_2xb178-joint-451e_ntu60-xsub-keypoint-3d',
     'usdrl/mgfd_dste_2xb178-joint-451e_ntu60-xsub-keypoint-3d', {
         ('model', 'head', 'loss_xcorr', 'loss_weight'): 0.0
     }),
    ('usdrl/mgfd_sttr-tpami_2xb178-joint-451e_ntu60-xsub-keypoint-3d',
     'usdrl/mgfd_sttr_2xb178-joint-451e_ntu60-xsub-keypoint-3d', {
         ('model', 'head', 'loss_xcorr', 'loss_weight'): 0.0,
         ('model', 'backbone', 'torch_default_init'): True
     }),
    ('usdrl/benchmarks/'
     'dste-tpami-linear_1xb512-joint-160e_ntu60-xsub-keypoint-3d',
     'usdrl/benchmarks/dste-linear_1xb512-joint-160e_ntu60-xsub-keypoint-3d', {
         ('model', 'backbone', 'frozen_train_mode'): True
     }),
    ('usdrl/dense/'
     'dste-tpami-detection_1xb512-joint-150e_pku1-xsub-keypoint-3d',
     'usdrl/dense/dste-detection_1xb512-joint-150e_pku1-xsub-keypoint-3d', {
         ('custom_hooks', ): [dict(type='EvalModeTrainingHook')]
     }),
])
def test_tpami_variants_change_only_their_setting(variant, base, changes):

    def load(name):
        return Config.fromfile(osp.join(REPO, 'configs',
                                        f'{name}.py')).to_dict()

    got, expected = load(variant), load(base)
    for path, value in changes.items():
        node = expected
        for key in path[:-1]:
            node = node[key]
        assert node.get(path[-1]) != value
        node[path[-1]] = value
    assert got == expected
    if 'param_scheduler' in got:  # the detection variant: constant lr
        assert 'detection' not in variant or got['param_scheduler'] == []


WIDTH_CONFIGS = [
    'usdrl/mgfd_dste-tiny_1xb64-joint-24e_synthetic-xsub-keypoint-3d.py',
    'usdrl/mgfd_sttr-tiny_1xb64-joint-24e_synthetic-xsub-keypoint-3d.py',
    'usdrl/mpct_dste-tiny_1xb64-jmb-24e_synthetic-xsub-keypoint-3d.py',
    'usdrl/benchmarks/'
    'dste-tiny-linear_1xb64-joint-20e_synthetic-xsub-keypoint-3d.py',
    'usdrl/benchmarks/'
    'dste-tiny-finetune_1xb32-joint-20e_synthetic-xsub-keypoint-3d.py',
    'usdrl/benchmarks/dste-linear_1xb512-jmb-160e_ntu60-xsub-keypoint-3d.py',
    'usdrl/dense/'
    'dste-tiny-detection-linear_1xb64-joint-15e_synthetic-xsub-keypoint-3d.py',
    'usdrl/benchmarks/'
    'dste-tiny-knn_1xb128-joint_synthetic-xsub-keypoint-3d.py',
]


@pytest.mark.parametrize('name', WIDTH_CONFIGS, ids=osp.basename)
def test_a_new_hidden_dim_is_the_only_change_needed(name):
    """Projector and head widths follow the encoder: changing
    model.backbone.hidden_dim alone gives a consistent model."""
    import torch
    cfg = Config.fromfile(osp.join(REPO, 'configs', name))
    for hidden in (cfg.model.backbone.hidden_dim, 40):
        cfg.model.backbone.hidden_dim = hidden
        with torch.device('meta'):
            model = MODELS.build(cfg.model)
        if 'projector' in cfg.model:
            assert model.projector.in_channels == hidden
            assert model.projector.t_proj[0].weight.shape == (2 * hidden,
                                                              hidden)
        elif hasattr(model.cls_head, 'fc'):
            assert model.cls_head.in_channels == 2 * hidden
            assert model.cls_head.fc.weight.shape[1] == 2 * hidden


def test_no_usdrl_config_restates_the_encoder_width():
    pattern = re.compile(r'in_channels\s*=\s*(2\s*\*\s*)?hidden_dim')
    paths = [c for c in CONFIGS if '/baselines/' not in c]
    offenders = [
        osp.relpath(p, REPO) for p in paths if pattern.search(open(p).read())
    ]
    assert offenders == []
    for path in paths:
        model = Config.fromfile(path).get('model', {})
        for key in ('projector', 'cls_head'):
            assert model.get(key, {}).get('in_channels') is None, (path, key)
