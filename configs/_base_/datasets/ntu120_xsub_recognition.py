# NTU RGB+D 120 cross-subject recognition data (120 classes): the NTU-60
# recognition base on ntu120_3d.pkl.
_base_ = ['./ntu60_xsub_recognition.py']
ann_file = 'data/skeleton/ntu120_3d.pkl'
num_classes = 120
# a base's dicts are built with its own ann_file / num_classes: restated here
train_dataloader = dict(
    dataset=dict(ann_file=ann_file, num_classes=num_classes))
val_dataloader = dict(dataset=dict(ann_file=ann_file, num_classes=num_classes))
test_dataloader = val_dataloader
