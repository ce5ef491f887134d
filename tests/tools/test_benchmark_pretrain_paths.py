"""tools/analysis_tools/benchmark_pretrain_paths.py on a tiny encoder."""
import json

import pytest

TOOL = 'tools/analysis_tools/benchmark_pretrain_paths.py'
CONFIG = ('configs/usdrl/'
          'mgfd_dste-tiny_1xb64-joint-24e_synthetic-xsub-keypoint-3d.py')
TINY = ['--hidden-dim', '16', '--batch-size', '4', '--rounds', '2']


def rows_of(run_tool, tmp_path, paths, extra=()):
    out = tmp_path / 'rows.json'
    run_tool(
        [TOOL, CONFIG, *TINY, '--paths', *paths, '--out',
         str(out), *extra])
    return json.loads(out.read_text())


def test_paths_are_timed_side_by_side_with_memory(run_tool, tmp_path):
    rows = rows_of(run_tool, tmp_path, ['plain', '+fused-adam'])
    assert [r['path'] for r in rows] == ['plain', '+fused-adam']
    assert rows[0]['speedup'] == 1.0
    for r in rows:
        assert r['s_per_step'] > 0 and r['batch_size'] == 4
        assert r['views'] == 4 and r['hidden_dim'] == 16
        assert r['peak_mem_mib'] > 0  # measured in a fresh process


@pytest.mark.slow
def test_the_compiled_path_runs(run_tool, tmp_path):
    rows = rows_of(run_tool, tmp_path, ['+fused-adam', '+compile'],
                   ['--no-memory'])
    assert [r['path'] for r in rows] == ['+fused-adam', '+compile']
    assert all(r['s_per_step'] > 0 for r in rows)
