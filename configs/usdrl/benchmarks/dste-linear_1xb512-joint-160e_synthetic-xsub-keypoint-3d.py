# The default-size DSTE (hidden 1024) under the linear protocol on the
# synthetic data; used for speed and size comparisons on the same files.
_base_ = ['./dste-linear_1xb512-joint-160e_ntu60-xsub-keypoint-3d.py']

ann_file = 'data/synthetic/synthetic_3d.pkl'
model = dict(
    backbone=dict(
        init_cfg=dict(checkpoint='work_dirs/'
                      'mgfd_dste_2xb178-joint-451e_synthetic-xsub-keypoint-3d/'
                      'epoch_451.pth')),
    cls_head=dict(num_classes=10))
train_dataloader = dict(dataset=dict(ann_file=ann_file, num_classes=10))
val_dataloader = dict(dataset=dict(ann_file=ann_file, num_classes=10))
test_dataloader = val_dataloader
