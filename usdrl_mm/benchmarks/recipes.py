"""Which configs the real-data benchmark runs, per dataset and recipe.

A recipe maps every role of the benchmark (MG-FD pretraining, then the
downstream protocols) to a config, or to one config per protocol where the
published recipe differs between protocols (NTU-60 cross-view trains its
linear probe at another learning rate). A role without a config for a
protocol uses the cross-subject one, retargeted by
:func:`usdrl_mm.benchmarks.retarget_config`.

- ``tiny``: the demo encoder (DSTE, hidden width 64) with schedules for 2
  CPU cores; the detection head trains on the frozen encoder. NTU RGB+D
  uses the PKU-MMD I configs (the same Kinect v2 joints), retargeted.
- ``smoke``: ``tiny`` for one epoch without worker
  processes (:data:`SMOKE_OPTIONS`), to check that every step runs.
- ``paper``: the published recipe, for GPUs. No PKU-MMD I pretraining was
  published (the papers fine-tune an NTU-60 encoder on it), so PKU-MMD I
  pretraining uses the NTU-60 MG-FD recipe on the PKU-MMD I training clips;
  detection fine-tunes the encoder as published.
"""
from typing import Dict, Mapping, Tuple, Union

#: the roles, in the order the benchmark runs them
ROLES = ('pretrain', 'linear', 'finetune', 'semi', 'knn', 'early', 'dense')

#: name, number of classes and protocols of every dataset
DATASETS: Dict[str, Dict] = {
    'pku1':
    dict(name='PKU-MMD I', num_classes=51, protocols=('xsub', 'xview')),
    'ntu60':
    dict(name='NTU RGB+D 60', num_classes=60, protocols=('xsub', 'xview')),
    'ntu120':
    dict(name='NTU RGB+D 120', num_classes=120, protocols=('xsub', 'xset')),
}

_U = 'configs/usdrl'
_B = f'{_U}/benchmarks'
_D = f'{_U}/dense'
_PKU1 = 'pku1-xsub-keypoint-3d.py'
_PKU1_TINY = dict(
    pretrain=f'{_U}/mgfd_dste-tiny_1xb64-joint-12e_{_PKU1}',
    linear=f'{_B}/dste-tiny-linear_1xb64-joint-20e_{_PKU1}',
    finetune=f'{_B}/dste-tiny-finetune_1xb32-joint-10e_{_PKU1}',
    semi=f'{_B}/dste-tiny-semi10pct_1xb16-joint-10e_{_PKU1}',
    knn=f'{_B}/dste-tiny-knn_1xb128-joint_{_PKU1}',
    early=f'{_B}/dste-tiny-early-linear_1xb64-joint-20e_{_PKU1}',
    dense=f'{_D}/dste-tiny-detection-linear_1xb64-joint-5e_{_PKU1}')
_PKU1_PAPER = dict(
    pretrain=f'{_U}/mgfd_dste_2xb178-joint-451e_{_PKU1}',
    linear=f'{_B}/dste-linear_1xb512-joint-160e_{_PKU1}',
    finetune=f'{_B}/dste-finetune_1xb128-joint-100e_{_PKU1}',
    semi=f'{_B}/dste-semi10pct_1xb128-joint-100e_{_PKU1}',
    knn=f'{_B}/dste-knn_1xb128-joint_{_PKU1}',
    early=f'{_B}/dste-early-linear_1xb512-joint-160e_{_PKU1}',
    dense=f'{_D}/dste-segmentation_1xb512-joint-150e_{_PKU1}')


def _each(template: str, protocols: Tuple[str, ...]) -> Dict[str, str]:
    """One config per protocol: ``template`` with ``{p}`` filled in."""
    return {p: template.format(p=p) for p in protocols}


_NTU60 = ('xsub', 'xview')
_NTU60_PAPER = dict(
    pretrain=_each(
        f'{_U}/mgfd_dste_2xb178-joint-451e_ntu60-{{p}}-keypoint-3d.py',
        _NTU60),
    linear=_each(
        f'{_B}/dste-linear_1xb512-joint-160e_ntu60-{{p}}-keypoint-3d.py',
        _NTU60),
    finetune=_each(
        f'{_B}/dste-finetune_1xb128-joint-100e_ntu60-{{p}}-keypoint-3d.py',
        _NTU60),
    semi=_each(
        f'{_B}/dste-semi10pct_1xb128-joint-100e_ntu60-{{p}}-keypoint-3d.py',
        _NTU60),
    knn=_each(f'{_B}/dste-knn_1xb128-joint_ntu60-{{p}}-keypoint-3d.py',
              _NTU60),
    early=f'{_B}/dste-early-linear_1xb512-joint-160e_ntu60-xsub-keypoint-3d.py'
)
_NTU120 = ('xsub', 'xset')
_NTU120_PAPER = dict(
    pretrain=_each(
        f'{_U}/mgfd_dste_2xb178-joint-451e_ntu120-{{p}}-keypoint-3d.py',
        _NTU120),
    linear=_each(
        f'{_B}/dste-linear_1xb512-joint-160e_ntu120-{{p}}-keypoint-3d.py',
        _NTU120),
    finetune=_each(
        f'{_B}/dste-finetune_1xb128-joint-100e_ntu120-{{p}}-keypoint-3d.py',
        _NTU120),
    knn=_each(f'{_B}/dste-knn_1xb128-joint_ntu120-{{p}}-keypoint-3d.py',
              _NTU120),
    # no NTU-120 semi-supervised or early-prediction config was published:
    # the NTU-60 ones, retargeted to 120 classes
    semi=_NTU60_PAPER['semi']['xsub'],
    early=_NTU60_PAPER['early'])
_NTU_TINY = {k: v for k, v in _PKU1_TINY.items() if k != 'dense'}

Entry = Union[str, Mapping[str, str]]
RECIPES: Dict[str, Dict[str, Dict[str, Entry]]] = {
    'pku1': dict(tiny=_PKU1_TINY, paper=_PKU1_PAPER),
    'ntu60': dict(tiny=_NTU_TINY, paper=_NTU60_PAPER),
    'ntu120': dict(tiny=_NTU_TINY, paper=_NTU120_PAPER),
}

_LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')
_NO_WORKERS = {
    f'{loader}.{key}': value
    for loader in _LOADERS
    for key, value in (('num_workers', 0), ('persistent_workers', False))
}
# no validation during the epoch: eval_encoders.py tests after training
_ONE_EPOCH = {
    'train_cfg.max_epochs': 1,
    'train_cfg.val_begin': 2,
    'train_cfg.val_interval': 1
}
#: ``--cfg-options`` of the smoke recipe, per role: one epoch of the tiny
#: recipe's batches, no worker processes
SMOKE_OPTIONS: Dict[str, Dict] = dict(
    pretrain={
        'train_cfg.max_epochs': 1,
        'default_hooks.checkpoint.interval': 1,
        **{
            k: v
            for k, v in _NO_WORKERS.items() if k.startswith('train_')
        }
    },
    knn={
        k: v
        for k, v in _NO_WORKERS.items() if k.startswith('test_')
    },
    **{
        role: {
            **_ONE_EPOCH,
            **_NO_WORKERS
        }
        for role in ('linear', 'finetune', 'semi', 'early', 'dense')
    })
RECIPE_NAMES = ('tiny', 'smoke', 'paper')


def recipe_configs(dataset: str, recipe: str, protocol: str) -> Dict[str, str]:
    """``{role: config path}`` (relative to the repository) of ``recipe`` for
    ``protocol`` of ``dataset``; roles the dataset has no data for (dense
    prediction needs untrimmed sequences) are left out."""
    if dataset not in RECIPES:
        raise ValueError(f'unknown dataset {dataset!r}; one of '
                         f'{sorted(RECIPES)}')
    if recipe not in RECIPE_NAMES:
        raise ValueError(f'unknown recipe {recipe!r}; one of {RECIPE_NAMES}')
    protocols = DATASETS[dataset]['protocols']
    if protocol not in protocols:
        raise ValueError(f'{dataset} has the protocols {protocols}, not '
                         f'{protocol!r}')
    table = RECIPES[dataset]['tiny' if recipe == 'smoke' else recipe]
    configs = {}
    for role in ROLES:
        entry = table.get(role)
        if isinstance(entry, Mapping):
            entry = entry.get(protocol, entry.get('xsub'))
        if entry:
            configs[role] = entry
    return configs


def recipe_options(recipe: str, role: str) -> Dict:
    """The ``--cfg-options`` (a flat ``{key: value}`` dict) that ``recipe``
    adds to the config of ``role``."""
    return dict(SMOKE_OPTIONS[role]) if recipe == 'smoke' else {}
