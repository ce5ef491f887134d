"""usdrl_mm.benchmarks.speed.paths and .tables: the path configs and the
tables' rate columns."""
import pytest
from mmengine.config import Config

from usdrl_mm.benchmarks.speed.paths import ALL_PATHS, PATHS, path_config
from usdrl_mm.benchmarks.speed.tables import (markdown_table, rate_columns,
                                              step_columns)

TINY = 'configs/usdrl/mgfd_dste-tiny_1xb64-joint-24e_synthetic-' \
       'xsub-keypoint-3d.py'


def test_each_path_adds_one_change():
    cfg = Config.fromfile(TINY)
    cfgs = {p: path_config(cfg, p, 16) for p in ALL_PATHS}
    for p, c in cfgs.items():
        assert c.model['backbone']['hidden_dim'] == 16
        assert c.compile_backbone is (p == '+compile')
    fused = [cfgs[p].model['backbone']['fuse_attention'] for p in PATHS]
    assert fused == [False, True, True, True, True]
    adam = [cfgs[p].optim_wrapper['optimizer'].get('fused') for p in PATHS]
    assert adam == [None, None, None, True, True]
    wrappers = [cfgs[p].optim_wrapper['type'] for p in PATHS]
    assert wrappers == ['OptimWrapper'] * 4 + ['MixedPrecisionOptimWrapper']
    assert cfgs['+bf16'].optim_wrapper['dtype'] == 'bfloat16'
    assert cfgs['+compile'].optim_wrapper == cfgs['+fused-adam'].optim_wrapper
    with pytest.raises(ValueError):
        path_config(cfg, '+nothing', 16)


def test_tables_name_both_rates():
    rows = [
        dict(
            step_s_median=0.5,
            step_s_mean=0.6,
            step_s_std=0.1,
            samples_per_s=8.0,
            clips_per_s=32.0,
            clips_per_sample=4)
    ]
    table = markdown_table([*step_columns(), *rate_columns()], rows)
    header, rule, row = table.splitlines()
    assert 'samples/s' in header and 'clips/s' in header
    assert rule.count('---') == 4
    assert '| 8.0 | 32.0 (4) |' in row
