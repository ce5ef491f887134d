import pytest

from usdrl_mm.benchmarks import aggregate, metric_order, protocol_table


def test_metric_order():
    keys = [
        'segmentation/f1@10_bg0', 'detection/mAP_v@0.5', 'early/top1@1',
        'knn/top1_k20', 'early/mean1@0.5', 'linear/mean1', 'knn/top1_k5',
        'segmentation/edit', 'early/top1@0.5', 'linear/top1', 'knn/top1_k1',
        'detection/mAP_a@0.1', 'segmentation/f1@10'
    ]
    assert sorted(
        keys, key=metric_order) == [
            'linear/top1', 'linear/mean1', 'knn/top1_k1', 'knn/top1_k5',
            'knn/top1_k20', 'early/top1@0.5', 'early/mean1@0.5',
            'early/top1@1', 'detection/mAP_a@0.1', 'detection/mAP_v@0.5',
            'segmentation/edit', 'segmentation/f1@10', 'segmentation/f1@10_bg0'
        ]


def test_aggregate_keeps_every_seed_and_the_mean():
    runs = dict(
        xsub={
            '0': dict(pretrained={
                'linear/top1': 0.5,
                'knn/top1_k1': 0.25
            }),
            '1': dict(pretrained={'linear/top1': 0.7}),
        })
    out = aggregate(runs)
    cell = out['xsub']['pretrained']['linear/top1']
    assert cell['seeds'] == {'0': 0.5, '1': 0.7}
    assert cell['mean'] == pytest.approx(0.6)
    # a metric only one seed reports is averaged over that seed
    assert out['xsub']['pretrained']['knn/top1_k1']['mean'] == 0.25
    assert list(out['xsub']['pretrained']) == ['linear/top1', 'knn/top1_k1']


def test_table_columns_per_seed_and_mean():
    runs = dict(
        xview={
            s: {
                'pretrained': {
                    'linear/top1': v,
                    'linear/top5': 1.0
                },
                'random-init': {
                    'linear/top1': v / 2
                }
            }
            for s, v in (('0', 0.5), ('1', 0.7))
        })
    results = aggregate(runs)['xview']
    text = protocol_table(results, [0, 1], ['pretrained', 'random-init'])
    lines = text.splitlines()
    assert lines[0] == ('| metric | pretrained, seed 0 | pretrained, seed 1 '
                        '| pretrained, mean | random-init, seed 0 | '
                        'random-init, seed 1 | random-init, mean |')
    assert lines[2] == ('| `linear/top1` | 0.5000 | 0.7000 | 0.6000 | '
                        '0.2500 | 0.3500 | 0.3000 |')
    assert len(lines) == 3  # top-5 stays in the JSON only
    single = protocol_table(
        aggregate(dict(x={'0': runs['xview']['0']}))['x'], [0],
        ['pretrained', 'random-init'])
    assert single.splitlines()[0] == '| metric | pretrained | random-init |'
    assert '| `linear/top1` | 0.5000 | 0.2500 |' in single


def test_knn_mean_class_rows_follow_the_top1_rows():
    keys = ['knn/mean1_k20', 'knn/top1_k5', 'knn/mean1_k1', 'knn/top1_k1']
    assert sorted(
        keys, key=metric_order) == [
            'knn/top1_k1', 'knn/top1_k5', 'knn/mean1_k1', 'knn/mean1_k20'
        ]
