_base_ = ['./dste-finetune_1xb128-joint-100e_ntu60-xsub-keypoint-3d.py']
model = dict(
    cls_head=dict(num_classes=120),
    backbone=dict(
        init_cfg=dict(
            checkpoint=(
                'work_dirs/mgfd_dste_2xb178-joint-451e_ntu120-xset-keypoint-3d/'
                'epoch_451.pth'))))
train_dataloader = dict(
    dataset=dict(
        ann_file='data/skeleton/ntu120_3d.pkl',
        split='xset_train',
        num_classes=120))
val_dataloader = dict(
    dataset=dict(
        ann_file='data/skeleton/ntu120_3d.pkl',
        split='xset_val',
        num_classes=120))
test_dataloader = val_dataloader
