import json
import os
import pickle

import numpy as np
import pytest
from mmengine.config import Config

from usdrl_mm.benchmarks import (prepare_benchmark, protocol_splits,
                                 recipe_options, retarget_config, write_report)

# video -> (cross-subject part, cross-view part, labels of its clips)
VIDEOS = {
    '0002-L': ('train', 'val', [0, 1, 1]),
    '0002-M': ('train', 'train', [0, 2]),
    '0003-R': ('train', 'train', [1, 1, 2]),
    '0291-L': ('val', 'val', [2, 0]),
    '0291-M': ('val', 'train', [4]),
}


def split_of(protocol, names_of):
    index = 0 if protocol == 'xsub' else 1
    return {
        f'{protocol}_{part}': [
            n for v, info in VIDEOS.items() if info[index] == part
            for n in names_of(v)
        ]
        for part in ('train', 'val')
    }


@pytest.fixture
def pickles(tmp_path):
    keypoint = np.zeros((1, 8, 25, 3), np.float32)
    clips = [
        dict(
            frame_dir=f'{v}_{j:03d}',
            label=label,
            keypoint=keypoint,
            total_frames=8) for v, (_, _, labels) in VIDEOS.items()
        for j, label in enumerate(labels)
    ]

    def clip_names(video):
        return [c['frame_dir'] for c in clips if c['frame_dir'][:6] == video]

    trimmed = dict(split={}, annotations=clips)
    untrimmed = dict(split={}, annotations=[])
    for protocol in ('xsub', 'xview'):
        trimmed['split'].update(split_of(protocol, clip_names))
        untrimmed['split'].update(split_of(protocol, lambda v: [v]))
    paths = {}
    for name, data in (('trimmed', trimmed), ('untrimmed', untrimmed)):
        paths[name] = str(tmp_path / f'{name}.pkl')
        with open(paths[name], 'wb') as f:
            pickle.dump(data, f)
    return paths


def test_prepare_writes_retargeted_configs_per_protocol_and_seed(
        pickles, tmp_path, repo_root):
    out = str(tmp_path / 'bench')
    manifest = prepare_benchmark(
        'pku1',
        'smoke',
        pickles['trimmed'],
        out,
        seeds=(0, 1),
        untrimmed=pickles['untrimmed'],
        repo_root=repo_root)
    assert sorted(manifest['runs']) == ['xsub', 'xview']
    assert sorted(manifest['runs']['xview']) == ['0', '1']
    for protocol in ('xsub', 'xview'):
        for seed in (0, 1):
            folder = os.path.join(out, protocol, f'seed{seed}')
            cfgs = {
                role:
                Config.fromfile(os.path.join(folder, 'configs', f'{role}.py'))
                for role in ('pretrain', 'linear', 'finetune', 'semi', 'knn',
                             'early', 'dense')
            }
            assert all(c.randomness.seed == seed for c in cfgs.values())
            assert cfgs['pretrain'].train_dataloader.dataset.split == \
                f'{protocol}_train'
            assert cfgs['knn'].test_dataloader.dataset.query.split == \
                f'{protocol}_val'
            assert cfgs['dense'].train_dataloader.dataset.ann_file == \
                pickles['untrimmed']
            assert cfgs['linear'].train_dataloader.dataset.ann_file == \
                pickles['trimmed']
            assert cfgs['linear'].train_cfg.max_epochs == 1  # smoke
            semi = cfgs['semi'].train_dataloader.dataset
            with open(semi.subset_file) as f:
                subset = json.load(f)
            assert subset['split'] == f'{protocol}_train' == semi.split
            assert subset['seed'] == seed
            with open(pickles['trimmed'], 'rb') as f:
                train = set(pickle.load(f)['split'][f'{protocol}_train'])
            assert subset['names'] and set(subset['names']) <= train

    # a written config reads back as the retargeted source config
    run = manifest['runs']['xview']['1']['configs']['knn']
    expected = Config.fromfile(os.path.join(repo_root, run['source']))
    retarget_config(
        expected, pickles['trimmed'], protocol_splits('xview'), num_classes=51)
    expected.merge_from_dict({
        **recipe_options('smoke', 'knn'), 'randomness.seed':
        1
    })
    written = Config.fromfile(os.path.join(out, run['path']))
    assert written.to_dict() == expected.to_dict()

    with pytest.raises(
            ValueError, match='holds the benchmark of pku1, '
            'recipe smoke'):
        prepare_benchmark(
            'pku1', 'tiny', pickles['trimmed'], out, repo_root=repo_root)


def test_prepare_without_untrimmed_data_or_with_an_empty_split(
        pickles, tmp_path, repo_root):
    manifest = prepare_benchmark(
        'pku1',
        'tiny',
        pickles['trimmed'],
        str(tmp_path / 'a'),
        protocols=['xsub'],
        repo_root=repo_root)
    assert 'dense' not in manifest['runs']['xsub']['0']['configs']
    with open(pickles['trimmed'], 'rb') as f:
        data = pickle.load(f)
    data['split']['xview_val'] = []
    with open(pickles['trimmed'], 'wb') as f:
        pickle.dump(data, f)
    with pytest.raises(
            ValueError,
            match='no samples in xview_val.*leave '
            'the xview protocol out'):
        prepare_benchmark(
            'pku1',
            'tiny',
            pickles['trimmed'],
            str(tmp_path / 'b'),
            repo_root=repo_root)


def test_report_gathers_runs_data_and_pictures(pickles, tmp_path, repo_root):
    out = tmp_path / 'bench'
    prepare_benchmark(
        'pku1',
        'smoke',
        pickles['trimmed'],
        str(out),
        seeds=(0, 1),
        untrimmed=pickles['untrimmed'],
        repo_root=repo_root)
    with pytest.raises(FileNotFoundError, match='eval.log'):
        write_report(str(out))
    for protocol in ('xsub', 'xview'):
        for seed in (0, 1):
            run = out / protocol / f'seed{seed}'
            (run / 'eval').mkdir(parents=True)
            results = {
                name: {
                    'linear/top1': 0.5 + 0.1 * seed - 0.25 * (i == 1),
                    'detection/mAP_a@0.5': 0.2
                }
                for i, name in enumerate(('pretrained', 'random-init'))
            }
            (run / 'eval' / 'results.json').write_text(
                json.dumps(dict(results=results)))
        (out / protocol / 'seed0' / 'tsne.png').write_bytes(b'png')
    timelines = out / 'xsub/seed0/eval/dense_pretrained/timelines'
    timelines.mkdir(parents=True)
    (timelines / 'timeline_0291-L.png').write_bytes(b'png')
    (out /
     'timings.tsv').write_text('pretraining\t12\nreport\t3\npretraining\t14\n')

    report = write_report(str(out))
    cell = report['results']['xview']['pretrained']['linear/top1']
    assert cell['seeds'] == pytest.approx({'0': 0.5, '1': 0.6})
    assert cell['mean'] == pytest.approx(0.55)
    data = report['data']
    assert data['class_counts']['xsub_train'][:5] == [2, 4, 2, 0, 0]
    assert data['class_counts']['xview_val'][:5] == [2, 2, 1, 0, 0]
    assert data['videos']['xview'] == dict(train=3, test=2)
    assert data['protocols']['xsub']['test_classes_without_training'] == [4]
    assert report['pictures']['xsub'] == {
        't-SNE of both encoders': ['xsub/seed0/tsne.png'],
        'detection timeline, pretrained encoder':
        ['xsub/seed0/eval/dense_pretrained/timelines/timeline_0291-L.png']
    }
    # a step run twice keeps its last time
    assert report['timings'] == [
        dict(step='pretraining', seconds=14.0),
        dict(step='report', seconds=3.0)
    ]
    text = (out / 'results.md').read_text()
    assert '| `linear/top1` | 0.5000 | 0.6000 | 0.5500 | 0.2500 |' in text
    assert '![t-SNE of both encoders](xsub/seed0/tsne.png)' in text
    assert json.loads(
        (out / 'results.json').read_text()) == json.loads(json.dumps(report))
