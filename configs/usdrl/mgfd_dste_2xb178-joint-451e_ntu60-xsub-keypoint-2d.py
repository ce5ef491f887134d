# USDRL pretraining on NTU-60 2D poses, cross-subject (TPAMI; design.md §11.4):
# MMAction2's ntu60_2d.pkl (= pyskl ntu60_hrnet.pkl), HRNet COCO-17
# keypoints in pixels with scores, up to 2 persons. Same recipe as the 3D
# config; only the data and the skeleton geometry differ:
# - input channels (x, y, score): PreNormalize2D maps x by the image width
#   and y by the height to [-1, 1], and FormatGCNInput appends
#   keypoint_score as the third channel (in_channels stays 3; 2 x 17 = 34
#   spatial tokens, 102 features per temporal token).
# - FoundSkelModel divides x by the height and y by the width (design.md §17 D14)
#   and applies its augmentations to all three channels; here the shear and
#   the random linear map act on (x, y) only and masking zeroes a joint's
#   score with it. Original 2D checkpoints therefore saw other inputs.
# - joint corruption picks 15 of the 17 joints, as FoundSkelModel does (not
#   the 60 % of the NTU base, which would be 10): the views of
#   _base_/datasets/mgfd_4view_17joints.py.
# - the skeleton spec says it once: COCO-17, 2 persons, (x, y) plus score.
#   The dataset checks every sample against it (2 coordinates and a
#   keypoint_score), the data preprocessor takes the bone parents and the
#   coordinate channels from it.
# FoundSkelModel's own example ran this with lr 1e-4 and batch 384 on 4 GPUs
# (design.md §10.1); the 3D recipe (lr 5e-4, batch 356) is kept here.
_base_ = [
    './mgfd_dste_2xb178-joint-451e_ntu60-xsub-keypoint-3d.py',
    '../_base_/datasets/mgfd_4view_17joints.py'
]

ann_file = 'data/skeleton/ntu60_2d.pkl'
skeleton = dict(layout='coco', num_person=2, coord_dims=2, with_score=True)
# (x, y, score): bone and motion average the score, as JointToBone does
model = dict(
    data_preprocessor=dict(skeleton=skeleton), backbone=dict(num_joints=17))
view_pipeline = {{_base_.view_pipeline_17joints}}
train_pipeline = [
    dict(type='PreNormalize2D'),
    dict(type='SkeletonMultiView', num_views=4, transforms=view_pipeline),
    dict(type='PackActionInputs'),
]
train_dataloader = dict(
    dataset=dict(
        ann_file=ann_file, skeleton=skeleton, pipeline=train_pipeline))
