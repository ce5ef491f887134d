"""The USDRL pretraining views for a whole batch, in torch (design.md §8.1).

The batched counterparts of the per-sample transforms in
``usdrl_mm.datasets.transforms`` (the reference): each augmentation is a
parameter draw for B clips at once, on the data's device and from an
optional ``torch.Generator``, and a deterministic application with per-clip
parameters. The formulas are those of the per-sample numpy functions, so
the same parameters give the same numbers (tested against them). Any torch
device runs them; ``BatchMultiViewPreprocessor`` composes them beside the
model.

- :mod:`.crop_resize`: temporal crop windows and their linear resize, read
  from clips of different lengths in place;
- :mod:`.joint_maps`: the shear, the random linear map and the joint mask,
  all one batched product ``x' = x A_b`` kept on the clip's selected joints.

Tensors are ``(B, ..., T, V, C)``: clips first, then any axes (persons),
frames, joints, coordinates.
"""
from .crop_resize import (CropParams, crop_clip_views, crop_windows, draw_crop,
                          linear_resize_plans)
from .joint_maps import (LinearMapParams, draw_joint_subsets, draw_linear_map,
                         draw_shear, joints_to_mask, map_joints,
                         shear_matrices)

__all__ = [
    'CropParams', 'LinearMapParams', 'crop_clip_views', 'crop_windows',
    'draw_crop', 'draw_joint_subsets', 'draw_linear_map', 'draw_shear',
    'joints_to_mask', 'linear_resize_plans', 'map_joints', 'shear_matrices'
]
