# the motion stream; its linear lr is not published, the joint one is kept
_base_ = ['./dste-linear_1xb512-joint-160e_pku2-xsub-keypoint-3d.py']
model = dict(
    data_preprocessor=dict(modality='motion'),
    backbone=dict(
        init_cfg=dict(
            checkpoint=(
                'work_dirs/mgfd_dste_2xb256-motion-1201e_pku2-xsub-keypoint-3d/'
                'epoch_1201.pth'))))
