import pandas as pd
import pytest

from steward.match.evaluate import evaluate


def test_pairwise_and_bcubed_against_hand_computed_values():
    truth = pd.DataFrame({"source": "s", "record_id": list("abcde"), "entity_id": ["1", "1", "1", "2", "2"]})
    # predicted: {a,b} {c,d} {e}
    crosswalk = pd.DataFrame({"source": "s", "record_id": list("abcde"), "golden_id": ["X", "X", "Y", "Y", "Z"]})
    ev = evaluate(crosswalk, truth)
    # true pairs: ab ac bc de = 4; predicted: ab cd = 2; true positives: ab = 1
    assert (ev.true_pairs, ev.predicted_pairs, ev.true_positive_pairs) == (4, 2, 1)
    assert ev.precision == pytest.approx(0.5) and ev.recall == pytest.approx(0.25)
    assert ev.f1 == pytest.approx(2 * 0.5 * 0.25 / 0.75)
    # B-cubed precision per record: a 1, b 1, c 1/2, d 1/2, e 1 -> 0.8
    assert ev.bcubed_precision == pytest.approx(0.8)
    # recall per record: a 2/3, b 2/3, c 1/3, d 1/2, e 1/2
    assert ev.bcubed_recall == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 0.5 + 0.5) / 5)


def test_perfect_and_disjoint_inputs():
    truth = pd.DataFrame({"source": "s", "record_id": ["a", "b"], "entity_id": ["1", "1"]})
    perfect = truth.rename(columns={"entity_id": "golden_id"})
    assert evaluate(perfect, truth).f1 == 1.0
    with pytest.raises(ValueError, match="share no"):
        evaluate(pd.DataFrame({"source": "t", "record_id": ["z"], "golden_id": ["1"]}), truth)


def test_pairwise_figures_agree_with_recordlinkage_measures():
    """An independent check: recordlinkage's confusion-matrix measures over the explicit pairs
    (fine for a small case; evaluate() counts pairs from cluster sizes so it scales)."""
    from itertools import combinations

    import numpy as np
    import recordlinkage

    rng = np.random.default_rng(11)
    ids = [f"r{i}" for i in range(60)]
    truth = pd.DataFrame({"source": "s", "record_id": ids, "entity_id": rng.integers(0, 25, 60).astype(str)})
    crosswalk = pd.DataFrame({"source": "s", "record_id": ids, "golden_id": rng.integers(0, 20, 60).astype(str)})

    def pairs(labels: pd.Series) -> pd.MultiIndex:
        within = [(a, b) for _, group in labels.groupby(labels) for a, b in combinations(sorted(group.index), 2)]
        return pd.MultiIndex.from_tuples(within, names=["a", "b"])

    true_links = pairs(truth.set_index("record_id")["entity_id"])
    links = pairs(crosswalk.set_index("record_id")["golden_id"])
    ev = evaluate(crosswalk, truth)
    assert ev.precision == pytest.approx(recordlinkage.precision(true_links, links))
    assert ev.recall == pytest.approx(recordlinkage.recall(true_links, links))
    assert ev.f1 == pytest.approx(recordlinkage.fscore(true_links, links))
