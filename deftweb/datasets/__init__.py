"""Datasets: the ATLAS nomenclature, the dataset registry, the name checker, and their pages,
API and command."""
