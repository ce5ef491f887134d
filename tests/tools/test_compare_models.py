import csv
import os.path as osp

import pytest
import torch
import torch.nn.functional as F

from tools.analysis_tools.compare_models import main as compare_main
from usdrl_mm.apis.complexity import recognizer_flops

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DSTE = osp.join(
    REPO, 'configs/usdrl/benchmarks/'
    'dste-tiny-linear_1xb64-joint-20e_synthetic-xsub-keypoint-3d.py')
STGCN = osp.join(
    REPO,
    'configs/baselines/stgcn_1xb16-joint-u64-10e_synthetic-xsub-keypoint-3d.py'
)
STGCN_NTU60 = osp.join(
    REPO,
    'configs/baselines/stgcn_8xb16-joint-u100-80e_ntu60-xsub-keypoint-3d.py')


def test_table_and_plot_for_two_models(synthetic_data, tmp_path):
    rows = compare_main([
        DSTE, STGCN, '--names', 'dste', 'stgcn', '--batch-size', '2',
        '--iters', '1', '--out-dir',
        str(tmp_path), '--cfg-options', 'model.backbone.init_cfg=None',
        f'test_dataloader.dataset.ann_file={synthetic_data["trimmed"]}'
    ])
    by_name = {r['model']: r for r in rows}
    # the tiny DSTE (hidden 64) is far smaller than ST-GCN
    assert by_name['dste']['params_M'] < 0.5 < by_name['stgcn']['params_M']
    for r in rows:
        # every column is filled; speed is only recorded, never compared
        measured = [r['GFLOPs_per_clip'], r['clips_per_s']]
        assert all(value > 0 for value in measured)
        assert r['accuracy'] is None  # no checkpoints given
    for name in ('comparison.md', 'comparison.csv', 'comparison.png'):
        assert osp.getsize(osp.join(str(tmp_path), name)) > 0
    with open(osp.join(str(tmp_path), 'comparison.csv')) as f:
        assert [r['model'] for r in csv.DictReader(f)] == ['dste', 'stgcn']


def build(config, **options):
    from mmaction.registry import MODELS

    from usdrl_mm.apis.config_lookup import load_config
    cfg = load_config(config, options)
    torch.manual_seed(0)
    return MODELS.build(cfg.model).eval()


def mmengine_count(model, inputs):
    """mmengine's get_model_complexity_info on extract_feat, exactly as
    MMAction2's tools/analysis_tools/get_flops.py calls it."""
    from mmengine.analysis import get_model_complexity_info

    class Features(torch.nn.Module):

        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, x):
            return self.model.extract_feat(x)

    return get_model_complexity_info(
        Features(model), inputs=(inputs, ), show_table=False,
        show_arch=False)['flops']


def test_stgcn_count_matches_mmaction2s_published_flops():
    model = build(STGCN_NTU60)
    # MMAction2's NTU-60 3D recipe: 1 clip, 2 persons, 100 frames, 25 joints
    inputs = torch.zeros(1, 1, 2, 100, 25, 3)
    counted = recognizer_flops(model, inputs)
    # 5.7 G: the FLOPs published by MMAction2 for this config
    # (configs/skeleton/stgcn/README.md, NTU60_XSub_3D, joint)
    assert counted['flops'] / 1e9 == pytest.approx(5.7, rel=0.03)
    # no attention: exactly mmengine's count, the one MMAction2 reports
    assert counted['attention'] == 0
    assert counted['flops'] == mmengine_count(model, inputs)
    # 2 persons are 2 clips' worth of backbone work: linear in the batch
    one = recognizer_flops(model, torch.zeros(1, 1, 1, 100, 25, 3))
    assert 2 * one['flops'] == counted['flops']


def test_attention_products_are_added_to_mmengines_count(monkeypatch):
    # a small DSTE: the tracer has no handle for scaled_dot_product_attention
    model = build(
        DSTE, **{
            'model.backbone.hidden_dim': 32,
            'model.backbone.init_cfg': None,
            'model.cls_head.in_channels': 64
        })
    inputs = torch.zeros(1, 1, 2, 64, 25, 3)
    counted = recognizer_flops(model, inputs)
    # the expected attention MACs from the shapes of every call of a plain
    # forward: B L S (E + Ev) per call
    calls = []
    original = F.scaled_dot_product_attention

    def recording(q, k, v, *args, **kwargs):
        batch = int(torch.tensor(q.shape[:-2]).prod())
        calls.append(batch * q.shape[-2] * k.shape[-2] *
                     (q.shape[-1] + v.shape[-1]))
        return original(q, k, v, *args, **kwargs)

    monkeypatch.setattr(F, 'scaled_dot_product_attention', recording)
    with torch.no_grad():
        model.extract_feat(inputs)
    monkeypatch.undo()
    assert calls and counted['attention'] == sum(calls) > 0
    assert counted['flops'] == mmengine_count(model,
                                              inputs) + counted['attention']
    assert 'aten::scaled_dot_product_attention' not in counted['uncounted']


def test_the_table_states_the_convention(synthetic_data, tmp_path):
    compare_main([
        DSTE, '--names', 'dste', '--batch-size', '1', '--iters', '1',
        '--out-dir',
        str(tmp_path), '--cfg-options', 'model.backbone.init_cfg=None',
        f'test_dataloader.dataset.ann_file={synthetic_data["trimmed"]}'
    ])
    table = (tmp_path / 'comparison.md').read_text()
    assert ('GFLOPs per clip (multiply-adds, mmengine '
            'get_model_complexity_info)') in table
    assert "MMAction2's convention" in table
