"""Nightly incremental runs: match only what changed, and get what a full rebuild gets.

A run leaves a *snapshot* behind (``MatchSnapshot``, Arrow files beside the state
database, read memory-mapped): the normalised records with a content hash (append-only
segment files: a night adds its new and edited records and links the rest), every
scored candidate pair (level codes), which graph component and cluster each record fell
into, the blocking keys that were too big, the review queue, the golden records with
crosswalk and lineage (spliced and handed on as Arrow, see ``steward.incremental.arrow.arrow_backed``), the model's
parameters and the reviewer links it honoured. The next run compares the sources with
it and does the least work that still gives the full rebuild's answer:

1. **Changes** (``detect_changes``): a record is new, changed (its content hash
   differs; ``updated_at`` tells whether the source said so), unchanged, or removed
   (in the snapshot, not in the sources any more). Each record's snapshot row is
   found once here and used by every later step.
2. **Normalise** (``normalise_incremental``): only new and changed records go through
   the per-record normalisers; unchanged ones are taken from the snapshot. The
   cross-record part (shared inboxes, household phones) is recounted for the holders
   of every value that changed hands (``refresh_match_keys``).
3. **Rematch** (``rematch_mask``): records to match again = new/changed records,
   records whose match keys moved with the cross-record part, records in blocks that
   crossed ``max_block_size``, and records a reviewer decided on since.
4. **Pairs and scores** (``fresh_pairs``, ``affected_region``, ``with_stored_scores``):
   pairs touching rematched records are blocked and scored with the snapshot's model
   (frozen: the same parameters that scored the stored pairs). The *affected region*
   is what those pairs and the removed records can reach in the match graph; stored
   pairs inside it are re-weighted from their levels, the rest are carried into the
   next snapshot untouched (``carried_pairs``).
5. **Clusters** (``incremental_clusters``): only the region is clustered again
   (clustering is a function of one graph component; the region is a union of
   components), everyone else keeps their cluster. The review queue is the region's
   grey pairs plus the stored suggestions the change did not reach.
6. **Golden records** (``incremental_golden``): rebuilt only for the affected
   clusters, spliced into the snapshot's golden table; the golden ids that changed
   are what gets published.

Falls back to a full rebuild (and says why) when there is no snapshot, when the
rules, the code's snapshot format or the term-frequency setting make the stored
scores unusable, when the sources' columns changed (a column added or removed at a
source changes every golden record's fields, ``columns_reason``), and, with a warning,
when the snapshot is damaged: every file's size and SHA-256 are in its manifest and
checked before anything is read (``steward.incremental.files``). A full rebuild
(``steward run --full``) also re-estimates the model.
Records of erased people are never stored in a snapshot (ids and cluster labels
only), so they are matched afresh in every run until their sources stop exporting them;
and no segment file keeps a stored row of a record the snapshot no longer holds (erased,
or gone from its source): the segments holding one are written again by the run that
drops it (``_without_dropped`` in ``steward.incremental.snapshot``).
"""
