# The tiny synthetic USDRL pretraining on the 13 upper-body joints of NTU-25
# (layout 'ntu-upper-13', registered by projects/upper_body_layout). Only
# what the layout needs changes: the layout name, the joint count and the
# data, written by
#   python tools/data/select_joints.py data/synthetic/synthetic_3d.pkl \
#       data/synthetic/synthetic_upper13_3d.pkl --to-layout ntu-upper-13 \
#       --import projects.upper_body_layout
_base_ = [
    '../../../configs/usdrl/'
    'mgfd_dste-tiny_1xb64-joint-24e_synthetic-xsub-keypoint-3d.py'
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
    data_preprocessor=dict(layout=layout), backbone=dict(num_joints=13))

# The view pipeline is the base's: its augmentations pick 60 % of the
# joints, 8 of these 13 (15 of NTU's 25). 'ntu-upper-13' keeps the NTU
# indices of spine_mid (1) and of the shoulders (4, 8), so the base's
# PreNormalize3DPerFrame(center_joint=1, xaxis=(4, 8)) holds; a layout that
# moves them restates the train pipeline.
train_dataloader = dict(dataset=dict(ann_file=ann_file, layout=layout))
