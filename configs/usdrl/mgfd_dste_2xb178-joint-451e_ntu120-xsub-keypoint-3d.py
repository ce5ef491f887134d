_base_ = ['./mgfd_dste_2xb178-joint-451e_ntu60-xsub-keypoint-3d.py']
train_dataloader = dict(
    dataset=dict(ann_file='data/skeleton/ntu120_3d.pkl', split='xsub_train'))
