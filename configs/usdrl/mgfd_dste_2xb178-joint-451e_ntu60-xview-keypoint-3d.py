_base_ = ['./mgfd_dste_2xb178-joint-451e_ntu60-xsub-keypoint-3d.py']
train_dataloader = dict(dataset=dict(split='xview_train'))
