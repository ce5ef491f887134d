"""The label and score fields of MMAction2's ``ActionDataSample``, read and
written the same way on MMAction2 1.1 and 1.2.

MMAction2 1.2.0 renamed them. 1.1.0 keeps ``gt_labels``, ``pred_scores``
and ``pred_labels`` as ``LabelData`` holding the tensor in ``.item``
(written by ``set_gt_labels``); 1.2.0 keeps ``gt_label``, ``pred_score`` and
``pred_label`` as plain tensors (``set_gt_label``). A sample's ``to_dict()``,
which is what metrics receive and what ``tools/test.py --dump`` writes,
differs the same way: ``{'gt_labels': {'item': tensor}}`` against
``{'gt_label': tensor}``. Code of this package reads and writes these
fields only through the functions below.
"""
from typing import Mapping, Tuple, TypeVar, Union

import torch
from mmengine.structures import BaseDataElement
from torch import Tensor

Sample = Union[BaseDataElement, Mapping]
S = TypeVar('S', bound=BaseDataElement)

#: (MMAction2 >= 1.2 name, MMAction2 1.1 name) of each field.
GT_LABEL: Tuple[str, str] = ('gt_label', 'gt_labels')
PRED_SCORE: Tuple[str, str] = ('pred_score', 'pred_scores')


def _read(sample: Sample, names: Tuple[str, str]) -> Tensor:
    """The tensor of field ``names`` (either spelling) of a data sample or
    of its ``to_dict()``; a ``LabelData`` (or its dict) gives its ``item``.
    """
    if not isinstance(sample, (BaseDataElement, Mapping)):
        raise TypeError('expected a data sample or its to_dict(), got '
                        f'{type(sample).__name__}')
    for name in names:
        if name not in sample:
            continue
        value = sample[name] if isinstance(sample, Mapping) \
            else getattr(sample, name)
        if isinstance(value, BaseDataElement):  # 1.1: LabelData(item=...)
            value = value.item
        elif isinstance(value, Mapping):  # 1.1, after to_dict()
            value = value['item']
        return value
    raise KeyError(f'the data sample has neither {names[0]} (MMAction2 >= '
                   f'1.2) nor {names[1]} (MMAction2 1.1); keys: '
                   f'{sorted(sample.keys())}')


def gt_label_of(sample: Sample) -> Tensor:
    """The ground-truth label tensor, ``(1,)`` for one class, of an
    ``ActionDataSample`` or of its ``to_dict()``, from either MMAction2."""
    return _read(sample, GT_LABEL)


def pred_score_of(sample: Sample) -> Tensor:
    """The ``(num_classes,)`` predicted scores of an ``ActionDataSample`` or
    of its ``to_dict()``, from either MMAction2."""
    return _read(sample, PRED_SCORE)


def set_gt_label(sample: S, label: Union[int, Tensor]) -> S:
    """Set the ground-truth label as the installed MMAction2 does
    (``set_gt_label`` from 1.2 on, ``set_gt_labels`` in 1.1); returns the
    sample."""
    if not isinstance(label, Tensor):
        label = torch.tensor([label])
    setter = getattr(sample, 'set_gt_label', None) or sample.set_gt_labels
    return setter(label)
