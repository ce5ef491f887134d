# PKU-MMD II action clips, cross-subject, 51 classes.
_base_ = ['./ntu60_xsub_recognition.py']
ann_file = 'data/skeleton/pkummd2_3d.pkl'
num_classes = 51
train_dataloader = dict(
    dataset=dict(ann_file=ann_file, num_classes=num_classes))
val_dataloader = dict(dataset=dict(ann_file=ann_file, num_classes=num_classes))
test_dataloader = val_dataloader
