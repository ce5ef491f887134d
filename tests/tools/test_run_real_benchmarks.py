"""tools/analysis_tools/run_real_benchmarks.sh on a tiny PKU-MMD I release
that the tests write: its commands (--dry-run, also for the paper recipe and
NTU RGB+D folders) and, marked slow, the whole smoke recipe end to end."""
import json
import os
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SCRIPT = 'tools/analysis_tools/run_real_benchmarks.sh'
# video ids x views; 0291-* validate cross-subject, *-L cross-view; every
# video has 6 actions of classes 1-3 (label-file numbering) on 200 frames
IDS, VIEWS, FRAMES = ('0002', '0003', '0291'), 'LMR', 200
NO_SKELETON = '0003-M'  # labelled, but its skeleton file is missing
PROTOCOL_VAL = dict(
    xsub=lambda name: name.startswith('0291'),
    xview=lambda name: name.endswith('-L'))


def segments_of(name):
    """(label, start, end, confidence) lines of one video's label file."""
    shift = IDS.index(name[:4])
    return [(1 + (j + shift) % 3, 10 + 30 * j, 35 + 30 * j, 1)
            for j in range(6)]


def write_release(root):
    """The official layout: skeleton and label folders, split files."""
    skeletons = root / 'PKU_Skeleton_Renew'
    labels = root / 'Train_Label_PKU_final'
    skeletons.mkdir(parents=True)
    labels.mkdir()
    rng = np.random.default_rng(0)
    names = [f'{i}-{v}' for i in IDS for v in VIEWS]
    for name in names:
        (labels / f'{name}.txt').write_text(''.join(
            f'{a},{b},{c},{d}\n' for a, b, c, d in segments_of(name)))
        if name == NO_SKELETON:
            continue
        # 150 numbers a frame: 2 bodies x 25 joints x xyz, body 2 absent
        frames = np.zeros((FRAMES, 150))
        frames[:, :75] = rng.normal(size=(FRAMES, 75)).round(3)
        (skeletons /
         f'{name}.txt').write_text('\n'.join(' '.join(f'{v:.3f}' for v in row)
                                             for row in frames) + '\n')
    for protocol, file in (('xsub', 'cross-subject'), ('xview', 'cross-view')):
        val = [n for n in names if PROTOCOL_VAL[protocol](n)]
        train = [n for n in names if n not in val]
        (root /
         f'{file}.txt').write_text('Training videos: \n' + ', '.join(train) +
                                   '\nValidataion videos: \n' +
                                   ', '.join(val) + '\n')
    return names


def expected_counts(names, protocol, part):
    """Clips per class (0-based) of a split, from the videos written."""
    counts = [0] * 51
    for name in names:
        if name == NO_SKELETON or PROTOCOL_VAL[protocol](name) != (part
                                                                   == 'val'):
            continue
        for label, *_ in segments_of(name):
            counts[label - 1] += 1
    return counts


@pytest.fixture(scope='module')
def release(tmp_path_factory):
    root = tmp_path_factory.mktemp('pku_release')
    return root, write_release(root)


def run_script(args, timeout=60):
    env = dict(os.environ, PYTHON=sys.executable)
    # one torch thread: on shared cores more threads wait on each other
    env.setdefault('OMP_NUM_THREADS', '1')
    env['PYTHONPATH'] = REPO + os.pathsep + env.get('PYTHONPATH', '')
    return subprocess.run(['bash', SCRIPT, *args],
                          cwd=REPO,
                          env=env,
                          capture_output=True,
                          text=True,
                          timeout=timeout)


def command_lines(stdout, tool):
    return [line.strip() for line in stdout.splitlines() if tool in line]


def test_dry_run_prints_every_step_and_writes_nothing(release, tmp_path):
    root, _ = release
    out = tmp_path / 'out'
    done = run_script([
        '--pku-root',
        str(root), '--recipe', 'smoke', '--seeds', '0', '1', '--out',
        str(out), '--dry-run'
    ])
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert '8 skeleton files found for 9 label files' in text
    convert, = command_lines(text, 'tools/data/convert_pku_mmd.py')
    assert f'--xview-split {root}/cross-view.txt' in convert
    assert f'--trimmed-out {out}/pku1/data/pkummd1_3d_trimmed.pkl' in convert
    prepare, = command_lines(text, 'prepare_real_benchmarks.py')
    assert '--recipe smoke' in prepare and '--seeds 0 1' in prepare
    assert '--protocols xsub xview' in prepare
    evals = command_lines(text, 'eval_encoders.py')
    assert len(evals) == 4  # 2 protocols x 2 seeds
    for protocol in ('xsub', 'xview'):
        for seed in (0, 1):
            cfg = f'{out}/pku1/{protocol}/seed{seed}/configs'
            assert f'tools/train.py {cfg}/pretrain.py' in text
            line, = [e for e in evals if cfg in e]
            for role in ('linear', 'finetune', 'semi', 'knn', 'early',
                         'dense'):
                assert f'--{role} {cfg}/{role}.py' in line
            assert '--timelines' in line and '--early-ratios 0.5 1.0' in line
            assert 'random-init=' in line
    tsne = command_lines(text, 'tsne_features.py')
    assert len(tsne) == 2 and all('seed0' in line for line in tsne)
    report, = command_lines(text, 'real_benchmark_report.py')
    assert report.endswith(f'{out}/pku1')
    assert not out.exists()


def test_dry_run_of_the_paper_recipe_on_gpus(release, tmp_path):
    root, _ = release
    done = run_script([
        '--pku-root',
        str(root), '--recipe', 'paper', '--gpus', '2', '--out',
        str(tmp_path), '--dry-run'
    ])
    assert done.returncode == 0, done.stderr
    assert '--recipe paper' in done.stdout
    pretrain = command_lines(done.stdout, 'pretrain.py 2 --work-dir')
    assert len(pretrain) == 2
    assert all(
        line.startswith('bash tools/dist_train.sh')
        and 'pretrain.py 2 --work-dir' in line for line in pretrain)
    assert '--early-ratios' not in done.stdout  # every ratio


@pytest.mark.parametrize('layout', ['raw', 'npy'])
@pytest.mark.parametrize('dataset,protocols', [('ntu60', ('xsub', 'xview')),
                                               ('ntu120', ('xsub', 'xset'))])
def test_dry_run_on_ntu_folders(layout, dataset, protocols, tmp_path):
    root = tmp_path / 'ntu'
    if layout == 'raw':
        (root / 'nturgb+d_skeletons').mkdir(parents=True)
        (root / 'nturgb+d_skeletons' /
         'S001C001P001R001A001.skeleton').write_text('')
        (root / 'NTU_RGBD_samples_with_missing_skeletons.txt').write_text('')
    else:
        for protocol in protocols:
            (root / protocol).mkdir(parents=True)
            for part in ('train', 'val'):
                for suffix in ('data_joint.npy', 'label.pkl'):
                    (root / protocol / f'{part}_{suffix}').write_text('')
        (root / protocols[0] / 'train_num_frame.npy').write_text('')
    out = tmp_path / 'out'
    done = run_script([
        '--ntu-root',
        str(root), '--ntu-dataset', dataset, '--out',
        str(out), '--dry-run'
    ])
    assert done.returncode == 0, done.stderr
    if layout == 'raw':
        convert, = command_lines(done.stdout, 'convert_ntu_rgbd.py')
        assert f'--skeletons {root}/nturgb+d_skeletons' in convert
        assert '--body-selection original' in convert
        assert f'--dataset {dataset}' in convert
        assert '--ignore-list' in convert
    else:
        convert, = command_lines(done.stdout, 'convert_skeleton_npy.py')
        first = f'{root}/{protocols[0]}/train_'
        assert (f'--split {protocols[0]}_train {first}data_joint.npy '
                f'{first}label.pkl {first}num_frame.npy') in convert
        second = f'{root}/{protocols[1]}/val_'
        assert (f'--split {protocols[1]}_val {second}data_joint.npy '
                f'{second}label.pkl --') in convert  # no frame counts there
        assert f'--num-classes {dataset[3:]}' in convert
    prepare, = command_lines(done.stdout, 'prepare_real_benchmarks.py')
    assert f'--dataset {dataset}' in prepare
    assert f'--protocols {" ".join(protocols)}' in prepare
    assert '--untrimmed' not in prepare
    evals = command_lines(done.stdout, 'eval_encoders.py')
    assert len(evals) == 2 and not any('--dense' in e for e in evals)
    assert all(f'{out}/{dataset}/{p}/seed0' in e
               for p, e in zip(protocols, evals))


@pytest.mark.parametrize('args,message', [
    ([], 'give --pku-root DIR'),
    (['--pku-root', '.', '--recipe', 'huge'], 'tiny, smoke or paper'),
    (['--pku-root', '.', '--seeds'], '--seeds needs values'),
    (['--pku-root', '.', '--gpus', 'two'], 'number of GPUs'),
    (['--pku-root', '.', '--no-such-option'], 'unknown argument'),
    (['--pku-root', 'configs', '--dry-run'], 'PKU_Skeleton_Renew/'),
    (['--ntu-root', 'configs', '--dry-run'], 'neither .skeleton files'),
])
def test_bad_arguments_are_explained(args, message):
    done = run_script(args)
    assert done.returncode != 0
    assert message in done.stderr


def test_eval_encoders_early_protocol_writes_the_curve(synthetic_data,
                                                       run_tool,
                                                       loader_options,
                                                       tmp_path):
    """The --early protocol the driver relies on: trained like the linear
    probe, then tested at every ratio, top-1 and mean-class accuracy."""
    cfgs = 'configs/usdrl'
    ckpt = str(tmp_path / 'random.pth')
    run_tool([
        'tools/misc/init_checkpoint.py',
        f'{cfgs}/mgfd_dste-tiny_1xb64-joint-12e_pku1-xsub-keypoint-3d.py',
        ckpt, '--cfg-options', 'model.backbone.hidden_dim=16',
        'model.projector.in_channels=16'
    ])
    work = tmp_path / 'eval'
    run_tool([
        'tools/analysis_tools/eval_encoders.py', '--early',
        f'{cfgs}/benchmarks/dste-tiny-early-linear_1xb64-joint-20e_'
        'pku1-xsub-keypoint-3d.py', '--early-ratios', '0.5', '1.0',
        '--encoders', f'random={ckpt}', '--work-dir',
        str(work), '--cfg-options', 'model.backbone.hidden_dim=16',
        '--recognition-options', 'model.cls_head.in_channels=32',
        'model.cls_head.num_classes=4', 'train_cfg.max_epochs=1',
        'train_cfg.val_begin=2', 'train_dataloader.batch_size=16',
        *loader_options(synthetic_data['trimmed'], 4)
    ])
    results = json.loads((work / 'results.json').read_text())['results']
    metrics = results['random']
    assert set(metrics) == {
        'early/top1@0.5', 'early/mean1@0.5', 'early/top1@1', 'early/mean1@1'
    }
    assert all(0 <= v <= 1 for v in metrics.values())
    curve = work / 'early_random' / 'curve'
    assert (curve /
            'early_prediction.csv').read_text().startswith('ratio,top1,mean1')
    assert '| 50 % |' in (curve / 'early_prediction.md').read_text()
    assert osp.getsize(curve / 'early_prediction.png') > 1000
    assert '| random |' in (work / 'results.md').read_text()


@pytest.mark.slow
def test_smoke_recipe_end_to_end(release, tmp_path):
    """Every step on the tiny release, then again: every step is skipped."""
    root, names = release
    out = tmp_path / 'out'
    done = run_script(
        ['--pku-root',
         str(root), '--recipe', 'smoke', '--out',
         str(out)],
        timeout=1800)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    run = out / 'pku1'
    report = json.loads((run / 'results.json').read_text())
    keys = {
        'linear/top1', 'linear/mean1', 'finetune/top1', 'finetune/mean1',
        'semi/top1', 'semi/mean1', 'knn/top1_k1', 'knn/top1_k5',
        'knn/top1_k20', 'early/top1@0.5', 'early/top1@1',
        'detection/mAP_a@0.5', 'detection/mAP_v@0.5', 'segmentation/acc',
        'segmentation/edit', 'segmentation/f1@50'
    }
    assert set(report['results']) == {'xsub', 'xview'}
    for protocol, encoders in report['results'].items():
        assert set(encoders) == {'pretrained', 'random-init'}
        for metrics in encoders.values():
            assert keys <= set(metrics), keys - set(metrics)
            assert all(0 <= m['mean'] <= 1 for m in metrics.values())
    data = report['data']
    assert data['files'] == dict(
        skeleton_files=8,
        label_files=9,
        videos=8,
        labels_without_skeleton=1,
        skeletons_without_labels=0)
    for protocol in ('xsub', 'xview'):
        for part in ('train', 'val'):
            assert data['class_counts'][f'{protocol}_{part}'] == \
                expected_counts(names, protocol, part)
    assert data['videos']['xview'] == dict(train=5, test=3)
    for protocol in ('xsub', 'xview'):
        pictures = report['pictures'][protocol]
        assert len(pictures) == 5  # t-SNE, 2 timelines, 2 early curves
        for paths in pictures.values():
            assert all(osp.getsize(run / p) > 1000 for p in paths)
    text = (run / 'results.md').read_text()
    assert '## xsub' in text and '## xview' in text
    assert '| `linear/mean1` |' in text
    assert '8 skeleton files found for 9 label files' in text
    # a second run finds every step done
    again = run_script(
        ['--pku-root',
         str(root), '--recipe', 'smoke', '--out',
         str(out)],
        timeout=600)
    assert again.returncode == 0, again.stderr
    assert again.stdout.count('done before, skipped') == 9
