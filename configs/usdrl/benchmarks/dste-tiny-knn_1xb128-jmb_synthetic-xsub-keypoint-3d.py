# kNN retrieval with an MPCT encoder (J+M+B single model, docs/mpct.md) on
# the synthetic data: features of the fused J|B|M input.
#   python tools/test.py CONFIG work_dirs/mpct_ablation/mpct/epoch_24.pth
_base_ = ['./dste-tiny-knn_1xb128-joint_synthetic-xsub-keypoint-3d.py']

modalities = ('joint', 'bone', 'motion')
model = dict(
    data_preprocessor=dict(modality=modalities),
    backbone=dict(in_channels=3 * len(modalities)))
