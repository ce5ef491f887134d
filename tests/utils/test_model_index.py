"""usdrl_mm/utils/model_index.py: the index ``mim search`` reads."""
import glob
import os.path as osp

import pytest
import yaml

from usdrl_mm.utils.model_index import (merge_results, model_index,
                                        parse_config_name, read_yaml)

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def test_pretraining_name():
    meta = parse_config_name(
        'mgfd_dste_2xb178-joint-451e_ntu60-xsub-keypoint-3d.py')
    assert meta == {
        'Task': 'Self-Supervised Pretraining',
        'Architecture': ['MG-FD', 'DSTE'],
        'Training Data': 'NTU RGB+D 60',
        'Split': 'xsub',
        'Keypoint': '3D',
        'Modality': 'joint',
        'Training Resources': '2 GPUs',
        'Batch Size': 356,
        'Epochs': 451,
    }


@pytest.mark.parametrize('name, task', [
    ('dste-early-linear_1xb512-joint-160e_pku1-xsub-keypoint-3d',
     'Early Action Prediction'),
    ('dste-detection-linear_1xb512-joint-150e_pku1-xsub-keypoint-3d',
     'Temporal Action Detection'),
    ('dste-tiny-semi10pct_1xb16-joint-10e_pku1-xsub-keypoint-3d',
     'Action Recognition (semi-supervised, 10 % labels)'),
    ('stgcn_8xb16-joint-u100-80e_ntu60-xsub-keypoint-3d',
     'Action Recognition (supervised)'),
])
def test_the_first_protocol_word_names_the_task(name, task):
    assert parse_config_name(name)['Task'] == task


def test_knn_has_no_epochs_and_variants_are_kept():
    meta = parse_config_name(
        'dste-tiny-knn_1xb128-joint_pku1-xsub-keypoint-3d')
    assert 'Epochs' not in meta
    assert meta['Variant'] == 'tiny'
    assert meta['Batch Size'] == 128 and meta['Training Resources'] == '1 GPU'


def test_transfer_name():
    meta = parse_config_name(
        'dste-transfer-linear_ntu120-xsub-to-pku2-xsub-joint-keypoint-3d.py')
    assert meta['Pretraining Data'] == 'NTU RGB+D 120'
    assert meta['Training Data'] == 'PKU-MMD II'
    assert meta['Protocol'] == 'linear' and meta['Modality'] == 'joint'


@pytest.mark.parametrize('name', ['mgfd.py', 'mgfd_dste_joint_ntu60'])
def test_names_off_the_rule_are_refused(name):
    with pytest.raises(ValueError, match='naming rule|schedule'):
        parse_config_name(name)


def test_committed_index_is_up_to_date():
    """A config added, renamed or removed without
    ``tools/misc/update_model_index.py`` fails here."""
    for path, content in model_index(ROOT).items():
        assert read_yaml(osp.join(
            ROOT, path)) == content, (f'{path} is out of date: run python '
                                      'tools/misc/update_model_index.py')


def test_every_config_is_indexed_once_and_exists():
    index = yaml.safe_load(open(osp.join(ROOT, 'model-index.yml')))
    listed = []
    for metafile in index['Import']:
        for model in read_yaml(osp.join(ROOT, metafile))['Models']:
            assert osp.isfile(osp.join(ROOT, model['Config']))
            listed.append(model['Config'])
    on_disk = [
        osp.relpath(p, ROOT) for p in glob.glob(
            osp.join(ROOT, 'configs', '**', '*.py'), recursive=True)
        if '_base_' not in p
    ]
    assert sorted(listed) == sorted(on_disk)


def test_results_survive_regeneration_and_leave_with_their_config():
    previous = {
        'Models': [{
            'Name': 'a',
            'Results': [{
                'Task': 't',
                'Metrics': {
                    'top1': 1.0
                }
            }]
        }, {
            'Name': 'gone',
            'Results': [{
                'Task': 't',
                'Metrics': {
                    'top1': 2.0
                }
            }]
        }]
    }
    content = {'Models': [{'Name': 'a'}, {'Name': 'b'}]}
    merged = merge_results(content, previous)
    assert merged['Models'][0]['Results'][0]['Metrics'] == {'top1': 1.0}
    assert 'Results' not in merged['Models'][1]
    assert all(m['Name'] != 'gone' for m in merged['Models'])
