# Retrieval on NTU RGB+D 60 cross-view: the cross-subject kNN base with the
# cross-view splits.
_base_ = ['./ntu60_xsub_knn.py']
test_dataloader = dict(
    dataset=dict(
        gallery=dict(split='xview_train'), query=dict(split='xview_val')))
