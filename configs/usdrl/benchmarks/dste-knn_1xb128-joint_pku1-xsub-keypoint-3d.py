# kNN retrieval on the PKU-MMD I action clips, cross-subject (training clips
# as gallery), with the PKU-MMD I pretraining checkpoint:
#   python tools/test.py CONFIG work_dirs/mgfd_dste_2xb178-joint-451e_pku1-xsub-keypoint-3d/epoch_451.pth
_base_ = ['./dste-knn_1xb128-joint_ntu60-xsub-keypoint-3d.py']

ann_file = 'data/skeleton/pkummd1_3d_trimmed.pkl'
test_dataloader = dict(
    dataset=dict(
        gallery=dict(ann_file=ann_file), query=dict(ann_file=ann_file)))
