"""Issue 19, C7 and P2: what the run history keeps of a preview. A 200 MB cell made every run's
history database 1.26 GB; previews showed whole e-mail addresses and phone numbers, which the run
history keeps forever. Previews now mask personal columns and cut every cell."""

import pandas as pd

from assets._metadata import MAX_CELL, table_preview


def test_previews_mask_personal_values_and_cut_long_cells():
    frame = pd.DataFrame({"record_id": ["WS-1"], "first_name": ["Katarzyna"], "last_name": ["Pawłowska"],
                          "email": ["katarzyna.pawlowska42@onet.pl"], "phone": ["+48 519 223 802"],
                          "country": ["PL"], "extra_notes": ["likes sailing"], "company": ["x" * 5_000_000]})
    record = table_preview(frame).records[0].data
    assert record["record_id"] == "WS-1" and record["country"] == "PL"  # not personal: shown
    assert record["first_name"] == "K•••" and record["last_name"] == "P•••"
    assert record["email"] == "k•••@onet.pl" and record["phone"] == "+•••• ••02"
    assert "sailing" not in record["extra_notes"]
    assert len(record["company"]) < MAX_CELL + 40 and "5,000,000 characters" in record["company"]
    for value in record.values():
        assert "Pawłowska" not in value and "223 802" not in value and "pawlowska42" not in value
