# kNN retrieval with the MPCT J+M+B single model on NTU-60 xsub
# (docs/mpct.md): features of the fused J|B|M input.
#   python tools/test.py CONFIG work_dirs/mpct_dste_2xb178-jmb-451e_ntu60-xsub-keypoint-3d/epoch_451.pth
_base_ = ['./dste-knn_1xb128-joint_ntu60-xsub-keypoint-3d.py']

modalities = ('joint', 'bone', 'motion')
model = dict(
    data_preprocessor=dict(modality=modalities),
    backbone=dict(in_channels=3 * len(modalities)))
