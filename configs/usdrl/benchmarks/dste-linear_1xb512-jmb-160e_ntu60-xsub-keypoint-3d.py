# USDRL linear evaluation of the MPCT J+M+B single model on NTU-60 xsub
# (docs/mpct.md): the joint protocol with the fused J|B|M input. The
# TPAMI lr for this model is unknown (design.md §10.2); 0.006 is the DSTE one.
_base_ = ['./dste-linear_1xb512-joint-160e_ntu60-xsub-keypoint-3d.py']

modalities = ('joint', 'bone', 'motion')
model = dict(
    data_preprocessor=dict(modality=modalities),
    backbone=dict(
        in_channels=3 * len(modalities),
        init_cfg=dict(
            checkpoint=(
                'work_dirs/mpct_dste_2xb178-jmb-451e_ntu60-xsub-keypoint-3d/'
                'epoch_451.pth'))))
