"""The linear-probe config freezes the encoder and keeps it in eval mode."""
import os.path as osp

import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper

from usdrl_mm.structures.action_labels import set_gt_label

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def test_probe_updates_only_the_classifier():
    cfg = Config.fromfile(
        osp.join(
            REPO, 'configs/usdrl/benchmarks/'
            'dste-linear_1xb512-joint-160e_ntu60-xsub-keypoint-3d.py'))
    cfg.model.backbone.update(hidden_dim=16, init_cfg=None)
    cfg.model.cls_head.in_channels = 32
    model = MODELS.build(cfg.model)
    model.init_weights()
    model.train()
    assert not model.backbone.training
    assert all(not m.training for m in model.backbone.modules())
    assert model.cls_head.training
    assert not any(p.requires_grad for p in model.backbone.parameters())

    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    samples = [set_gt_label(ActionDataSample(), label) for label in range(4)]
    data = dict(
        inputs=[torch.randn(1, 2, 64, 25, 3) for _ in range(4)],
        data_samples=samples)
    for _ in range(3):
        model.train_step(data, wrapper)
    after = model.state_dict()
    for key in before:
        same = torch.equal(before[key], after[key])
        assert same == key.startswith('backbone.'), key
