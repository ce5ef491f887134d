import os.path as osp

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.optim import OptimWrapper

from projects.vicreg_dste.models import InstanceVICRegHead
from usdrl_mm.models.losses import variance_covariance

CONFIG = osp.join(
    osp.dirname(osp.dirname(osp.abspath(__file__))), 'configs',
    'vicreg_dste-tiny_1xb64-joint-24e_synthetic-xsub-keypoint-3d.py')


def test_hand_worked_invariance_term():
    z0 = torch.tensor([[0., 0.], [2., 2.]])
    z1 = z0 + 1  # every element differs by 1: MSE 1
    out = InstanceVICRegHead(sim_weight=25.).loss([dict(i=z0), dict(i=z1)])
    assert out['loss_inv'].item() == pytest.approx(25.0)
    expected = sum(variance_covariance(z, 25.) for z in (z0, z1))
    assert torch.allclose(out['loss_vc'], expected)


def test_config_builds_and_trains_a_step():
    cfg = Config.fromfile(CONFIG)
    assert cfg.model.head.type == 'InstanceVICRegHead'
    assert 'loss_sim' not in str(cfg.model.head)
    views = [
        t for t in cfg.train_dataloader.dataset.pipeline
        if t.type == 'SkeletonMultiView'
    ][0]
    assert views.num_views == 2
    cfg.model.backbone.hidden_dim = 16
    cfg.model.projector.in_channels = 16
    model = MODELS.build(cfg.model)
    model.init_weights()
    wrapper = OptimWrapper(torch.optim.Adam(model.parameters(), lr=1e-3))
    data = dict(inputs=[torch.randn(2, 2, 64, 25, 3) for _ in range(8)])
    first = model.train_step(data, wrapper)
    assert set(first) == {'loss', 'loss_inv', 'loss_vc'}
    for _ in range(10):
        last = model.train_step(data, wrapper)
    assert last['loss'] < first['loss']
