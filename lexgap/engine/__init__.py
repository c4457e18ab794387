"""Loading, validation, compilation and inference: everything between YAML files and an Assessment."""
