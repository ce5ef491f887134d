"""Reading configs for inference and the tools: loading with overrides,
the test dataset, the evaluators and the settings of the dense metrics.

One implementation for :mod:`usdrl_mm.apis.inference` and the tools under
``tools/`` (the demo, t-SNE, early prediction, ...), so that they agree on
which dataset and which proposal rule a config means.
"""
import copy
import os.path as osp
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Union

from mmengine.config import Config

from usdrl_mm.evaluation.functional.proposals import DEFAULT_PROPOSAL

ConfigLike = Union[str, Path, Config]

TEST_LOADERS = ('test', 'val')


def load_config(config: ConfigLike,
                cfg_options: Optional[Dict] = None) -> Config:
    """A config from a file or a copy of a :class:`Config`, with
    ``--cfg-options``-style overrides merged in.

    Args:
        config (str | Path | Config): Config file or object (not modified).
        cfg_options (dict, optional): Overrides such as
            ``{'model.backbone.hidden_dim': 16}``.

    Returns:
        Config: A new config.

    Raises:
        FileNotFoundError: When the file does not exist.
        TypeError: When ``config`` is neither a path nor a config.
    """
    if isinstance(config, (str, Path)):
        if not osp.isfile(str(config)):
            raise FileNotFoundError(f'config {config} not found')
        cfg = Config.fromfile(str(config))
    elif isinstance(config, Config):
        cfg = copy.deepcopy(config)
    else:
        raise TypeError('config must be a file name or a Config, got '
                        f'{type(config).__name__}')
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    return cfg


def dataset_cfg(cfg: Config, loaders: Sequence[str] = TEST_LOADERS) -> Dict:
    """The dataset of the first of ``loaders`` (``'test'`` for
    ``test_dataloader``, ...) that the config has, else ``{}``.

    The default, the test dataset and else the validation dataset, is the
    one whose pipeline inference runs.
    """
    for name in loaders:
        loader = cfg.get(f'{name}_dataloader')
        if loader and 'dataset' in loader:
            return loader.dataset
    return {}


def evaluator_cfgs(cfg: Config, key: str = 'test_evaluator') -> List[Dict]:
    """The metrics of ``cfg[key]`` as a list (a config may give one metric
    as a dict)."""
    evaluators = cfg.get(key) or []
    if isinstance(evaluators, dict):
        evaluators = [evaluators]
    return list(evaluators)


def find_evaluator(cfg: Config,
                   metric_type: str,
                   key: str = 'test_evaluator') -> Optional[Dict]:
    """The first metric of type ``metric_type`` of ``cfg[key]``, or
    ``None``."""
    for metric in evaluator_cfgs(cfg, key):
        if metric.get('type') == metric_type:
            return metric
    return None


def proposal_rule(cfg: Config) -> Dict:
    """The proposal rule of the config's test ``PKUDetectionMetric``, else
    :data:`~usdrl_mm.evaluation.functional.DEFAULT_PROPOSAL` (the metric's
    own default), as a new dict."""
    metric = find_evaluator(cfg, 'PKUDetectionMetric')
    if metric is None:
        return dict(DEFAULT_PROPOSAL)
    return dict(metric.get('proposal', DEFAULT_PROPOSAL))


def segmentation_smooth(cfg: Config) -> int:
    """The frames the config's test ``SegmentationMetric`` mean-filters the
    scores over (1, no smoothing, without one)."""
    metric = find_evaluator(cfg, 'SegmentationMetric')
    return int(metric.get('smooth', 1)) if metric is not None else 1
