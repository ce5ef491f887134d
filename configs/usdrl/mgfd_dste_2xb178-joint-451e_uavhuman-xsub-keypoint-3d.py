# USDRL pretraining on UAV-Human, cross-subject (TPAMI; design.md §11.4): 17
# joints in COCO order (layout 'uav-human'), 2 persons, 155 classes. The
# annotations come from FoundSkelModel's data_gen/uav_gendata.py arrays
# (x, y, z of the raw files, pre-normalised) through
#   python tools/data/convert_skeleton_npy.py \
#       --split xsub_train train_data.npy train_label.pkl \
#           train_num_of_frames.npy \
#       --split xsub_val test_data.npy test_label.pkl test_num_of_frames.npy \
#       --layout uav-human --out data/skeleton/uavhuman_v1.pkl
# (CSv1; build uavhuman_v2.pkl from the CSv2 folders the same way).
# PreNormalize3DPerFrame repeats uav_gendata's normalisation (centre joint 1,
# left hip -> left shoulder along +z, no x alignment); it leaves those
# arrays unchanged and normalises raw ones the same way. Joint corruption
# picks 15 of the 17 joints as FoundSkelModel does (not the 60 % of the NTU
# base, 10 here): the views of _base_/datasets/mgfd_4view_17joints.py. The
# skeleton spec (17 joints, 2 persons, x y z) is checked against every
# sample and gives the data preprocessor its bone parents.
_base_ = [
    './mgfd_dste_2xb178-joint-451e_ntu60-xsub-keypoint-3d.py',
    '../_base_/datasets/mgfd_4view_17joints.py'
]

ann_file = 'data/skeleton/uavhuman_v1.pkl'
skeleton = dict(layout='uav-human', num_person=2, coord_dims=3)
model = dict(
    data_preprocessor=dict(skeleton=skeleton), backbone=dict(num_joints=17))
view_pipeline = {{_base_.view_pipeline_17joints}}
train_pipeline = [
    dict(
        type='PreNormalize3DPerFrame',
        center_joint=1,
        zaxis=(11, 5),
        xaxis=None),
    dict(type='SkeletonMultiView', num_views=4, transforms=view_pipeline),
    dict(type='PackActionInputs'),
]
train_dataloader = dict(
    dataset=dict(
        ann_file=ann_file, skeleton=skeleton, pipeline=train_pipeline))
