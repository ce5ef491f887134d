_base_ = [
    '../../_base_/models/dste_recognizer.py',
    '../../_base_/datasets/pku2_xsub_recognition.py',
    '../../_base_/schedules/adamw_finetune_100e.py',
    '../../_base_/default_runtime.py'
]
# this leaf's own: the class count and the pretraining checkpoint
# (a data base cannot add them to `model`; design.md §22)
model = dict(
    cls_head=dict(num_classes=51),
    backbone=dict(
        init_cfg=dict(
            checkpoint=(
                'work_dirs/mgfd_dste_2xb256-joint-1201e_pku2-xsub-keypoint-3d/'
                'epoch_1201.pth'))))
# the fine-tune batch; the data bases load the linear protocol's 512
train_dataloader = dict(batch_size=128)
val_dataloader = dict(batch_size=128)
test_dataloader = val_dataloader
default_hooks = dict(checkpoint=dict(interval=10, max_keep_ckpts=1))
