_base_ = ['./dste-finetune_1xb128-joint-100e_ntu60-xsub-keypoint-3d.py']
model = dict(
    backbone=dict(
        init_cfg=dict(
            checkpoint=(
                'work_dirs/mgfd_dste_2xb178-joint-451e_ntu60-xview-keypoint-3d/'
                'epoch_451.pth'))))
train_dataloader = dict(
    dataset=dict(
        ann_file='data/skeleton/ntu60_3d.pkl',
        split='xview_train',
        num_classes=60))
val_dataloader = dict(
    dataset=dict(
        ann_file='data/skeleton/ntu60_3d.pkl',
        split='xview_val',
        num_classes=60))
test_dataloader = val_dataloader
