# the bone stream; its linear lr is not published, the joint one is kept
_base_ = ['./dste-linear_1xb512-joint-160e_ntu120-xsub-keypoint-3d.py']
model = dict(
    data_preprocessor=dict(modality='bone'),
    backbone=dict(
        init_cfg=dict(
            checkpoint=(
                'work_dirs/mgfd_dste_2xb178-bone-451e_ntu120-xsub-keypoint-3d/'
                'epoch_451.pth'))))
