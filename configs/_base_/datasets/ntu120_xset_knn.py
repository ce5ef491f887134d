# Retrieval on NTU RGB+D 120 cross-setup: the cross-subject kNN base with the
# cross-setup splits.
_base_ = ['./ntu120_xsub_knn.py']
test_dataloader = dict(
    dataset=dict(
        gallery=dict(split='xset_train'), query=dict(split='xset_val')))
