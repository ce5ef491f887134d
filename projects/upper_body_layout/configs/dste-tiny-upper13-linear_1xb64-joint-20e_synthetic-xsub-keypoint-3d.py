# Linear evaluation of the upper-body encoder
# (mgfd_dste-tiny-upper13_...synthetic...) on the 13-joint synthetic data:
# the demo linear probe with the layout, the joint count, the data.
_base_ = [
    '../../../configs/usdrl/benchmarks/'
    'dste-tiny-linear_1xb64-joint-20e_synthetic-xsub-keypoint-3d.py'
]
# Every config of this project lays the same override (imports, layout,
# joint count, data) over a different base. mmengine takes a key from one
# base only, so the override cannot be a second base; each config states it
# (docs/design.md §22).
custom_imports = dict(
    imports=['usdrl_mm', 'projects.upper_body_layout'],
    allow_failed_imports=False)

layout = 'ntu-upper-13'
ann_file = 'data/synthetic/synthetic_upper13_3d.pkl'
model = dict(
    data_preprocessor=dict(layout=layout),  # the bone parents
    backbone=dict(
        num_joints=13,
        init_cfg=dict(
            checkpoint=(
                'work_dirs/mgfd_dste-tiny-upper13_1xb64-joint-24e_synthetic-'
                'xsub-keypoint-3d/epoch_24.pth'))))

# The base's clip pipeline holds: its joint indices, spine_mid (1) and the
# shoulders (4, 8), are where 'ntu-upper-13' keeps them. A layout that
# moves these joints restates the pipeline of every dataset here.
train_dataloader = dict(dataset=dict(ann_file=ann_file, layout=layout))
val_dataloader = dict(dataset=dict(ann_file=ann_file, layout=layout))
test_dataloader = val_dataloader
