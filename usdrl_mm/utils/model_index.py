"""The model index that ``mim search usdrl_mm`` reads.

``model-index.yml`` at the repository root imports one ``metafile.yml`` per
config folder, in the layout of OpenMMLab's model zoos. Every entry's
``Metadata`` is derived from the config's file name, which follows
OpenMMLab's naming rule::

    {algorithm}_{backbone}[-{variant}]_{gpus}xb{batch}-{modality}[-{epochs}e]
        _{dataset}-{split}-keypoint[-{2d|3d}].py

e.g. ``mgfd_dste_2xb178-joint-451e_ntu60-xsub-keypoint-3d.py`` (MG-FD
pretraining of DSTE on 2 GPUs x 178 clips, joint modality, 451 epochs,
NTU-60 cross-subject, 3D) or ``dste-linear_1xb512-joint-160e_...`` (a
downstream protocol: the backbone, then the protocol). ``Results`` are
written by hand (only figures the project measured) and kept when the
index is regenerated (:func:`merge_results`).
"""
import os
import os.path as osp
import re
from typing import Dict, List, Optional

import yaml

# folder under configs/ -> (collection name, what its configs are)
FOLDERS = {
    'usdrl': 'USDRL pretraining',
    'usdrl/benchmarks': 'USDRL downstream protocols',
    'usdrl/dense': 'USDRL dense prediction',
    'baselines': 'MMAction2 baselines',
}
PAPERS = {
    'USDRL': ('Foundation Model for Skeleton-Based Human Action '
              'Understanding (TPAMI); Unified Skeleton-based Dense '
              'Representation Learning with Multi-grained Feature '
              'Decorrelation (AAAI 2025)'),
}
DATASETS = {
    'ntu60': 'NTU RGB+D 60',
    'ntu120': 'NTU RGB+D 120',
    'pku1': 'PKU-MMD I',
    'pku2': 'PKU-MMD II',
    'uavhuman': 'UAV-Human',
    'synthetic': 'usdrl_mm synthetic skeletons',
}
ALGORITHMS = {'mgfd': 'MG-FD', 'mpct': 'MPCT'}
BACKBONES = {
    'dste': 'DSTE',
    'sttr': 'STTR',
    'stgcn': 'ST-GCN',
    'slowonly': 'PoseC3D (SlowOnly)'
}
# downstream protocol words in the first part of a downstream config name
PROTOCOLS = {
    'linear': 'Action Recognition (linear probe)',
    'knn': 'Action Recognition (kNN)',
    'finetune': 'Action Recognition (fine-tune)',
    'semi10pct': 'Action Recognition (semi-supervised, 10 % labels)',
    'semi1pct': 'Action Recognition (semi-supervised, 1 % labels)',
    'early': 'Early Action Prediction',
    'detection': 'Temporal Action Detection',
    'segmentation': 'Action Segmentation',
    'transfer': 'Action Recognition (transfer)',
}
_SCHEDULE = re.compile(r'^(\d+)xb(\d+)-(.+?)(?:-(\d+)e)?$')


def parse_config_name(name: str) -> Dict:
    """The metadata a config's file name states (see the module docstring).

    Args:
        name (str): File name with or without ``.py``.

    Returns:
        dict: ``Task``, ``Architecture`` (list), ``Training Data``,
        ``Split``, ``Modality``, ``Keypoint`` (``2D``/``3D``, when named),
        ``Training Resources``, ``Batch Size`` (over all GPUs) and
        ``Epochs`` (when named).

    Raises:
        ValueError: The name does not follow the rule.
    """
    stem = osp.basename(name)
    stem = stem[:-3] if stem.endswith('.py') else stem
    parts = stem.split('_')
    if len(parts) == 2 and '-to-' in parts[1]:
        return _parse_transfer_name(name, parts)
    if len(parts) < 3:
        raise ValueError(f'{name}: expected a name '
                         '{model}_{schedule}_{data} (OpenMMLab naming rule)')
    model_words = [w for p in parts[:-2] for w in p.split('-')]
    match = _SCHEDULE.match(parts[-2])
    if match is None:
        raise ValueError(f'{name}: schedule part {parts[-2]!r} is not '
                         '{gpus}xb{batch}-{modality}[-{epochs}e]')
    gpus, batch, modality, epochs = match.groups()
    data = parts[-1].split('-')
    dataset = DATASETS.get(data[0], data[0])
    meta: Dict = {}
    algorithm = [ALGORITHMS[w] for w in model_words if w in ALGORITHMS]
    protocols = [PROTOCOLS[w] for w in model_words if w in PROTOCOLS]
    if algorithm:
        meta['Task'] = 'Self-Supervised Pretraining'
    elif protocols:
        # the first protocol word names the task: an early-prediction or
        # detection config with a linear head is not a linear probe
        meta['Task'] = protocols[0]
    else:
        meta['Task'] = 'Action Recognition (supervised)'
    meta['Architecture'] = algorithm + [
        BACKBONES[w] for w in model_words if w in BACKBONES
    ]
    variants = [
        w for w in model_words
        if w not in ALGORITHMS and w not in BACKBONES and w not in PROTOCOLS
    ]
    if variants:
        meta['Variant'] = '-'.join(variants)
    meta['Training Data'] = dataset
    if len(data) > 1 and data[1] != 'keypoint':
        meta['Split'] = data[1]
    if data[-1] in ('2d', '3d'):
        meta['Keypoint'] = data[-1].upper()
    meta['Modality'] = modality
    meta['Training Resources'] = f'{gpus} GPU' + ('s' if gpus != '1' else '')
    meta['Batch Size'] = int(gpus) * int(batch)
    if epochs is not None:
        meta['Epochs'] = int(epochs)
    return meta


def _parse_transfer_name(name: str, parts: List[str]) -> Dict:
    """``{model}_{source}-{split}-to-{target}-{split}-{modality}-keypoint
    [-{2d|3d}]``: an encoder pretrained on ``source``, evaluated on
    ``target``."""
    source, target = parts[1].split('-to-')
    target_words = target.split('-')
    if len(target_words) < 4 or 'keypoint' not in target_words:
        raise ValueError(f'{name}: expected {{source}}-{{split}}-to-'
                         '{target}-{split}-{modality}-keypoint[-3d]')
    model_words = parts[0].split('-')
    meta: Dict = {
        'Task':
        PROTOCOLS['transfer'],
        'Architecture': [BACKBONES[w] for w in model_words if w in BACKBONES],
        'Protocol':
        [w for w in model_words if w in PROTOCOLS and w != 'transfer'][0],
        'Pretraining Data':
        DATASETS.get(source.split('-')[0], source),
        'Training Data':
        DATASETS.get(target_words[0], target_words[0]),
        'Split':
        target_words[1],
    }
    if target_words[-1] in ('2d', '3d'):
        meta['Keypoint'] = target_words[-1].upper()
    meta['Modality'] = target_words[2]
    return meta


def folder_entries(configs_root: str, folder: str) -> List[Dict]:
    """One model-index entry per config file directly in ``folder``."""
    collection = FOLDERS[folder]
    entries = []
    for file in sorted(os.listdir(osp.join(configs_root, folder))):
        if not file.endswith('.py'):
            continue
        entries.append({
            'Name': file[:-3],
            'In Collection': collection,
            'Config': f'configs/{folder}/{file}',
            'Metadata': parse_config_name(file),
        })
    return entries


def build_metafile(configs_root: str,
                   folder: str,
                   previous: Optional[Dict] = None) -> Dict:
    """The ``metafile.yml`` content of one folder; ``Results`` of the
    ``previous`` content are kept for configs that still exist."""
    collection: Dict = {'Name': FOLDERS[folder]}
    if folder.startswith('usdrl'):
        collection['Paper'] = {'Title': PAPERS['USDRL']}
        collection['README'] = 'docs/model_zoo.md'
    else:
        collection['README'] = 'docs/tasks.md'
    content = {
        'Collections': [collection],
        'Models': folder_entries(configs_root, folder)
    }
    return merge_results(content, previous)


def merge_results(content: Dict, previous: Optional[Dict]) -> Dict:
    """Copy ``Results`` (and ``Weights``) by model name from ``previous``."""
    if not previous:
        return content
    kept = {m['Name']: m for m in previous.get('Models', []) if 'Name' in m}
    for model in content['Models']:
        old = kept.get(model['Name'], {})
        for key in ('Results', 'Weights'):
            if key in old:
                model[key] = old[key]
    return content


def model_index(repo_root: str) -> Dict[str, Dict]:
    """Every file of the index: ``{relative path: content}``, the root
    ``model-index.yml`` included, built from the configs on disk and the
    ``Results`` of the metafiles already there."""
    configs_root = osp.join(repo_root, 'configs')
    files: Dict[str, Dict] = {}
    for folder in FOLDERS:
        path = f'configs/{folder}/metafile.yml'
        previous = read_yaml(osp.join(repo_root, path))
        files[path] = build_metafile(configs_root, folder, previous)
    files['model-index.yml'] = {'Import': [p for p in files]}
    return files


def read_yaml(path: str) -> Optional[Dict]:
    """The YAML file's content, or None when it does not exist."""
    if not osp.exists(path):
        return None
    with open(path, encoding='utf-8') as f:
        return yaml.safe_load(f)


def dump_yaml(content: Dict) -> str:
    """YAML text in the index's layout (keys in the order given)."""
    return yaml.safe_dump(
        content, sort_keys=False, allow_unicode=True, width=79)
