from typing import Optional, Sequence, Union

import torch
from mmaction.registry import MODELS
from mmengine.model import BaseDataPreprocessor

from usdrl_mm.structures import as_modalities, get_layout, stack_modalities


@MODELS.register_module()
class SkeletonDataPreprocessor(BaseDataPreprocessor):
    """Batch skeleton clips on the device and derive the input modality.

    MMAction2's ``ActionDataPreprocessor`` only stacks and normalises; USDRL
    derives bone and motion from the joints *after* augmentation and
    resizing (design.md §3), which is cheapest here, once per batch on the
    device, and identical for every view and clip.

    Input ``data['inputs']``: a list of per-sample tensors
    ``(K, M, T, V, C)`` (K views for pretraining, K clips for recognition)
    or an already stacked ``(N, K, M, T, V, C)`` tensor. Output: float32
    ``(N, K, M, T, V, C)`` of the chosen modality, or ``(N, K, M, T, V,
    G*C)`` with the G streams of a modality list concatenated along the
    coordinate axis in the given order (the J+M+B input of MPCT).

    Args:
        modality (str | sequence[str]): ``'joint'``, ``'bone'`` or
            ``'motion'``, or several of them.
        layout (str): Skeleton layout name for the bone parents.
        coord_channels (int, optional): How many channels are coordinates;
            the rest are scores (2 for ``(x, y, score)`` 2D input), which
            bone and motion average instead of differencing, as MMAction2's
            ``JointToBone`` / ``ToMotion`` do. None: every channel is a
            coordinate.
    """

    def __init__(self,
                 modality: Union[str, Sequence[str]] = 'joint',
                 layout: str = 'nturgb+d',
                 non_blocking: Optional[bool] = False,
                 coord_channels: Optional[int] = None) -> None:
        super().__init__(non_blocking=non_blocking)
        self.modalities = as_modalities(modality)
        self.modality = modality
        self.layout = get_layout(layout)
        self.coord_channels = coord_channels

    def cast_data(self, data):
        """mmengine's device move, skipped when the model and the input
        clips are already on the CPU: ``BaseDataElement.to`` copies every
        data sample even then (about 8 us each, 0.5 ms for a batch of 64,
        measured with ``tools/analysis_tools/benchmark_augment.py``)."""
        if self._device.type == 'cpu' and isinstance(data, dict):
            inputs = data.get('inputs')
            clips = [inputs] if isinstance(inputs, torch.Tensor) else inputs
            if isinstance(clips, (list, tuple)) and all(
                    isinstance(x, torch.Tensor) and x.device.type == 'cpu'
                    for x in clips):
                return data
        return super().cast_data(data)

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

    def model_inputs(
            self, inputs: Union[torch.Tensor,
                                Sequence[torch.Tensor]]) -> torch.Tensor:
        """Clips already on the device -> the float32 ``(N, K, M, T, V, C)``
        (or ``G*C``) modality input of the model."""
        inputs = self.stack(inputs).float()
        if inputs.dim() != 6:
            raise ValueError('expected batched skeletons (N, K, M, T, V, C), '
                             f'got {tuple(inputs.shape)}')
        return stack_modalities(inputs, self.modalities, self.layout.parents,
                                self.coord_channels)

    def forward(self, data: dict, training: bool = False) -> dict:
        data = self.cast_data(data)
        return dict(
            inputs=self.model_inputs(data['inputs']),
            data_samples=data.get('data_samples'))
