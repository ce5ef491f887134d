"""tools/analysis_tools/benchmark.py, every subcommand run as a script on
the tiny configs and the synthetic data for a few steps.

Speed is recorded by the tool, never asserted; what is asserted is that
every reported figure follows its one definition
(``usdrl_mm.benchmarks.speed.rates``, ``.flops``) from the reported step
time, batch size, FLOPs and GEMM peak, and that precision and clips per
sample say what ran. The GEMM peaks are measured on small products
(``--gemm-sizes``) to keep the tests short.
"""
import importlib.util
import json
import os.path as osp
import subprocess
import sys

import pytest
import torch

from usdrl_mm.benchmarks.speed.memory import KINDS

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = 'tools/analysis_tools/benchmark.py'
TINY = 'configs/usdrl/mgfd_dste-tiny{}_1xb64-joint-24e_synthetic-' \
       'xsub-keypoint-3d.py'
STGCN = 'configs/baselines/stgcn_1xb16-joint-u64-10e_synthetic-xsub-' \
        'keypoint-3d.py'
POSEC3D = 'configs/baselines/slowonly_r50_1xb8-u48-10e_synthetic-xsub-' \
          'keypoint-2d.py'
COMMON = {
    'mode', 'config', 'batch_size', 'iters', 'warmup', 'precision', 'compile',
    'real_data', 'step_s', 'step_s_median', 'step_s_mean', 'step_s_std',
    'samples_per_s', 'clips_per_s', 'clips_per_sample', 'peak_mem_mib',
    'peak_mem_kind', 'device', 'torch_threads'
}
#: what a mixed-precision optim wrapper runs here
MIXED = 'fp16-autocast' if torch.cuda.is_available() else 'bf16-autocast'
#: the dtype of the GEMM peak of each precision
PEAK_DTYPE = {'fp32': 'fp32', 'bf16-autocast': 'bf16', 'fp16-autocast': 'fp16'}
GEMM = ('--gemm-sizes', '64', '128')
FLOP_FIELDS = {
    'flops', 'gflops_per_s', 'gemm_peak_gflops', 'gemm_peak_precision',
    'gemm_peak_size', 'peak_fraction'
}


def fake_original_writer():
    """``write_fake_original`` of tests/benchmarks/test_speed_original.py."""
    path = osp.join(REPO, 'tests', 'benchmarks', 'test_speed_original.py')
    spec = importlib.util.spec_from_file_location('_fake_original', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.write_fake_original


def run(args, env, threads=('--threads', '1')):
    """The tool's stdout and its JSON lines."""
    proc = subprocess.run([sys.executable, TOOL, *args, *threads],
                          cwd=REPO,
                          env=env,
                          capture_output=True,
                          text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    rows = [
        json.loads(line) for line in proc.stdout.splitlines()
        if line[:1] == '{'
    ]
    return rows, proc.stdout


def run_one(args, env):
    rows, out = run(args, env)
    assert len(rows) == 1, out  # exactly one JSON line
    return rows[0], out


def data_options(ann_file, loader='train_dataloader', *extra):
    return [
        '--cfg-options', f'{loader}.dataset.ann_file={ann_file}',
        f'{loader}.num_workers=0', f'{loader}.persistent_workers=False', *extra
    ]


def check_rates(result, prefix=''):
    """The rates of ``prefix`` follow from the reported median step."""
    step = result[f'{prefix}step_s']
    assert step > 0 and step == result[f'{prefix}step_s_median']
    assert result[f'{prefix}step_s_mean'] > 0
    assert result[f'{prefix}step_s_std'] >= 0
    samples = result[f'{prefix}samples_per_s']
    assert samples == pytest.approx(result['batch_size'] / step, rel=1e-9)
    assert result[f'{prefix}clips_per_s'] == pytest.approx(
        samples * result['clips_per_sample'], rel=1e-9)


def check_flops(result):
    """GFLOP/s and the peak fraction follow from the reported FLOPs, step
    and peak, the peak of the row's precision."""
    assert FLOP_FIELDS <= set(result), FLOP_FIELDS - set(result)
    assert isinstance(result['flops'], int) and result['flops'] > 0
    assert result['gflops_per_s'] == pytest.approx(
        result['flops'] / result['step_s'] / 1e9, rel=1e-9)
    assert result['gemm_peak_gflops'] > 0
    assert result['gemm_peak_size'] in (64, 128)
    assert result['gemm_peak_precision'] == PEAK_DTYPE[result['precision']]
    assert result['peak_fraction'] == pytest.approx(
        result['gflops_per_s'] / result['gemm_peak_gflops'], rel=1e-9)


def check_common(result, mode, config, batch_size, clips, precision):
    assert COMMON <= set(result), COMMON - set(result)
    assert 'amp' not in result  # named exactly by precision
    assert result['mode'] == mode and result['iters'] == 2
    assert result['config'] == osp.splitext(osp.basename(config))[0]
    assert result['batch_size'] == batch_size
    assert result['clips_per_sample'] == clips
    assert result['precision'] == precision
    check_rates(result)
    assert result['peak_mem_mib'] >= 0 and result['peak_mem_kind']
    assert result['torch_threads'] == 1


@pytest.mark.parametrize('mode', ['pretrain', 'infer', 'data'])
def test_modes_on_the_tiny_config(mode, synthetic_data, tool_env):
    config = TINY.format('')
    result, _ = run_one([
        mode, config, '--iters', '2', '--warmup', '1', '--batch-size', '4',
        *data_options(synthetic_data['trimmed']), *(GEMM if mode != 'data' else
                                                    ())
    ], tool_env)
    # fp32: the tiny config's optim wrapper is a plain OptimWrapper
    check_common(result, mode, config, 4, 4, 'fp32')  # four views
    assert result['real_data'] is (mode == 'data')
    if mode != 'data':
        check_flops(result)
    else:
        assert not FLOP_FIELDS & set(result)
    if mode == 'data':
        assert result['batched_augment'] is False
        assert result['loader_s_median'] > 0
        assert result['preprocess_s_median'] > 0
        assert result['preprocess_samples_per_s'] == pytest.approx(
            4 / result['preprocess_s_median'], rel=1e-9)
        assert result['preprocess_clips_per_s'] == pytest.approx(
            4 * result['preprocess_samples_per_s'], rel=1e-9)


def test_mixed_precision_config_on_real_batches_and_augmentation(
        synthetic_data, tool_env):
    config = TINY.format('-batchaug')
    # the config's optim wrapper, not --amp, makes it mixed precision
    result, _ = run_one([
        'pretrain', config, '--iters', '2', '--warmup', '1', '--batch-size',
        '4', '--real-data',
        *data_options(synthetic_data['trimmed'], 'train_dataloader',
                      'optim_wrapper.type=MixedPrecisionOptimWrapper'), *GEMM
    ], tool_env)
    check_common(result, 'pretrain', config, 4, 4, MIXED)
    check_flops(result)  # against the low-precision peak
    assert result['real_data'] is True
    result, _ = run_one([
        'data', config, '--iters', '2', '--warmup', '1', '--batch-size', '4',
        *data_options(synthetic_data['trimmed'])
    ], tool_env)
    check_common(result, 'data', config, 4, 4, 'fp32')
    assert result['batched_augment'] is True


def test_mmaction_recognizers_infer(synthetic_data, tool_env):
    result, _ = run_one([
        'infer', STGCN, '--iters', '2', '--warmup', '0', '--batch-size', '2',
        *data_options(synthetic_data['trimmed'], 'test_dataloader'),
        '--no-flops'
    ], tool_env)
    check_common(result, 'infer', STGCN, 2, 1, 'fp32')  # one clip
    assert FLOP_FIELDS <= set(result)
    assert {result[k] for k in FLOP_FIELDS} == {None}  # --no-flops
    # PoseC3D heatmaps from the given shape, without its data files; --amp
    # autocasts the forward pass
    result, _ = run_one([
        'infer', POSEC3D, '--iters', '2', '--warmup', '0', '--batch-size', '1',
        '--amp', '--input-shape', '1', '25', '8', '32', '32', '--cfg-options',
        'test_dataloader.dataset.ann_file=no/such/file.pkl', *GEMM
    ], tool_env)
    check_common(result, 'infer', POSEC3D, 1, 1, MIXED)
    check_flops(result)  # 3D convolutions


def test_augment_comparison(synthetic_data, tool_env):
    result, out = run_one([
        'augment', '--batch-size', '4', '--iters', '2', '--warmup', '1',
        '--ann-file', synthetic_data['trimmed']
    ], tool_env)
    assert result['mode'] == 'augment' and result['batch_size'] == 4
    assert result['clips_per_sample'] == 4 and result['precision'] == 'fp32'
    for path in ('per_sample', 'batched'):
        check_rates(result, f'{path}_')
        assert result[f'{path}_peak_mem_mib'] >= 0
    assert result['speedup'] == pytest.approx(
        result['per_sample_step_s'] / result['batched_step_s'], rel=1e-9)
    assert 'speedup:' in out


def test_threads_times_every_combination(synthetic_data, tool_env):
    config = TINY.format('')
    threads, workers = [2, 1], [1, 0]
    rows, out = run([
        'threads', config, '--iters', '2', '--warmup', '0', '--batch-size',
        '4', '--amp', '--workers', *map(str, workers), '--cfg-options',
        f"train_dataloader.dataset.ann_file={synthetic_data['trimmed']}"
    ], tool_env, ('--threads', *map(str, threads)))
    asked = [(t, w) for t in threads for w in workers]
    assert [(r['threads'], r['workers']) for r in rows] == asked
    for r in rows:
        assert r['mode'] == 'threads' and r['real_data'] is True
        assert r['torch_threads'] == r['threads']
        assert r['persistent_workers'] is (r['workers'] > 0)
        assert r['batch_size'] == 4 and r['clips_per_sample'] == 4
        assert r['precision'] == MIXED  # --amp
        check_rates(r)
    table = [line for line in out.splitlines() if line.startswith('| ')]
    assert len(table) == 1 + len(asked)  # header and a row each
    assert 'samples/s' in table[0] and 'clips/s' in table[0]


def test_paths_are_timed_side_by_side_with_memory(tmp_path, tool_env):
    out = tmp_path / 'rows.json'
    rows, printed = run([
        'paths',
        TINY.format(''), '--hidden-dim', '16', '--batch-size', '4', '--rounds',
        '2', '--paths', 'plain', '+bf16', '--out',
        str(out), *GEMM
    ], tool_env)
    assert json.loads(out.read_text()) == rows
    assert [r['path'] for r in rows] == ['plain', '+bf16']
    assert [r['precision'] for r in rows] == ['fp32', 'bf16-autocast']
    assert rows[0]['speedup'] == 1.0
    assert rows[1]['speedup'] == pytest.approx(
        rows[0]['step_s'] / rows[1]['step_s'], rel=1e-9)
    for r in rows:
        check_rates(r)
        check_flops(r)
        assert r['clips_per_sample'] == 4 and r['hidden_dim'] == 16
        assert r['peak_mem_mib'] > 0  # measured in a fresh process
    # (D, D) against (B, B) decorrelation matrices: other FLOPs
    assert rows[0]['flops'] != rows[1]['flops']
    assert '| path | precision |' in printed
    assert 'GFLOP/s' in printed


def test_original_against_usdrl_mm(tmp_path, tool_env):
    repo = fake_original_writer()(tmp_path / 'original')
    out = tmp_path / 'rows.json'
    rows, printed = run([
        'original',
        TINY.format(''), '--original-repo',
        str(repo), '--hidden-dim', '16', '--batch-size', '4', '--rounds', '2',
        '--warmup', '0', '--out',
        str(out), *GEMM, '--cfg-options',
        'optim_wrapper.type=MixedPrecisionOptimWrapper'
    ], tool_env)
    assert json.loads(out.read_text()) == rows
    assert [r['row']
            for r in rows] == ['original', 'usdrl_mm-fp32', 'usdrl_mm-recipe']
    assert [r['implementation'] for r in rows] == ['original'] + \
        ['usdrl_mm'] * 2
    # the original and the plain wrapper in fp32, the recipe's wrapper mixed
    assert [r['precision'] for r in rows] == ['fp32', 'fp32', MIXED]
    assert [r['optim_wrapper'] for r in rows] == [
        'torch.optim.Adam', 'OptimWrapper', 'MixedPrecisionOptimWrapper'
    ]
    original = rows[0]
    assert original['speedup_over_original'] == 1.0
    assert original['speedup_over_original_round_median'] == 1.0
    for r in rows:
        check_rates(r)
        check_flops(r)
        assert r['mode'] == 'original' and r['clips_per_sample'] == 4
        assert r['batch_size'] == 4 and r['hidden_dim'] == 16
        assert r['original_repo'] == str(repo)
        assert r['original_step_s'] == original['step_s']
        assert r['speedup_over_original'] == pytest.approx(
            r['original_step_s'] / r['step_s'], rel=1e-9)
        assert r['speedup_over_original_round_median'] > 0
        assert r['torch_threads'] == 1
        # each step's peak, measured alone in a fresh process
        assert r['peak_mem_kind'] in KINDS and r['peak_mem_mib'] > 0
    # one model, two wrappers: nearly the same counted work. Not equal: in
    # fp32 the fused attention's backward recomputes the scores (one more
    # product), the bf16 CPU path saves them (batched products)
    assert rows[2]['flops'] < rows[1]['flops'] <= 1.1 * rows[2]['flops']
    table = [line for line in printed.splitlines() if line.startswith('| ')]
    assert len(table) == 4 and 'GFLOP/s' in table[0]
    assert 'peak memory (MiB)' in table[0]
    assert 'round 2/2' in printed


def test_original_without_its_model_file(tmp_path, tool_env):
    repo = fake_original_writer()(tmp_path / 'original')
    (repo / 'model' / 'DSTE.py').unlink()
    proc = subprocess.run([
        sys.executable, TOOL, 'original',
        TINY.format(''), '--original-repo',
        str(repo), '--threads', '1'
    ],
                          cwd=REPO,
                          env=tool_env,
                          capture_output=True,
                          text=True,
                          timeout=600)
    assert proc.returncode != 0
    assert str(repo / 'model' / 'DSTE.py') in proc.stderr


@pytest.mark.slow
def test_the_compiled_path_runs(tool_env):
    rows, _ = run([
        'paths',
        TINY.format(''), '--hidden-dim', '16', '--batch-size', '4', '--rounds',
        '2', '--paths', '+fused-adam', '+compile', '--no-memory', *GEMM
    ], tool_env)
    assert [r['path'] for r in rows] == ['+fused-adam', '+compile']
    assert all(r['step_s'] > 0 for r in rows)
