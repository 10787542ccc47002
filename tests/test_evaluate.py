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
