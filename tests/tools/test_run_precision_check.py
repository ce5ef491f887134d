"""tools/analysis_tools/run_precision_check.sh: which runs it starts, with a
stand-in python that records every command (nothing is trained)."""
import os
import os.path as osp
import subprocess

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SCRIPT = osp.join(ROOT, 'tools', 'analysis_tools', 'run_precision_check.sh')

# records its arguments; as tools/train.py it leaves a last_checkpoint, as
# eval_encoders.py a results table
STAND_IN = '''#!/usr/bin/env python3
import os, sys
with open(os.environ['RECORD'], 'a') as f:
    f.write(' '.join(sys.argv[1:]) + '\\n')
args = sys.argv[1:]
if args[0].endswith('train.py'):
    work_dir = args[args.index('--work-dir') + 1]
    os.makedirs(work_dir, exist_ok=True)
    with open(os.path.join(work_dir, 'last_checkpoint'), 'w') as f:
        f.write(os.path.join(work_dir, 'epoch_24.pth'))
elif args[0].endswith('eval_encoders.py'):
    work_dir = args[args.index('--work-dir') + 1]
    os.makedirs(work_dir, exist_ok=True)
    with open(os.path.join(work_dir, 'results.md'), 'w') as f:
        f.write('| encoder |\\n')
'''


def _run(tmp_path, *args):
    stand_in = tmp_path / 'python'
    stand_in.write_text(STAND_IN)
    stand_in.chmod(0o755)
    record = tmp_path / 'commands.txt'
    env = dict(
        os.environ,
        PYTHON=str(stand_in),
        RECORD=str(record),
        OUT=str(tmp_path / 'out'))
    result = subprocess.run(['bash', SCRIPT, *args],
                            env=env,
                            capture_output=True,
                            text=True,
                            cwd=ROOT)
    lines = record.read_text().splitlines() if record.exists() else []
    # the data generator runs only where the demo data is missing
    lines = [line for line in lines if 'generate_synthetic' not in line]
    return result, lines


def test_each_seed_pretrains_in_both_precisions_then_one_evaluation(tmp_path):
    result, commands = _run(tmp_path, '--seeds', '3', '7')
    assert result.returncode == 0, result.stderr
    train = [c for c in commands if c.startswith('tools/train.py')]
    assert len(train) == 4
    for seed in ('3', '7'):
        fp32 = [c for c in train if f'fp32-seed{seed} ' in c + ' ']
        bf16 = [c for c in train if f'bf16-seed{seed} ' in c + ' ']
        assert len(fp32) == len(bf16) == 1
        assert f'--seed {seed}' in fp32[0] and '--amp' not in fp32[0]
        assert f'--seed {seed}' in bf16[0] and '--amp' in bf16[0]
    evaluation = [c for c in commands if 'eval_encoders.py' in c]
    assert len(evaluation) == 1
    for name in ('fp32-seed3', 'bf16-seed3', 'fp32-seed7', 'bf16-seed7'):
        assert f'{name}=' in evaluation[0]
    assert '--linear' in evaluation[0] and '--knn' in evaluation[0]
    assert '| encoder |' in result.stdout


def test_finished_pretrainings_are_not_repeated(tmp_path):
    _run(tmp_path, '--seeds', '0')
    result, commands = _run(tmp_path, '--seeds', '0')  # the same record
    assert result.returncode == 0
    # fp32 and bf16 of the first run only; both runs evaluated
    assert sum(c.startswith('tools/train.py') for c in commands) == 2
    assert sum('eval_encoders.py' in c for c in commands) == 2


def test_bad_arguments(tmp_path):
    result, commands = _run(tmp_path, '--seed', '0')
    assert result.returncode == 2 and 'unknown argument' in result.stderr
    result, commands = _run(tmp_path, '--seeds')
    assert result.returncode == 2 and 'at least one seed' in result.stderr
    assert not commands
