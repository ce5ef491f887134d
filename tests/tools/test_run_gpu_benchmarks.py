"""tools/analysis_tools/run_gpu_benchmarks.sh: the prepared GPU script runs
its matrix of precisions x modes through benchmark.py; here on the CPU with
the demo config, one step each."""
import json
import os
import os.path as osp
import subprocess
import sys

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SCRIPT = osp.join(ROOT, 'tools', 'analysis_tools', 'run_gpu_benchmarks.sh')
TINY = 'configs/usdrl/mgfd_dste-tiny_1xb64-joint-24e_synthetic-' \
    'xsub-keypoint-3d.py'


def _run(tmp_path, **env):
    full = dict(os.environ, PYTHON=sys.executable, OUT=str(tmp_path), **env)
    return subprocess.run(['bash', SCRIPT],
                          env=full,
                          capture_output=True,
                          text=True,
                          cwd=ROOT)


def test_the_default_matrix(tmp_path):
    result = _run(tmp_path, DRY_RUN='1')
    assert result.returncode == 0, result.stderr
    commands = [
        line for line in result.stdout.splitlines() if 'benchmark.py' in line
    ]
    assert len(commands) == 6  # fp32, bf16, fp16 x eager, compiled
    for command in commands:
        assert 'pretrain configs/usdrl/mgfd_dste_2xb178-joint-451e_ntu60' \
            in command
        assert '--device cuda --batch-size 178' in command
        assert '--input-shape 4 2 64 25 3' in command
    assert sum('--compile' in c for c in commands) == 3
    assert sum('optim_wrapper.type=OptimWrapper' in c for c in commands) == 2
    assert sum('optim_wrapper.dtype=bfloat16' in c for c in commands) == 2
    assert sum('=MixedPrecisionOptimWrapper' in c for c in commands) == 4
    assert not (tmp_path / 'pretrain.jsonl').exists()


def test_one_step_each_on_the_cpu(tmp_path):
    result = _run(
        tmp_path,
        DEVICE='cpu',
        CONFIG=TINY,
        BATCH='4',
        ITERS='1',
        WARMUP='0',
        PRECISIONS='fp32 bf16',
        MODES='eager')
    assert result.returncode == 0, result.stdout + result.stderr
    rows = [
        json.loads(line)
        for line in (tmp_path / 'pretrain.jsonl').read_text().splitlines()
    ]
    assert [r['precision'] for r in rows] == ['fp32', 'bf16-autocast']
    for row in rows:
        assert row['mode'] == 'pretrain' and row['batch_size'] == 4
        assert row['compile'] is False
        assert row['gflops_per_s'] > 0 and 0 < row['peak_fraction']
        assert row['gemm_peak_precision'] == row['precision'].split('-')[0]
    assert (tmp_path / 'fp32-eager.log').exists()


def test_an_unknown_precision_stops_the_run(tmp_path):
    result = _run(tmp_path, PRECISIONS='fp8', DRY_RUN='1')
    assert result.returncode == 2 and 'unknown precision fp8' in result.stderr
