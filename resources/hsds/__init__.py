"""Open data: the directory as Open Referral HSDS 3.0 (JSON and tabular CSV), and back.

- `tables`: the HSDS tables and fields; `vocabulary`: ids and the Hub's taxonomies;
- `export`: database → dataset; `importer` (+ `channels`): dataset → database;
- `dataset`: the in-memory tables, JSON nesting/flattening and checks; `formats`: files;
- `services`: whole export/import operations, run by `export_hsds` and `import_hsds`.
"""
