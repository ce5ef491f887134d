import glob
import os.path as osp

import pytest
from mmaction.registry import MODELS, TRANSFORMS
from mmengine.config import Config

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = sorted(
    glob.glob(osp.join(REPO, 'configs', '**', '*.py'), recursive=True))
TOP_LEVEL = [c for c in CONFIGS if '_base_' not in c]


def build_pipeline(pipeline):
    return [TRANSFORMS.build(t) for t in pipeline]


@pytest.mark.parametrize('path', TOP_LEVEL, ids=osp.basename)
def test_config_loads_and_builds(path):
    cfg = Config.fromfile(path)
    assert cfg.default_scope == 'mmaction'
    assert 'usdrl_mm' in cfg.custom_imports.imports
    build_pipeline(cfg.train_dataloader.dataset.pipeline)
    model = MODELS.build(cfg.model)  # no init: sizes and wiring only
    assert model.backbone.clip_len == 64


def test_config_names_follow_the_grammar():
    # {algo}_{backbone}[-variant]_{gpus}xb{batch}-{modality}-{epochs}e_
    # {dataset}-{split}-keypoint-3d.py
    import re
    pattern = re.compile(r'^[a-z]+_[a-z]+(-[a-z]+)?_\d+xb\d+-(joint|bone|'
                         r'motion)-\d+e_[a-z0-9]+-[a-z]+-keypoint-[23]d\.py$')
    for path in TOP_LEVEL:
        if '/usdrl/' in path:
            assert pattern.match(osp.basename(path)), path


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
    assert cfg.optim_wrapper.optimizer == dict(
        type='Adam', lr=5e-4, betas=(0.9, 0.999), weight_decay=1e-5)
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
