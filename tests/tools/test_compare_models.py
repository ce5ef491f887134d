import csv
import os.path as osp

from tools.analysis_tools.compare_models import main as compare_main

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DSTE = osp.join(
    REPO, 'configs/usdrl/benchmarks/'
    'dste-tiny-linear_1xb64-joint-20e_synthetic-xsub-keypoint-3d.py')
STGCN = osp.join(
    REPO,
    'configs/baselines/stgcn_1xb16-joint-u64-10e_synthetic-xsub-keypoint-3d.py'
)


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
