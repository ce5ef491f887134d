_base_ = ['./dste-knn_1xb128-joint_ntu60-xsub-keypoint-3d.py']
model = dict(data_preprocessor=dict(modality='bone'))
