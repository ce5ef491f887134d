# Retrieval on the PKU-MMD I action clips (tools/data/convert_pku_mmd.py
# --trimmed-out), cross-subject, training clips as gallery.
_base_ = ['./ntu60_xsub_knn.py']
ann_file = 'data/skeleton/pkummd1_3d_trimmed.pkl'
test_dataloader = dict(
    dataset=dict(
        gallery=dict(ann_file=ann_file), query=dict(ann_file=ann_file)))
# the clips per class are very uneven: mean-class accuracy beside top-1, as
# the recognition protocols report it (the list is restated whole)
test_evaluator = [dict(type='KNNMetric', ks=(1, 5, 20), mean_class=True)]
