_base_ = ['./dste-knn_1xb128-joint_ntu60-xsub-keypoint-3d.py']
test_dataloader = dict(
    dataset=dict(
        gallery=dict(
            ann_file='data/skeleton/ntu120_3d.pkl', split='xsub_train'),
        query=dict(ann_file='data/skeleton/ntu120_3d.pkl', split='xsub_val')))
