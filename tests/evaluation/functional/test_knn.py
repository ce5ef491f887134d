import pytest
import torch

from usdrl_mm.evaluation import knn_accuracy, knn_predict


def test_hand_worked_nearest_neighbours():
    gallery = torch.tensor([[1., 0.], [0., 1.], [-1., 0.], [0.9, 0.1]])
    labels = torch.tensor([0, 1, 2, 0])
    query = torch.tensor([[2., 0.1], [0.1, 5.], [-3., -0.2]])
    # cosine: the norm does not matter, only the direction
    assert knn_predict(query, gallery, labels, k=1).tolist() == [0, 1, 2]
    # k=3 for [0.1, 5]: neighbours 1 (0.999), 3 (0.13), 0 (0.02):
    # label 0 has two votes
    assert knn_predict(query[1:2], gallery, labels, k=3).tolist() == [0]


def test_ties_go_to_the_more_similar_label():
    gallery = torch.tensor([[1., 0.], [0., 1.]])
    labels = torch.tensor([3, 5])
    # k=2: one vote each; the query is closer to label 5
    assert knn_predict(
        torch.tensor([[0.2, 1.]]), gallery, labels, k=2).tolist() == [5]


def test_chunking_does_not_change_the_result():
    g = torch.Generator().manual_seed(0)
    gallery = torch.randn(200, 16, generator=g)
    labels = torch.randint(0, 7, (200, ), generator=g)
    query = torch.randn(130, 16, generator=g)
    for k in (1, 5, 20):
        a = knn_predict(query, gallery, labels, k, chunk_size=7)
        b = knn_predict(query, gallery, labels, k, chunk_size=1000)
        assert torch.equal(a, b)


def test_accuracy_is_a_fraction_per_k():
    gallery = torch.eye(3)
    labels = torch.tensor([0, 1, 2])
    acc = knn_accuracy(
        torch.eye(3), torch.tensor([0, 1, 0]), gallery, labels, ks=(1, 3))
    assert acc[1] == pytest.approx(2 / 3)
    assert set(acc) == {1, 3}


def test_bad_arguments():
    with pytest.raises(ValueError, match='k must be'):
        knn_predict(
            torch.zeros(1, 2),
            torch.zeros(3, 2),
            torch.zeros(3, dtype=torch.long),
            k=4)
    with pytest.raises(ValueError, match='features'):
        knn_predict(
            torch.zeros(1, 3), torch.zeros(3, 2),
            torch.zeros(3, dtype=torch.long))


def test_majority_vote_equals_scikit_learn():
    neighbors = pytest.importorskip('sklearn.neighbors')
    gen = torch.Generator().manual_seed(0)
    gallery = torch.randn(60, 8, generator=gen)
    labels = torch.randint(0, 3, (60, ), generator=gen)
    query = torch.randn(40, 8, generator=gen)
    for k in (1, 2, 4, 6):  # even k: many two-way ties
        ours = knn_predict(query, gallery, labels, k, vote='majority')
        ref = neighbors.KNeighborsClassifier(
            n_neighbors=k, metric='cosine', algorithm='brute').fit(
                gallery.numpy(), labels.numpy()).predict(query.numpy())
        assert ours.tolist() == ref.tolist(), k
    # the two rules differ only on ties, and never for k = 1
    assert torch.equal(
        knn_predict(query, gallery, labels, 1, vote='majority'),
        knn_predict(query, gallery, labels, 1))
    differs = knn_predict(query, gallery, labels, 2, vote='majority') != \
        knn_predict(query, gallery, labels, 2)
    assert differs.any()


def test_majority_vote_breaks_a_tie_by_the_smaller_label():
    gallery = torch.tensor([[1.0, 0.0], [0.9, 0.1]])
    # label 1 is the more similar neighbour; majority ignores similarity
    preds = knn_predict(
        torch.tensor([[1.0, 0.0]]), gallery, torch.tensor([1, 0]), 2,
        vote='majority')
    assert preds.tolist() == [0]
    assert knn_predict(
        torch.tensor([[1.0, 0.0]]), gallery, torch.tensor([1, 0]),
        2).tolist() == [1]
    with pytest.raises(ValueError, match='vote'):
        knn_predict(torch.ones(1, 2), gallery, torch.tensor([1, 0]), 1,
                    vote='weighted')
