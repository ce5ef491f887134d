"""Input widths of projectors and heads read off the built backbone.

A projector or head config that leaves ``in_channels`` out (or sets it to
None) gets it from the backbone that feeds it, so a config that changes the
encoder width (``hidden_dim``) does not restate ``hidden_dim`` or
``2 * hidden_dim`` further down. Which backbone attribute a module takes is
declared by the module class as ``in_channels_from`` (``'out_channels'``
when it declares nothing): ``MGFDProjector`` takes ``out_channels`` (one
stream's token width D), ``USDRLClsHead`` ``pooled_channels`` (2D) and
``DenseFrameHead`` ``dense_channels`` (2D).
"""
import inspect
from typing import Any, Mapping, Optional

from mmaction.registry import MODELS
from torch import nn

#: The backbone attribute read when a module class declares none.
DEFAULT_WIDTH = 'out_channels'


def _module_class(cfg: Mapping) -> Optional[type]:
    """The class a ``dict(type=...)`` config builds, or None if unknown."""
    kind = cfg.get('type')
    if inspect.isclass(kind):
        return kind
    return MODELS.get(kind) if isinstance(kind, str) else None


def _takes_in_channels(cls: type) -> bool:
    try:
        params = inspect.signature(cls.__init__).parameters
    except (TypeError, ValueError):  # builtins without a signature
        return False
    return 'in_channels' in params


def with_derived_in_channels(cfg: Optional[Mapping[str, Any]],
                             backbone: nn.Module,
                             role: str = 'module') -> Optional[dict]:
    """A copy of the module config ``cfg`` whose missing ``in_channels``
    is the width the backbone hands it.

    Args:
        cfg (dict, optional): The projector or head config; None passes
            through.
        backbone (nn.Module): The built backbone.
        role (str): How to call the module in messages
            (``'projector'``, ``'cls_head'``).

    Returns:
        dict | None: ``cfg`` unchanged when it gives ``in_channels``, when
        its class takes no such argument (e.g. ``USDRLFeatureHead``) or is
        not registered; else a copy with
        ``in_channels = getattr(backbone, cls.in_channels_from)``.

    Raises:
        ValueError: The class needs ``in_channels``, the config leaves it
            out and the backbone has no such width.
    """
    if cfg is None or cfg.get('in_channels') is not None:
        return cfg
    cls = _module_class(cfg)
    if cls is None or not _takes_in_channels(cls):
        return cfg
    attr = getattr(cls, 'in_channels_from', DEFAULT_WIDTH)
    width = getattr(backbone, attr, None)
    if width is None:
        raise ValueError(
            f'{role} ({cls.__name__}) has no in_channels and the backbone '
            f'({type(backbone).__name__}) has no {attr} to take it from; '
            f'set model.{role}.in_channels')
    out = dict(cfg)
    out['in_channels'] = int(width)
    return out
