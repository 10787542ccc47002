"""crm-steward engine: plain pandas/Python, no Dagster import.

Data flows one way: sources -> normalise -> match -> merge -> validate -> publish.
"""

__version__ = "0.1.0"
