# USDRL fine-tuning on the PKU-MMD I action clips
# (tools/data/convert_pku_mmd.py --trimmed-out), cross-subject: the NTU-60
# protocol with 51 classes and mean-class accuracy beside top-1 (no PKU-MMD I
# fine-tuning protocol was published).
_base_ = ['./dste-finetune_1xb128-joint-100e_ntu60-xsub-keypoint-3d.py']

ann_file = 'data/skeleton/pkummd1_3d_trimmed.pkl'
model = dict(
    backbone=dict(
        init_cfg=dict(
            checkpoint=(
                'work_dirs/mgfd_dste_2xb178-joint-451e_pku1-xsub-keypoint-3d/'
                'epoch_451.pth'))),
    cls_head=dict(num_classes=51))
train_dataloader = dict(dataset=dict(ann_file=ann_file, num_classes=51))
val_dataloader = dict(dataset=dict(ann_file=ann_file, num_classes=51))
test_dataloader = val_dataloader
val_evaluator = [
    dict(
        type='AccMetric',
        metric_list=('top_k_accuracy', 'mean_class_accuracy'))
]
test_evaluator = val_evaluator
