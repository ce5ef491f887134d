from typing import Optional, Sequence, Union

import torch
from mmaction.registry import MODELS
from mmengine.model import BaseDataPreprocessor

from usdrl_mm.structures import MODALITIES, derive_modality, get_layout


@MODELS.register_module()
class SkeletonDataPreprocessor(BaseDataPreprocessor):
    """Batch skeleton clips on the device and derive the input modality.

    MMAction2's ``ActionDataPreprocessor`` only stacks and normalises; USDRL
    derives bone and motion from the joints *after* augmentation and
    resizing (SPEC §3), which is cheapest here, once per batch on the
    device, and identical for every view and clip.

    Input ``data['inputs']``: a list of per-sample tensors
    ``(K, M, T, V, C)`` (K views for pretraining, K clips for recognition)
    or an already stacked ``(N, K, M, T, V, C)`` tensor. Output: float32
    ``(N, K, M, T, V, C)`` of the chosen modality.

    Args:
        modality (str): ``'joint'``, ``'bone'`` or ``'motion'``.
        layout (str): Skeleton layout name for the bone parents.
    """

    def __init__(self,
                 modality: str = 'joint',
                 layout: str = 'nturgb+d',
                 non_blocking: Optional[bool] = False) -> None:
        super().__init__(non_blocking=non_blocking)
        if modality not in MODALITIES:
            raise ValueError(f'unknown modality {modality!r}; '
                             f'choose one of {MODALITIES}')
        self.modality = modality
        self.layout = get_layout(layout)

    def stack(
            self, inputs: Union[torch.Tensor,
                                Sequence[torch.Tensor]]) -> torch.Tensor:
        if isinstance(inputs, torch.Tensor):
            return inputs
        shapes = {tuple(x.shape) for x in inputs}
        if len(shapes) != 1:
            raise ValueError('cannot batch skeleton clips of different shapes '
                             f'{sorted(shapes)}; the pipeline must resize '
                             'every clip to clip_len and pad persons')
        return torch.stack(list(inputs))

    def forward(self, data: dict, training: bool = False) -> dict:
        data = self.cast_data(data)
        inputs = self.stack(data['inputs']).float()
        if inputs.dim() != 6:
            raise ValueError('expected batched skeletons (N, K, M, T, V, C), '
                             f'got {tuple(inputs.shape)}')
        inputs = derive_modality(inputs, self.modality, self.layout.parents)
        return dict(inputs=inputs, data_samples=data.get('data_samples'))
