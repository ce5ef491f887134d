_base_ = ['./dste-linear_1xb512-joint-160e_ntu60-xsub-keypoint-3d.py']
model = dict(
    cls_head=dict(num_classes=120),
    backbone=dict(
        init_cfg=dict(
            checkpoint=(
                'work_dirs/mgfd_dste_2xb178-joint-451e_ntu120-xsub-keypoint-3d/'
                'epoch_451.pth'))))
train_dataloader = dict(
    dataset=dict(
        ann_file='data/skeleton/ntu120_3d.pkl',
        split='xsub_train',
        num_classes=120))
val_dataloader = dict(
    dataset=dict(
        ann_file='data/skeleton/ntu120_3d.pkl',
        split='xsub_val',
        num_classes=120))
test_dataloader = val_dataloader
