"""CSV import: customers from a CSV file, read robustly and resolved like any source.

``import_csv`` is the domain function the CLI and the background task both call.
"""

from connectors.csvimport.connector import CsvImportConnector
from connectors.csvimport.errors import CsvFileError
from connectors.csvimport.importer import import_csv
from connectors.csvimport.mappings import load_mapping, read_mapping_file
from connectors.csvimport.report import ImportReport, RowProblem
from connectors.csvimport.source import DEFAULT_SOURCE, ensure_source

__all__ = [
    "DEFAULT_SOURCE",
    "CsvFileError",
    "CsvImportConnector",
    "ImportReport",
    "RowProblem",
    "ensure_source",
    "import_csv",
    "load_mapping",
    "read_mapping_file",
]
