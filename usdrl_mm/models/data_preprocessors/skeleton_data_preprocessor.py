from typing import Optional, Sequence, Union

import torch
from mmaction.registry import MODELS
from mmengine.model import BaseDataPreprocessor

from usdrl_mm.structures import (SpecLike, as_modalities, build_skeleton_spec,
                                 get_layout, stack_modalities)

#: The layout when neither ``layout`` nor ``skeleton`` is given.
DEFAULT_LAYOUT = 'nturgb+d'


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

    The skeleton is described either by a skeleton spec
    (``skeleton=dict(layout='coco', coord_dims=2, with_score=True)``,
    :class:`~usdrl_mm.structures.SkeletonSpec`), which gives the bone
    parents and the coordinate channels at once and makes every batch be
    checked against it, or by the older ``layout`` and ``coord_channels``.

    Args:
        modality (str | sequence[str]): ``'joint'``, ``'bone'`` or
            ``'motion'``, or several of them.
        layout (str, optional): Skeleton layout name for the bone parents.
            Defaults to the spec's, else ``'nturgb+d'``.
        coord_channels (int, optional): How many channels are coordinates;
            the rest are scores (2 for ``(x, y, score)`` 2D input), which
            bone and motion average instead of differencing, as MMAction2's
            ``JointToBone`` / ``ToMotion`` do. Defaults to the spec's
            ``coord_dims``; None without a spec: every channel is a
            coordinate.
        skeleton (SkeletonSpec | dict | str, optional): The skeleton spec.
            ``layout`` or ``coord_channels`` given beside it must agree
            with it. With a spec, joint batches whose persons, joints or
            channels differ from it are refused with the fix, before the
            modality is derived.
    """

    def __init__(self,
                 modality: Union[str, Sequence[str]] = 'joint',
                 layout: Optional[str] = None,
                 non_blocking: Optional[bool] = False,
                 coord_channels: Optional[int] = None,
                 skeleton: Optional[SpecLike] = None) -> None:
        super().__init__(non_blocking=non_blocking)
        self.modalities = as_modalities(modality)
        self.modality = modality
        spec = build_skeleton_spec(skeleton)
        if spec is None:
            self.layout = get_layout(layout or DEFAULT_LAYOUT)
        else:
            clashes = []
            if layout is not None and get_layout(layout).name != spec.layout:
                clashes.append(f'layout={get_layout(layout).name!r}')
            if coord_channels is not None and \
                    coord_channels != spec.coord_channels:
                clashes.append(f'coord_channels={coord_channels}')
            if clashes:
                raise ValueError(
                    f'{type(self).__name__}: {" and ".join(clashes)} '
                    f'disagree with the skeleton spec ({spec}); give the '
                    'skeleton once, as the spec (model.data_preprocessor.'
                    'skeleton) or as layout / coord_channels')
            self.layout = spec.topology
            coord_channels = spec.coord_channels
        self.skeleton = spec
        self.coord_channels = coord_channels

    def cast_data(self, data):
        """mmengine's device move, skipped when the model and the input
        clips are already on the CPU: ``BaseDataElement.to`` copies every
        data sample even then (about 8 us each, 0.5 ms for a batch of 64,
        measured with ``tools/analysis_tools/benchmark.py augment``)."""
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
        self.check_skeleton(inputs)
        return stack_modalities(inputs, self.modalities, self.layout.parents,
                                self.coord_channels)

    def check_skeleton(self, clips: torch.Tensor) -> None:
        """Refuse joint clips ``(..., M, T, V, C)`` that disagree with the
        skeleton spec in persons, joints or channels
        (:meth:`SkeletonSpec.problems` of a formatted clip); nothing to
        check without a spec."""
        spec = self.skeleton
        if spec is None:
            return
        errors, _ = spec.problems(tuple(clips.shape[-4:]), formatted=True)
        if errors:
            raise ValueError(
                f'{type(self).__name__}: the batch does not fit the skeleton '
                f'spec ({spec}): ' + '; '.join(errors))

    def forward(self, data: dict, training: bool = False) -> dict:
        data = self.cast_data(data)
        return dict(
            inputs=self.model_inputs(data['inputs']),
            data_samples=data.get('data_samples'))
