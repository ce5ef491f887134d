# MMAction2's own PoseC3D (SlowOnly-R50 on keypoint heatmaps) recipe,
# unchanged, on the HRNet 2D annotation file, loaded by CheckedPoseDataset.
_base_ = 'mmaction::skeleton/posec3d/slowonly_r50_8xb16-u48-240e_ntu60-xsub-keypoint.py'  # noqa: E501
custom_imports = dict(imports=['usdrl_mm'], allow_failed_imports=False)

# the same overrides as stgcn_8xb16-...-3d.py: each inherits its own MMAction2
# recipe, whose keys a shared base could not replace (a key in two bases)
train_dataloader = dict(
    dataset=dict(dataset=dict(type='CheckedPoseDataset', num_classes=60)))
val_dataloader = dict(dataset=dict(type='CheckedPoseDataset', num_classes=60))
test_dataloader = dict(dataset=dict(type='CheckedPoseDataset', num_classes=60))
# the project's crash-safe checkpointing and exact resume (the recipe's
# interval and other settings stay MMAction2's)
default_hooks = dict(
    checkpoint=dict(type='AtomicCheckpointHook'),
    random_state=dict(type='RandomStateHook'))
