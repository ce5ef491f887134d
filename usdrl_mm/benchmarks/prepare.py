"""Write the configs of every run of a real-data benchmark.

One run is one protocol (``xsub``, ``xview``, ...) and one seed. For each,
:func:`prepare_benchmark` loads the recipe's config of every role
(:func:`usdrl_mm.benchmarks.recipe_configs`), retargets it to the converted
annotation files and the protocol's split
(:func:`usdrl_mm.benchmarks.retarget_config`), adds the recipe's options and
the seed, and writes it as a plain config file; the semi-supervised label
subset of the protocol's training split is drawn with the same seed.
``benchmark.json`` (the manifest) records what was written from what, for
``tools/analysis_tools/real_benchmark_report.py``.

Layout under ``out_dir``::

    benchmark.json
    {protocol}/seed{seed}/configs/{role}.py
    {protocol}/seed{seed}/semi_subset.json
"""
import json
import os
import os.path as osp
import pprint
from typing import Dict, List, Mapping, Optional, Sequence

from mmengine.config import Config

from usdrl_mm.datasets.label_subset import balanced_subset, write_subset
from usdrl_mm.fileio import load_pickle
from .recipes import DATASETS, recipe_configs, recipe_options
from .retarget import protocol_splits, retarget_config

MANIFEST = 'benchmark.json'
ENCODERS = ('pretrained', 'random-init')


def run_dir(protocol: str, seed: int) -> str:
    """Folder of one run, relative to the benchmark's ``out_dir``."""
    return osp.join(protocol, f'seed{seed}')


def check_same_benchmark(out_dir: str, dataset: str, recipe: str,
                         trimmed: str) -> None:
    """Refuse an ``out_dir`` that holds another benchmark: its finished
    steps would be taken for this one's."""
    path = osp.join(out_dir, MANIFEST)
    if not osp.isfile(path):
        return
    with open(path) as f:
        old = json.load(f)
    found = (old.get('dataset'), old.get('recipe'), old.get('data',
                                                            {}).get('trimmed'))
    if found != (dataset, recipe, trimmed):
        raise ValueError(
            f'{out_dir} holds the benchmark of {found[0]}, recipe '
            f'{found[1]}, on {found[2]}; write this one elsewhere (--out) '
            'or delete that folder')


def check_splits(data: Mapping, protocols: Sequence[str], path: str) -> None:
    """Fail unless ``data`` has a non-empty training and test split for every
    protocol (a split of a partial release can be empty and is then left
    out by the converters)."""
    splits = data.get('split', {}) if isinstance(data, Mapping) else {}
    for protocol in protocols:
        for part in ('train', 'val'):
            if not splits.get(f'{protocol}_{part}'):
                raise ValueError(
                    f'{path} has no samples in {protocol}_{part} (splits: '
                    f'{sorted(k for k, v in splits.items() if v)}); leave '
                    f'the {protocol} protocol out (--protocols)')


def label_subset(data: Mapping, split: str, ratio: float,
                 seed: int) -> List[str]:
    """Names of a class-balanced ``ratio`` of ``split`` (at least one sample
    per class), drawn with ``seed`` as ``tools/data/make_label_subset.py``
    draws it."""
    names = set(data['split'][split])
    annos = [a for a in data['annotations'] if a['frame_dir'] in names]
    keep = balanced_subset([a['label'] for a in annos], ratio, seed)
    return [annos[i]['frame_dir'] for i in keep]


def write_config(cfg: Config, path: str, header: Sequence[str]) -> None:
    """``cfg`` as a plain config file (one ``key = literal`` per top-level
    key, which reads back to the same config), ``header`` lines as comments
    first. ``Config.dump`` formats with yapf, a second per config here."""
    os.makedirs(osp.dirname(path), exist_ok=True)
    text = ''.join(f'# {line}\n' for line in header) + ''.join(
        f'{key} = {pprint.pformat(value, width=79, sort_dicts=False)}\n'
        for key, value in cfg.to_dict().items())
    with open(path, 'w') as f:
        f.write(text)


def prepare_benchmark(dataset: str,
                      recipe: str,
                      trimmed: str,
                      out_dir: str,
                      protocols: Optional[Sequence[str]] = None,
                      seeds: Sequence[int] = (0, ),
                      untrimmed: Optional[str] = None,
                      semi_ratio: float = 0.1,
                      raw_root: Optional[str] = None,
                      repo_root: str = '.') -> Dict:
    """Write every run's configs and label subset; returns the manifest
    (also written to ``out_dir/benchmark.json``).

    Args:
        dataset (str): A key of :data:`usdrl_mm.benchmarks.DATASETS`.
        recipe (str): ``'tiny'``, ``'smoke'`` or ``'paper'``.
        trimmed (str): Annotation pickle of the action clips (recognition
            and pretraining).
        out_dir (str): Where the runs go.
        protocols (sequence[str], optional): Default: the dataset's.
        seeds (sequence[int]): One run per seed and protocol.
        untrimmed (str, optional): Pickle of the untrimmed sequences; the
            dense role (detection, segmentation) runs only with it.
        semi_ratio (float): Labelled fraction of the semi-supervised role.
        raw_root (str, optional): The raw release, recorded for the report
            (which counts its files).
        repo_root (str): Folder the recipe's config paths are relative to.
    """
    if dataset not in DATASETS:
        raise ValueError(f'unknown dataset {dataset!r}; one of '
                         f'{sorted(DATASETS)}')
    info = DATASETS[dataset]
    protocols = list(protocols or info['protocols'])
    trimmed = osp.abspath(trimmed)
    check_same_benchmark(out_dir, dataset, recipe, trimmed)
    data = load_pickle(trimmed)
    check_splits(data, protocols, trimmed)
    if untrimmed is not None:
        untrimmed = osp.abspath(untrimmed)
    manifest = dict(
        dataset=dataset,
        dataset_name=info['name'],
        recipe=recipe,
        num_classes=info['num_classes'],
        protocols=protocols,
        seeds=[int(s) for s in seeds],
        encoders=list(ENCODERS),
        semi_ratio=semi_ratio,
        data=dict(trimmed=trimmed, untrimmed=untrimmed, raw_root=raw_root),
        runs={})
    for protocol in protocols:
        configs = recipe_configs(dataset, recipe, protocol)
        if untrimmed is None:
            configs.pop('dense', None)
        for seed in seeds:
            rel = run_dir(protocol, seed)
            folder = osp.join(out_dir, rel)
            subset = None
            if 'semi' in configs:
                subset = osp.abspath(osp.join(folder, 'semi_subset.json'))
                write_subset(
                    subset,
                    label_subset(data, f'{protocol}_train', semi_ratio, seed),
                    ann_file=osp.basename(trimmed),
                    split=f'{protocol}_train',
                    ratio=semi_ratio,
                    seed=seed)
            run = dict(dir=rel, configs={})
            for role, source in configs.items():
                cfg = Config.fromfile(osp.join(repo_root, source))
                changes = retarget_config(
                    cfg,
                    untrimmed if role == 'dense' else trimmed,
                    protocol_splits(protocol),
                    subset_file=subset if role == 'semi' else None,
                    num_classes=info['num_classes'])
                options = recipe_options(recipe, role)
                options['randomness.seed'] = int(seed)
                cfg.merge_from_dict(options)
                path = osp.join(rel, 'configs', f'{role}.py')
                header = [
                    'Written by tools/analysis_tools/'
                    'prepare_real_benchmarks.py:',
                    f'{source}, {protocol} protocol, seed {seed}, recipe '
                    f'{recipe}.', 'Retargeted:'
                ]
                header += [f'  {c}' for c in changes] + ['Options:']
                header += [f'  {k}={v}' for k, v in options.items()]
                write_config(cfg, osp.join(out_dir, path), header)
                run['configs'][role] = dict(
                    source=source, path=path, changes=changes, options=options)
            manifest['runs'].setdefault(protocol, {})[str(seed)] = run
    os.makedirs(out_dir, exist_ok=True)
    with open(osp.join(out_dir, MANIFEST), 'w') as f:
        json.dump(manifest, f, indent=1)
    return manifest
