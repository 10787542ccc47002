"""Stage 2, normalise: one module per field family, and the stage that applies them to every record.

``stage`` turns canonical records into normalised contacts (values, match keys,
issue codes). The field families it uses, each a room of its own: ``email``
(with ``email_domains`` and the opt-in DNS check ``deliverability``), ``phone``,
``country``, ``names``, ``nicknames``, ``company``, ``postcode``; ``dates`` and
``opt_in`` are used while sources are loaded. ``values`` holds what they all
share (missing values, text, distinct-value helpers) and ``workers`` the worker
processes of the two slow ones (emails, phones).

Every normaliser takes a whole Series and returns a Series or DataFrame with the
same index, never modifies its input and never raises on any value: a value it
cannot read comes out as None plus an issue code (short snake_case; '' = fine,
several joined with ';').
"""
