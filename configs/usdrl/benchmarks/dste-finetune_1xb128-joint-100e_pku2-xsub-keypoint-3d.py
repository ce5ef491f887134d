_base_ = ['./dste-finetune_1xb128-joint-100e_ntu60-xsub-keypoint-3d.py']
model = dict(
    cls_head=dict(num_classes=51),
    backbone=dict(
        init_cfg=dict(
            checkpoint=(
                'work_dirs/mgfd_dste_2xb256-joint-1201e_pku2-xsub-keypoint-3d/'
                'epoch_1201.pth'))))
train_dataloader = dict(
    dataset=dict(
        ann_file='data/skeleton/pkummd2_3d.pkl',
        split='xsub_train',
        num_classes=51))
val_dataloader = dict(
    dataset=dict(
        ann_file='data/skeleton/pkummd2_3d.pkl',
        split='xsub_val',
        num_classes=51))
test_dataloader = val_dataloader
