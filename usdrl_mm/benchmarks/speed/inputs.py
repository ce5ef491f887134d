"""Batches for the speed measurements: the config's dataloaders, or random
inputs of the shape of one sample."""
import copy
from typing import Iterator, Mapping, Optional, Sequence

import torch
from mmaction.registry import DATASETS
from mmaction.structures import ActionDataSample
from mmengine.config import Config, ConfigDict
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from usdrl_mm.structures.action_labels import set_gt_label


def load_config(path: str, cfg_options: Optional[Mapping] = None) -> Config:
    """The config at ``path`` with ``--cfg-options`` merged, its default
    scope made current."""
    cfg = Config.fromfile(path)
    if cfg_options:
        cfg.merge_from_dict(dict(cfg_options))
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    return cfg


def loader_key(cfg: Config, mode: str) -> str:
    """The dataloader a mode reads: the test set for ``infer`` where the
    config has one, else the training set."""
    if mode == 'infer' and cfg.get('test_dataloader'):
        return 'test_dataloader'
    return 'train_dataloader'


def loader_config(cfg: Config,
                  key: str,
                  batch_size: int,
                  num_workers: Optional[int] = None) -> ConfigDict:
    """The config's dataloader ``key`` with ``batch_size`` samples in every
    batch (``drop_last``) and, when given, ``num_workers`` workers
    (persistent only with workers)."""
    loader_cfg = copy.deepcopy(cfg[key])
    loader_cfg.batch_size = batch_size
    loader_cfg.drop_last = True  # every timed step has batch_size samples
    if num_workers is not None:
        loader_cfg.num_workers = num_workers
    if loader_cfg.get('num_workers', 0) == 0:
        loader_cfg.persistent_workers = False  # torch refuses it otherwise
    return loader_cfg


def endless_batches(loader_cfg: ConfigDict, seed: int = 0) -> Iterator[dict]:
    """The batches of a dataloader config, epoch after epoch (close the
    generator to let its loader and workers go)."""
    loader = Runner.build_dataloader(loader_cfg, seed=seed)
    if len(loader) == 0:
        raise ValueError(f'the dataloader holds fewer than '
                         f'{loader_cfg.batch_size} samples')
    while True:
        yield from loader


def batches(cfg: Config, key: str, batch_size: int) -> Iterator[dict]:
    """Endless batches of the config's dataloader ``key``."""
    return endless_batches(loader_config(cfg, key, batch_size))


def one_sample(cfg: Config,
               key: str,
               input_shape: Optional[Sequence[int]] = None) -> dict:
    """A packed sample: the first of the dataset of ``key``, or a zero input
    of ``input_shape`` with label 0 when given."""
    if input_shape:
        sample = set_gt_label(ActionDataSample(), 0)
        # raw clips (M, T, V, C) are all valid
        sample.set_metainfo(dict(valid_len=input_shape[-3]))
        return dict(inputs=torch.zeros(input_shape), data_samples=sample)
    try:
        dataset = DATASETS.build(cfg[key].dataset)
    except FileNotFoundError as e:
        raise FileNotFoundError(
            f'{e}\nno data for {key}: pass the input shape '
            '(--input-shape)') from e
    return dataset[0]


def random_batch(sample: dict, batch_size: int) -> dict:
    """``batch_size`` standard normal inputs of the sample's shape, with
    copies of its data sample (labels, ``valid_len``)."""
    shape = sample['inputs'].shape
    return dict(
        inputs=[torch.randn(shape) for _ in range(batch_size)],
        data_samples=[
            copy.deepcopy(sample['data_samples']) for _ in range(batch_size)
        ])


def clips_per_sample(preprocessor: torch.nn.Module, batch: dict) -> int:
    """``K`` of the preprocessed ``(N, K, ...)`` inputs: the views of an
    MG-FD / MPCT sample, the clips of a recognizer's."""
    with torch.no_grad():
        return int(preprocessor(batch, False)['inputs'].shape[1])
