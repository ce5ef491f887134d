# Linear probe of an MPCT encoder (J+M+B single model, docs/mpct.md) on the
# synthetic data: the tiny linear protocol with the early-fusion input. The
# probe sees the clip feature of the fused J|B|M input, the representation
# the single model was trained to produce.
_base_ = ['./dste-tiny-linear_1xb64-joint-20e_synthetic-xsub-keypoint-3d.py']

modalities = ('joint', 'bone', 'motion')
model = dict(
    data_preprocessor=dict(modality=modalities),
    backbone=dict(
        in_channels=3 * len(modalities),
        init_cfg=dict(checkpoint='work_dirs/mpct_ablation/mpct/epoch_24.pth')))
