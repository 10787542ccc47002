"""Erasure requests: hashed identifiers, every record of an erased person suppressed on every run.

People who asked to be forgotten are listed (rules/erasure.yaml says where; its
settings are steward.config.erasure) only as keyed hashes of their identifiers.
The rooms, in the order a request travels:

* ``hashing``: the keyed hash of an email, a phone, a name + date of birth
* ``requests``: a person's request hashed and appended to the list (``steward erase``)
* ``erasure_list``: the list read and checked before a run trusts it
* ``suppression``: records on the list found, their whole clusters removed
* ``quarantine``: suppressed records as value-less quarantine entries; raw lines scrubbed
"""
