# The embedded synthetic data (tools/data/generate_synthetic.py), 10 classes,
# cross-subject, with the paper loaders (batch 512, 8 workers).
_base_ = ['./ntu60_xsub_recognition.py']
ann_file = 'data/synthetic/synthetic_3d.pkl'
num_classes = 10
train_dataloader = dict(
    dataset=dict(ann_file=ann_file, num_classes=num_classes))
val_dataloader = dict(dataset=dict(ann_file=ann_file, num_classes=num_classes))
test_dataloader = val_dataloader
