# Transfer (design.md §15): encoder pretrained on NTU-120 cross-subject,
# fine-tuned on PKU-MMD II cross-subject. Only the checkpoint differs
# from the in-domain PKU-MMD II config.
_base_ = ['./dste-finetune_1xb128-joint-100e_pku2-xsub-keypoint-3d.py']
model = dict(
    backbone=dict(
        init_cfg=dict(
            checkpoint=(
                'work_dirs/mgfd_dste_2xb178-joint-451e_ntu120-xsub-keypoint-3d/'
                'epoch_451.pth'))))
