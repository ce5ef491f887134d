"""tools/analysis_tools/benchmark.py and benchmark_augment.py, run as
scripts on the tiny configs and the synthetic data for a few steps."""
import json
import os.path as osp
import subprocess
import sys

import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TINY = 'configs/usdrl/mgfd_dste-tiny{}_1xb64-joint-24e_synthetic-' \
       'xsub-keypoint-3d.py'
STGCN = 'configs/baselines/stgcn_1xb16-joint-u64-10e_synthetic-xsub-' \
        'keypoint-3d.py'
POSEC3D = 'configs/baselines/slowonly_r50_1xb8-u48-10e_synthetic-xsub-' \
          'keypoint-2d.py'
COMMON = {
    'mode', 'config', 'batch_size', 'iters', 'warmup', 'amp', 'compile',
    'real_data', 'step_s_mean', 'step_s_std', 'samples_per_s', 'clips_per_s',
    'peak_mem_mib', 'peak_mem_kind', 'device', 'torch_threads'
}


def run(tool, args, env):
    proc = subprocess.run([
        sys.executable, f'tools/analysis_tools/{tool}.py', *args, '--threads',
        '1'
    ],
                          cwd=REPO,
                          env=env,
                          capture_output=True,
                          text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line[:1] == '{']
    assert len(lines) == 1, proc.stdout  # exactly one JSON line
    return json.loads(lines[0]), proc.stdout


def data_options(ann_file, loader='train_dataloader'):
    return [
        '--cfg-options', f'{loader}.dataset.ann_file={ann_file}',
        f'{loader}.num_workers=0', f'{loader}.persistent_workers=False'
    ]


def check_common(result, mode, config, batch_size):
    assert COMMON <= set(result)
    assert result['mode'] == mode and result['iters'] == 2
    assert result['config'] == osp.splitext(osp.basename(config))[0]
    assert result['batch_size'] == batch_size
    assert result['step_s_mean'] > 0 and result['step_s_std'] >= 0
    # clips/s is samples/s times the views (or clips) of a sample
    views = result['clips_per_s'] / result['samples_per_s']
    assert abs(views - round(views)) < 1e-6 and views >= 1
    assert result['peak_mem_mib'] >= 0 and result['peak_mem_kind']
    assert result['torch_threads'] == 1
    return round(views)


def reported_rates(result, prefix):
    """The JSON carries a positive rate for ``prefix`` (whatever its size:
    speed is recorded by the tool, never asserted)."""
    rates = [
        v for k, v in result.items()
        if k.startswith(prefix) and k.endswith('_per_s')
    ]
    return len(rates) == 1 and rates[0] > 0


@pytest.mark.parametrize('mode', ['pretrain', 'infer', 'data'])
def test_modes_on_the_tiny_config(mode, synthetic_data, tool_env):
    config = TINY.format('')
    result, _ = run('benchmark', [
        mode, config, '--iters', '2', '--warmup', '1', '--batch-size', '4',
        *data_options(synthetic_data['trimmed'])
    ], tool_env)
    assert check_common(result, mode, config, 4) == 4  # four views
    assert result['real_data'] is (mode == 'data')
    if mode == 'data':
        assert result['batched_augment'] is False
        assert result['loader_s_mean'] > 0
        assert reported_rates(result, 'preprocess')


def test_batched_config_pretrains_on_real_batches_and_times_augmentation(
        synthetic_data, tool_env):
    config = TINY.format('-batchaug')
    result, _ = run('benchmark', [
        'pretrain', config, '--iters', '2', '--warmup', '1', '--batch-size',
        '4', '--real-data', *data_options(synthetic_data['trimmed'])
    ], tool_env)
    assert check_common(result, 'pretrain', config, 4) == 4
    assert result['real_data'] is True
    result, _ = run('benchmark', [
        'data', config, '--iters', '2', '--warmup', '1', '--batch-size', '4',
        *data_options(synthetic_data['trimmed'])
    ], tool_env)
    assert check_common(result, 'data', config, 4) == 4
    assert result['batched_augment'] is True
    assert reported_rates(result, 'preprocess')


def test_mmaction_recognizers_infer(synthetic_data, tool_env):
    result, _ = run('benchmark', [
        'infer', STGCN, '--iters', '2', '--warmup', '0', '--batch-size', '2',
        *data_options(synthetic_data['trimmed'], 'test_dataloader')
    ], tool_env)
    assert check_common(result, 'infer', STGCN, 2) == 1
    # PoseC3D heatmaps from the given shape, without its data files
    result, _ = run('benchmark', [
        'infer', POSEC3D, '--iters', '2', '--warmup', '0', '--batch-size', '1',
        '--input-shape', '1', '25', '8', '32', '32', '--cfg-options',
        'test_dataloader.dataset.ann_file=no/such/file.pkl'
    ], tool_env)
    assert check_common(result, 'infer', POSEC3D, 1) == 1


def test_augment_comparison(synthetic_data, tool_env):
    result, out = run('benchmark_augment', [
        '--batch-size', '4', '--iters', '2', '--warmup', '1', '--ann-file',
        synthetic_data['trimmed']
    ], tool_env)
    assert result['clips'] == 16 and result['batch_size'] == 4
    for path in ('per_sample', 'batched'):
        assert result[f'{path}_s_mean'] > 0
        assert reported_rates(result, path)
    assert result['speedup'] == pytest.approx(result['per_sample_s_mean'] /
                                              result['batched_s_mean'])
    assert 'speedup:' in out
