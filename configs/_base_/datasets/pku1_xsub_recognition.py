# PKU-MMD I action clips (tools/data/convert_pku_mmd.py --trimmed-out),
# cross-subject, 51 classes. The clips per class are very uneven, so
# mean-class accuracy is reported beside top-1.
_base_ = ['./ntu60_xsub_recognition.py']
ann_file = 'data/skeleton/pkummd1_3d_trimmed.pkl'
num_classes = 51
train_dataloader = dict(
    dataset=dict(ann_file=ann_file, num_classes=num_classes))
val_dataloader = dict(dataset=dict(ann_file=ann_file, num_classes=num_classes))
test_dataloader = val_dataloader
val_evaluator = [
    dict(
        type='AccMetric',
        metric_list=('top_k_accuracy', 'mean_class_accuracy'))
]
test_evaluator = val_evaluator
