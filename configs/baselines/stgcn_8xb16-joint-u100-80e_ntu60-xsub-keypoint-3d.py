# MMAction2's own ST-GCN recipe, unchanged, on the same annotation file as the
# USDRL configs; the dataset is CheckedPoseDataset so bad annotations fail as
# they do for USDRL. Same tools/train.py, tools/test.py and AccMetric.
_base_ = 'mmaction::skeleton/stgcn/stgcn_8xb16-joint-u100-80e_ntu60-xsub-keypoint-3d.py'  # noqa: E501
custom_imports = dict(imports=['usdrl_mm'], allow_failed_imports=False)

# the same overrides as slowonly_r50_8xb16-...py: each inherits its own
# MMAction2 recipe, whose keys a shared base could not replace (a key in two
# bases)
train_dataloader = dict(
    dataset=dict(dataset=dict(type='CheckedPoseDataset', num_classes=60)))
val_dataloader = dict(dataset=dict(type='CheckedPoseDataset', num_classes=60))
test_dataloader = dict(dataset=dict(type='CheckedPoseDataset', num_classes=60))
# the project's crash-safe checkpointing and exact resume (the recipe's
# interval and other settings stay MMAction2's)
default_hooks = dict(
    checkpoint=dict(type='AtomicCheckpointHook'),
    random_state=dict(type='RandomStateHook'))
